import { escapeControl } from "./output.js";

/**
 * The closed set of user-facing error codes. Anything thrown that is not a
 * HomelabError is a bug in this project, and the CLI reports it as such.
 */
export const ErrorCode = {
  /** Wrong flags, arguments or command. */
  Usage: "USAGE",
  /** A configuration file (homelab.config.ts, a component) is wrong. */
  Config: "CONFIG",
  /** A YAML or JSON file cannot be parsed. */
  Syntax: "SYNTAX",
  /** Helm values do not match the chart's schema. */
  ValuesInvalid: "VALUES_INVALID",
  /** A chart (directory, archive, repository) cannot be read or is malformed. */
  ChartInvalid: "CHART_INVALID",
  /** A JSON schema cannot be used (unknown draft, unresolvable $ref, ...). */
  SchemaInvalid: "SCHEMA_INVALID",
  /** Render would overwrite or delete a file it does not own. */
  RenderConflict: "RENDER_CONFLICT",
  /** A path derived from input leaves its root (lexically or through a symlink), or is not a usable relative path. */
  PathOutside: "PATH_OUTSIDE",
  /** Reading or writing a file failed. */
  Io: "IO",
  /** A required external tool or build artifact is missing. */
  MissingArtifact: "MISSING_ARTIFACT",
  /** A remote service (Helm repository, GitHub) failed. */
  Remote: "REMOTE",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** A place in a file; line and column are 1-based. */
export interface SourcePosition {
  file: string;
  line?: number;
  column?: number;
}

export interface HomelabErrorOptions {
  position?: SourcePosition;
  /** Further lines, e.g. one per problem when several were collected. */
  details?: readonly string[];
  /** A one-line hint on how to fix it. */
  hint?: string;
  cause?: unknown;
}

/** An error in the user's input or environment: printed plainly, exit code 2. */
export class HomelabError extends Error {
  readonly code: ErrorCode;
  readonly position: SourcePosition | undefined;
  readonly details: readonly string[];
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: HomelabErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HomelabError";
    this.code = code;
    this.position = options.position;
    this.details = options.details ?? [];
    this.hint = options.hint;
  }
}

export class UsageError extends HomelabError {
  constructor(message: string, hint?: string) {
    super(ErrorCode.Usage, message, hint === undefined ? {} : { hint });
    this.name = "UsageError";
  }
}

export function isHomelabError(error: unknown): error is HomelabError {
  return error instanceof HomelabError;
}

export { REDACTED, escapeControl, isSecretEnvName, redactor, secretsFromArgs, secretsFromEnv, type Redactor } from "./output.js";

/** `file:line:column` with whatever parts are known. */
export function formatPosition(position: SourcePosition): string {
  let text = position.file;
  if (position.line !== undefined) {
    text += `:${position.line}`;
    if (position.column !== undefined) text += `:${position.column}`;
  }
  return text;
}

/**
 * Renders an error for a terminal: `file:line:col: message`, the source line
 * with a caret under the column when the source text is given, then details.
 */
export function formatError(error: HomelabError, source?: string): string {
  const lines: string[] = [];
  const where = error.position ? `${formatPosition(error.position)}: ` : "";
  lines.push(`${where}${error.message}`);
  const line = error.position?.line;
  if (source !== undefined && line !== undefined) {
    const text = source.split(/\r?\n/)[line - 1];
    if (text !== undefined) {
      // The excerpt is the file's bytes: escape control characters so a file cannot drive the terminal,
      // and count the caret's column in escaped characters so it still points at the same place.
      const gutter = `${line} | `;
      const column = Math.max(1, error.position?.column ?? 1);
      const tab = (s: string): string => s.replace(/\t/g, " ");
      lines.push(`  ${gutter}${tab(escapeControl(text))}`);
      lines.push(`  ${" ".repeat(gutter.length + tab(escapeControl(text.slice(0, column - 1))).length)}^`);
    }
  }
  for (const detail of error.details) lines.push(`  ${detail}`);
  if (error.hint) lines.push(`  hint: ${error.hint}`);
  return lines.join("\n");
}
