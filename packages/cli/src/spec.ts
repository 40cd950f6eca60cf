/** The one typed table of commands and flags; parsing and --help are derived from it. */

export interface Io {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  stdout(text: string): void;
  stderr(text: string): void;
}

export interface FlagSpec {
  name: string;
  type: "boolean" | "string";
  description: string;
  short?: string;
  multiple?: boolean;
  choices?: readonly string[];
  /** Shown in help as the value placeholder. */
  value?: string;
}

export interface PositionalSpec {
  name: string;
  description: string;
  variadic?: boolean;
  required?: boolean;
}

export interface ParsedArgs {
  flags: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export interface CommandSpec {
  /** Words that select the command, e.g. ["values", "validate"]. */
  path: readonly string[];
  summary: string;
  description?: string;
  positionals: readonly PositionalSpec[];
  flags: readonly FlagSpec[];
  /** Returns the exit code: 0 success, 1 findings/differences, 2 bad input. */
  run(args: ParsedArgs, io: Io): Promise<number>;
}

export const GLOBAL_FLAGS: readonly FlagSpec[] = [
  { name: "help", short: "h", type: "boolean", description: "show help for the command" },
  { name: "root", type: "string", value: "DIR", description: "repository root (default: nearest folder with homelab.config.ts)" },
];
