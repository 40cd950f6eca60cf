import { parseArgs } from "node:util";
import path from "node:path";
import { ErrorCode, HomelabError, UsageError, escapeControl, formatError, isHomelabError, redactor, secretsFromArgs, secretsFromEnv } from "@homelab/errors";
import { COMMANDS, GROUPS } from "./commands/index.js";
import { GLOBAL_FLAGS, type AnyCommand, type FlagSpec, type FlagTable, type Io, type ParsedArgs } from "./spec.js";

const PROGRAM = "homelab";

/** "Did you mean": owned by @homelab/values, loaded only when a usage error needs a suggestion. */
async function suggestion(word: string, candidates: readonly string[]): Promise<string | undefined> {
  const { suggestKey } = await import("@homelab/values");
  return suggestKey(word, candidates);
}

function findCommand(argv: readonly string[]): { command: AnyCommand; rest: string[] } | undefined {
  const matches = COMMANDS.filter((c) => c.path.every((word, i) => argv[i] === word)).sort((a, b) => b.path.length - a.path.length);
  const command = matches[0];
  return command ? { command, rest: argv.slice(command.path.length) } : undefined;
}

/** The commands under a group word (`charts` → charts lock, fetch, verify); empty when it is none. */
function groupCommands(word: string | undefined): AnyCommand[] {
  return COMMANDS.filter((c) => c.path.length > 1 && c.path[0] === word);
}

const isHelp = (arg: string | undefined): boolean => arg === "--help" || arg === "-h";

function flagUsage(name: string, flag: FlagSpec): string {
  const usage = `${flag.short ? `-${flag.short}, ` : "    "}--${name}`;
  const value = flag.type === "string" ? ` ${flag.value ?? (flag.choices ? flag.choices.join("|") : "VALUE")}` : "";
  return `${usage}${value}`;
}

function allFlags(command: AnyCommand): [string, FlagSpec][] {
  return [...Object.entries(command.flags as FlagTable), ...Object.entries(GLOBAL_FLAGS as FlagTable)];
}

export function commandHelp(command: AnyCommand): string {
  const positionals = command.positionals.map((p) => (p.required ? `<${p.name}${p.variadic ? "..." : ""}>` : `[${p.name}${p.variadic ? "..." : ""}]`));
  const flags = allFlags(command);
  const width = Math.max(...flags.map(([name, f]) => flagUsage(name, f).length));
  const lines = [`Usage: ${PROGRAM} ${[...command.path, ...positionals, "[options]"].join(" ")}`, "", command.summary];
  if (command.description) lines.push("", command.description);
  if (command.positionals.length) {
    lines.push("", "Arguments:");
    for (const p of command.positionals) lines.push(`  ${p.name.padEnd(width)}  ${p.description}`);
  }
  lines.push("", "Options:");
  for (const [name, f] of flags) lines.push(`  ${flagUsage(name, f).padEnd(width)}  ${f.description}`);
  return `${lines.join("\n")}\n`;
}

function commandList(commands: readonly AnyCommand[]): string[] {
  const width = Math.max(...commands.map((c) => c.path.join(" ").length));
  return commands.map((c) => `  ${c.path.join(" ").padEnd(width)}  ${c.summary}`);
}

export function programHelp(): string {
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "Commands:",
    ...commandList(COMMANDS),
    "",
    `Run \`${PROGRAM} <command> --help\` for a command's options.`,
    "Exit codes: 0 success, 1 findings or differences, 2 bad input or usage.",
    "",
  ].join("\n");
}

/** `homelab charts --help`: the group's subcommands. */
export function groupHelp(group: string): string {
  return [
    `Usage: ${PROGRAM} ${group} <command> [options]`,
    "",
    GROUPS[group] ?? `the ${group} commands`,
    "",
    "Commands:",
    ...commandList(groupCommands(group)),
    "",
    `Run \`${PROGRAM} ${group} <command> --help\` for a command's options.`,
    "",
  ].join("\n");
}

