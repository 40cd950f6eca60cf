/** A value the emitted object leaves out, with the comment written in its place. */
export interface LeftOut {
  path: readonly (string | number)[];
  comment: string;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;
const INDENT = "  ";

export const pathKey = (path: readonly (string | number)[]): string => JSON.stringify(path.map(String));

function key(k: string): string {
  return IDENT.test(k) ? k : JSON.stringify(k);
}

function stringLiteral(s: string): string {
  // Multi-line strings (configs, scripts) stay readable as template literals.
  if (s.includes("\n") && s.length > 40) return `\`${s.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${")}\``;
  return JSON.stringify(s);
}

function scalar(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return stringLiteral(v);
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
  if (typeof v === "boolean") return String(v);
  if (v instanceof Date) return JSON.stringify(v.toISOString());
  return JSON.stringify(v) ?? "undefined";
}

const isScalar = (v: unknown): boolean => v === null || typeof v !== "object" || v instanceof Date;

/**
 * A JavaScript value as a TypeScript expression, indented for a place `depth`
 * levels deep. Entries listed in `leftOut` are replaced by their comment, so
 * what the import dropped stays visible where the user would look for it.
 */
export function tsLiteral(value: unknown, depth = 0, leftOut: readonly LeftOut[] = [], at: readonly (string | number)[] = []): string {
  const dropped = new Map(leftOut.map((l) => [pathKey(l.path), l.comment]));
  return emit(value, depth, at, dropped);
}

function emit(value: unknown, depth: number, at: readonly (string | number)[], dropped: ReadonlyMap<string, string>): string {
  if (isScalar(value)) return scalar(value);
  const pad = INDENT.repeat(depth + 1);
  const end = INDENT.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const inline = value.every(isScalar) ? `[${value.map(scalar).join(", ")}]` : undefined;
    if (inline && inline.length <= 80 && !inline.includes("\n")) return inline;
    return `[\n${value.map((v, i) => `${pad}${emit(v, depth + 1, [...at, i], dropped)},`).join("\n")}\n${end}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  const lines: string[] = [];
  for (const [k, v] of entries) {
    const comment = dropped.get(pathKey([...at, k]));
    if (comment !== undefined) {
      for (const line of comment.split("\n")) lines.push(`${pad}// ${line}`);
      continue;
    }
    lines.push(`${pad}${key(k)}: ${emit(v, depth + 1, [...at, k], dropped)},`);
  }
  return `{\n${lines.join("\n")}\n${end}}`;
}

/** A short, one-line rendering of a value for comments and difference lists. */
export function brief(value: unknown, max = 120): string {
  const text = value === undefined ? "(absent)" : (JSON.stringify(value) ?? String(value));
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
