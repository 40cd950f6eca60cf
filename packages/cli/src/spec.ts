/**
 * The one typed table of commands and flags; parsing and --help are derived
 * from it. A command is its table entry (path, summary, flags, positionals)
 * in a light module and a `load` that imports its implementation on demand,
 * so help and usage errors load none of the libraries behind the commands.
 */

export interface Io {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
  /**
   * Called once the command's implementation has loaded, before it runs
   * (unless the command declares `importsTypeScript: false`). The
   * bin lets the process import TypeScript (the user's homelab.config.ts and
   * components) here, so the compiled framework's own modules load without
   * tsx's loader hooks in the way (each hooked import is a round trip to
   * tsx's hook thread).
   */
  beforeRun?(): Promise<void>;
}

interface FlagBase {
  description: string;
  short?: string;
}

export interface BooleanFlag extends FlagBase {
  type: "boolean";
}

export interface StringFlag extends FlagBase {
  type: "string";
  /** Repeatable: the value is every occurrence, in order. */
  multiple?: boolean;
  /** The only values accepted (a usage error names them otherwise). */
  choices?: readonly string[];
  /** Shown in help as the value placeholder. */
  value?: string;
}

export type FlagSpec = BooleanFlag | StringFlag;
export type FlagTable = Readonly<Record<string, FlagSpec>>;

/** A flag's value as `run` sees it: boolean flags are never undefined, repeatable ones never absent. */
export type FlagValue<F extends FlagSpec> = F extends BooleanFlag
  ? boolean
  : F extends { multiple: true }
    ? string[]
    : F extends { choices: readonly (infer C extends string)[] }
      ? C | undefined
      : string | undefined;

export const GLOBAL_FLAGS = {
  help: { short: "h", type: "boolean", description: "show help for the command" },
  root: { type: "string", value: "DIR", description: "repository root (default: nearest folder with homelab.config.ts)" },
} as const satisfies FlagTable;

export type FlagValues<T extends FlagTable> = { -readonly [K in keyof T]: FlagValue<T[K]> } & {
  -readonly [K in keyof typeof GLOBAL_FLAGS]: FlagValue<(typeof GLOBAL_FLAGS)[K]>;
};

export interface ParsedArgs<T extends FlagTable = FlagTable> {
  flags: FlagValues<T>;
  positionals: string[];
}

export interface PositionalSpec {
  name: string;
  description: string;
  variadic?: boolean;
  required?: boolean;
}

/** A command's implementation: parses nothing, calls its library, prints; returns the exit code (0 success, 1 findings/differences, 2 bad input). */
export type CommandRun<T extends FlagTable> = (args: ParsedArgs<T>, io: Io) => Promise<number>;

export interface CommandSpec<T extends FlagTable = FlagTable> {
  /** Words that select the command, e.g. ["values", "validate"]. */
  path: readonly string[];
  summary: string;
  description?: string;
  positionals: readonly PositionalSpec[];
  flags: T;
  /** The implementation, imported only when the command runs (`async () => (await import("./x.run.js")).run`). */
  load(): Promise<CommandRun<T>>;
  /**
   * false: the command never imports TypeScript (no homelab.config.ts, no
   * component package), so `Io.beforeRun` is skipped and the compiled CLI
   * never starts tsx's loader (~0.1 s). Declare it only where that holds:
   * a TypeScript import would then fail. Default true.
   */
  importsTypeScript?: boolean;
}

/**
 * Declares a command; `args` of its `run` is typed from the flag table (write
 * the table `as const` so choices become unions and `multiple: true` a string[]).
 */
export function defineCommand<const T extends FlagTable>(spec: CommandSpec<T>): CommandSpec<T> {
  for (const name of Object.keys(spec.flags)) {
    if (name in GLOBAL_FLAGS) throw new Error(`${spec.path.join(" ")}: --${name} is a global flag`);
  }
  return spec;
}

/** Any command, whatever its flags (the table's element type). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- run's args are checked per command by defineCommand; the table only dispatches.
export type AnyCommand = CommandSpec<any>;
