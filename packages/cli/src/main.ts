import { parseArgs } from "node:util";
import path from "node:path";
import { ErrorCode, HomelabError, UsageError, escapeControl, formatError, isHomelabError, redactor, secretsFromArgs, secretsFromEnv } from "@homelab/errors";
import { suggestKey } from "@homelab/values";
import { readInputFile } from "@homelab/yaml";
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
    throw new UsageError(
      `unexpected argument ${JSON.stringify(parsed.positionals[command.positionals.length])}`,
      `see \`${PROGRAM} ${command.path.join(" ")} --help\``,
    );
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
    // Through the one input loader: the file an error names may be a FIFO, huge, or not UTF-8.
    const input = readInputFile(path.resolve(cwd, error.position.file), { display: error.position.file });
    return input.kind === "file" ? input.text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A syntax error in homelab.config.ts or a component's TypeScript, as tsx
 * (esbuild) reports it on import: "Transform failed with N error(s):\n
 * FILE:LINE:COL: ERROR: TEXT" (column 0-based). It is the user's input, so
 * exit 2 with file and line, not "internal error".
 */
export function typeScriptSyntaxError(error: unknown, cwd: string): HomelabError | undefined {
  if (!(error instanceof Error) || !/^Transform failed with \d+ errors?:/.test(error.message)) return undefined;
  const at = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(error.message);
  if (!at) return new HomelabError(ErrorCode.Config, error.message.split("\n").slice(1).join("; ") || "TypeScript syntax error", { cause: error });
  const file = path.isAbsolute(at[1]!) ? path.relative(cwd, at[1]!) || at[1]! : at[1]!;
  const more = Number(/^Transform failed with (\d+)/.exec(error.message)![1]) - 1;
  return new HomelabError(ErrorCode.Config, `TypeScript syntax error: ${at[4]}${more > 0 ? ` (and ${more} more)` : ""}`, {
    position: { file: file.startsWith("..") ? at[1]! : file, line: Number(at[2]), column: Number(at[3]) + 1 },
    cause: error,
  });
}

/**
 * Everything the commands print goes through here: known secrets (GITHUB_TOKEN,
 * GH_TOKEN, HOMELAB_*TOKEN*, any --token value) and token-shaped strings are
 * replaced by `***`, and terminal control characters (from a file's content,
 * a finding message, an error) are shown escaped instead of obeyed.
 */
function guardedIo(argv: readonly string[], io: Io): Io {
  const redact = redactor([...secretsFromEnv(io.env), ...secretsFromArgs(argv)]);
  const clean = (text: string): string => escapeControl(redact(text));
  return { ...io, stdout: (text) => io.stdout(clean(text)), stderr: (text) => io.stderr(clean(text)) };
}

/**
 * The single exit point: user errors print one clear message and give 2, a
 * thrown non-HomelabError is a bug and says so with its stack. All output is
 * redacted and control characters escaped (guardedIo).
 */
export async function main(argv: readonly string[], rawIo: Io): Promise<number> {
  const io = guardedIo(argv, rawIo);
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
  } catch (thrown) {
    const error = typeScriptSyntaxError(thrown, io.cwd) ?? thrown;
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