async function parse(command: AnyCommand, argv: string[]): Promise<ParsedArgs> {
  const flags = allFlags(command);
  const options: Record<string, { type: "boolean" | "string"; short?: string; multiple?: boolean }> = {};
  for (const [name, flag] of flags) {
    options[name] = { type: flag.type, ...(flag.short ? { short: flag.short } : {}), ...(flag.type === "string" && flag.multiple ? { multiple: true } : {}) };
  }
  const help = `see \`${PROGRAM} ${command.path.join(" ")} --help\``;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec((error as Error).message);
    if (unknown) {
      const suggested = await suggestion(
        unknown[1]!,
        flags.map(([name]) => `--${name}`),
      );
      throw new UsageError(`unknown option ${unknown[1]}${suggested ? ` (did you mean ${suggested}?)` : ""}`, help);
    }
    throw new UsageError((error as Error).message.split("\n")[0]!, help);
  }
  const values: Record<string, string | boolean | string[] | undefined> = {};
  for (const [name, flag] of flags) {
    const value = parsed.values[name];
    if (flag.type === "boolean") values[name] = value === true;
    else if (flag.multiple) values[name] = Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
    else values[name] = typeof value === "string" ? value : undefined;
    if (flag.type === "string" && flag.choices && typeof value === "string" && !flag.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${flag.choices.join(", ")}, not ${JSON.stringify(value)}`);
    }
  }
  const variadic = command.positionals.some((p) => p.variadic);
  if (!variadic && parsed.positionals.length > command.positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[command.positionals.length])}`, help);
  }
  const required = command.positionals.filter((p) => p.required).length;
  if (parsed.positionals.length < required && !parsed.values.help) {
    throw new UsageError(`missing argument <${command.positionals[parsed.positionals.length]!.name}>`, help);
  }
  // Every flag of the table has its typed value now (boolean, string[] or string | undefined), as FlagValues says.
  return { flags: values as ParsedArgs["flags"], positionals: parsed.positionals };
}

/** The text of the file an error points into, to draw the offending line; nothing when it cannot be read. */
async function sourceOf(error: HomelabError, cwd: string): Promise<string | undefined> {
  if (!error.position?.line) return undefined;
  try {
    // Through the one input loader: the file an error names may be a FIFO, huge, or not UTF-8.
    const { readInputFile } = await import("@homelab/yaml");
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
    if (!found) {
      const group = groupCommands(argv[0]);
      if (group.length === 0) throw new UsageError(`unknown command ${JSON.stringify(argv[0])}`, `run \`${PROGRAM} --help\` for the commands`);
      // A group word alone (or with --help) lists its subcommands, as the program's help lists the commands.
      if (argv.length === 1 || isHelp(argv[1])) {
        io.stdout(groupHelp(argv[0]!));
        return argv.length === 1 ? 2 : 0;
      }
      const words = group.map((c) => c.path[1]!);
      const suggested = argv[1]!.startsWith("-") ? undefined : await suggestion(argv[1]!, words);
      throw new UsageError(
        `unknown command ${JSON.stringify(`${argv[0]} ${argv[1]}`)}${suggested ? ` (did you mean ${argv[0]} ${suggested}?)` : ""}`,
        `run \`${PROGRAM} ${argv[0]} --help\` for its commands`,
      );
    }
    const args = await parse(found.command, found.rest);
    if (args.flags.help) {
      io.stdout(commandHelp(found.command));
      return 0;
    }
    const run = await found.command.load();
    if (found.command.importsTypeScript !== false) await rawIo.beforeRun?.();
    return await run(args, io);
  } catch (thrown) {
    const error = typeScriptSyntaxError(thrown, io.cwd) ?? thrown;
    if (isHomelabError(error)) {
      const problem = error as HomelabError;
      if (problem.code === ErrorCode.Usage) {
        // Usage errors stay on one line; the hint says where to look.
        io.stderr(`${PROGRAM}: ${problem.message}${problem.hint ? `; ${problem.hint}` : ""}\n`);
      } else {
        io.stderr(`${PROGRAM}: ${formatError(problem, await sourceOf(problem, io.cwd))}\n`);
      }
      return 2;
    }
    io.stderr(
      `${PROGRAM}: internal error, please report it with the command you ran:\n${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    return 70;
  }
}
