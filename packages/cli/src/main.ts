import { parseArgs } from "node:util";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ErrorCode, HomelabError, UsageError, formatError, isHomelabError } from "@homelab/errors";
import { suggestKey } from "@homelab/values";
import { COMMANDS } from "./commands/index.js";
import { GLOBAL_FLAGS, type CommandSpec, type FlagSpec, type Io, type ParsedArgs } from "./spec.js";

const PROGRAM = "homelab";

function findCommand(argv: readonly string[]): { command: CommandSpec; rest: string[] } | undefined {
  const matches = COMMANDS.filter((c) => c.path.every((word, i) => argv[i] === word)).sort((a, b) => b.path.length - a.path.length);
  const command = matches[0];
  return command ? { command, rest: argv.slice(command.path.length) } : undefined;
}

function flagUsage(flag: FlagSpec): string {
  const name = `${flag.short ? `-${flag.short}, ` : "    "}--${flag.name}`;
  const value = flag.type === "string" ? ` ${flag.value ?? (flag.choices ? flag.choices.join("|") : "VALUE")}` : "";
  return `${name}${value}`;
}

export function commandHelp(command: CommandSpec): string {
  const positionals = command.positionals.map((p) => (p.required ? `<${p.name}${p.variadic ? "..." : ""}>` : `[${p.name}${p.variadic ? "..." : ""}]`));
  const flags = [...command.flags, ...GLOBAL_FLAGS];
  const width = Math.max(...flags.map((f) => flagUsage(f).length));
  const lines = [`Usage: ${PROGRAM} ${[...command.path, ...positionals, "[options]"].join(" ")}`, "", command.summary];
  if (command.description) lines.push("", command.description);
  if (command.positionals.length) {
    lines.push("", "Arguments:");
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(width)}  ${p.description}`);
  }
  lines.push("", "Options:");
  for (const f of flags) lines.push(`  ${flagUsage(f).padEnd(width)}  ${f.description}`);
  return `${lines.join("\n")}\n`;
}

export function programHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.path.join(" ").length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`),
    "",
    `Run \`${PROGRAM} <command> --help\` for a command's options.`,
    "Exit codes: 0 success, 1 findings or differences, 2 bad input or usage.",
    "",
  ].join("\n");
}

function parse(command: CommandSpec, argv: string[]): ParsedArgs {
  const options: Record<string, { type: "boolean" | "string"; short?: string; multiple?: boolean }> = {};
  for (const flag of [...command.flags, ...GLOBAL_FLAGS]) {
    options[flag.name] = { type: flag.type, ...(flag.short ? { short: flag.short } : {}), ...(flag.multiple ? { multiple: true } : {}) };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const help = `see \`${PROGRAM} ${command.path.join(" ")} --help\``;
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec((error as Error).message);
    if (unknown) {
      const names = [...command.flags, ...GLOBAL_FLAGS].map((f) => `--${f.name}`);
      const suggestion = suggestKey(unknown[1]!, names);
      throw new UsageError(`unknown option ${unknown[1]}${suggestion ? ` (did you mean ${suggestion}?)` : ""}`, help);
    }
    throw new UsageError((error as Error).message.split("\n")[0]!, help);
  }
  for (const flag of command.flags) {
    const value = parsed.values[flag.name];
    if (flag.choices && typeof value === "string" && !flag.choices.includes(value)) {
      throw new UsageError(`--${flag.name} must be one of ${flag.choices.join(", ")}, not ${JSON.stringify(value)}`);
    }
  }
  const variadic = command.positionals.some((p) => p.variadic);
  if (!variadic && parsed.positionals.length > command.positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[command.positionals.length])}`, `see \`${PROGRAM} ${command.path.join(" ")} --help\``);
  }
  const required = command.positionals.filter((p) => p.required).length;
  if (parsed.positionals.length < required && !parsed.values.help) {
    throw new UsageError(`missing argument <${command.positionals[parsed.positionals.length]!.name}>`, `see \`${PROGRAM} ${command.path.join(" ")} --help\``);
  }
  return { flags: parsed.values as ParsedArgs["flags"], positionals: parsed.positionals };
}

/** The text of the file an error points into, to draw the offending line; nothing when it cannot be read. */
function sourceOf(error: HomelabError, cwd: string): string | undefined {
  if (!error.position?.line) return undefined;
  try {
    return readFileSync(path.resolve(cwd, error.position.file), "utf8");
  } catch {
    return undefined;
  }
}

/**
 * The single exit point: user errors print one clear message and give 2, a
 * thrown non-HomelabError is a bug and says so with its stack.
 */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  try {
    if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
      io.stdout(programHelp());
      return argv.length === 0 ? 2 : 0;
    }
    const found = findCommand(argv);
    if (!found) throw new UsageError(`unknown command ${JSON.stringify(argv[0])}`, `run \`${PROGRAM} --help\` for the commands`);
    const args = parse(found.command, found.rest);
    if (args.flags.help) {
      io.stdout(commandHelp(found.command));
      return 0;
    }
    return await found.command.run(args, io);
  } catch (error) {
    if (isHomelabError(error)) {
      const problem = error as HomelabError;
      if (problem.code === ErrorCode.Usage) {
        // Usage errors stay on one line; the hint says where to look.
        io.stderr(`${PROGRAM}: ${problem.message}${problem.hint ? `; ${problem.hint}` : ""}\n`);
      } else {
        io.stderr(`${PROGRAM}: ${formatError(problem, sourceOf(problem, io.cwd))}\n`);
      }
      return 2;
    }
    io.stderr(
      `${PROGRAM}: internal error, please report it with the command you ran:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 70;
  }
}
