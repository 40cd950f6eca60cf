import { parse as parseYaml } from "yaml";
import { SCHEMA_KEYWORDS, isRecord, type Schema } from "./schema-util.js";

/** Text after the `#` of a trailing comment on a YAML line, skipping `#` inside quotes. */
export function trailingComment(line: string): string | undefined {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === "\\" && quote === '"') i++;
    } else if (c === '"' || c === "'") {
      // A quote opens a string only at the start of a scalar.
      if (i === 0 || /[\s:[{,-]/.test(line[i - 1]!)) quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]!))) {
      return line.slice(i + 1);
    }
  }
  return undefined;
}

export function isCommentLine(line: string): boolean {
  return /^\s*#/.test(line);
}

/** The comment lines directly above line `index` (0-based), nearest last; a blank line ends them. */
export function commentsAbove(lines: readonly string[], index: number): string[] {
  const out: string[] = [];
  for (let i = index - 1; i >= 0 && isCommentLine(lines[i]!); i--) out.unshift(lines[i]!);
  return out;
}

/** `# text` → `text`: all leading hashes and one space go, deeper indentation stays. */
export function uncomment(line: string): string {
  return line.replace(/^\s*#+ ?/, "");
}

/**
 * The schema a `# @schema` annotation (helm-schema syntax) asks for: either a
 * block between two `# @schema` lines, or `# @schema key: value; key: value`
 * above the key or trailing it.
 */
export function schemaAnnotation(above: readonly string[], trailing: string | undefined): Schema | undefined {
  let result: Schema | undefined;
  const markers = above.map((l, i) => (/^\s*#\s*@schema\s*$/.test(l) ? i : -1)).filter((i) => i >= 0);
  if (markers.length >= 2) {
    const start = markers[markers.length - 2]!;
    const end = markers[markers.length - 1]!;
    const body = above
      .slice(start + 1, end)
      .map(uncomment)
      .join("\n");
    try {
      const parsed: unknown = parseYaml(body);
      if (isRecord(parsed)) result = keepKeywords(parsed);
    } catch {
      // An unreadable annotation is ignored like helm-docs ignores it; inference still applies.
    }
  }
  for (const line of above) {
    const m = /^\s*#\s*@schema\s+(\S.*)$/.exec(line);
    if (m) result = { ...result, ...inlineAnnotation(m[1]!) };
  }
  if (trailing !== undefined) {
    const m = /@schema\s+(\S.*)$/.exec(trailing);
    if (m) result = { ...result, ...inlineAnnotation(m[1]!) };
  }
  return result;
}

function inlineAnnotation(text: string): Schema {
  const out: Record<string, unknown> = {};
  for (const part of text.split(";")) {
    const colon = part.indexOf(":");
    if (colon < 0) continue;
    const key = part.slice(0, colon).trim();
    const raw = part.slice(colon + 1).trim();
    if (key === "pattern") {
      out[key] = raw;
      continue;
    }
    try {
      out[key] = parseYaml(raw);
    } catch {
      out[key] = raw;
    }
  }
  return keepKeywords(out);
}

function keepKeywords(annotation: Record<string, unknown>): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(annotation)) {
    // helm-schema's `required: true` marks the key required in the merged values: irrelevant to overrides.
    if (key === "required" && !Array.isArray(value)) continue;
    if (!SCHEMA_KEYWORDS.has(key)) continue;
    // `type: [string, null]` reads as YAML null; the schema wants the type name.
    out[key] = key === "type" ? (Array.isArray(value) ? value.map((t) => (t === null ? "null" : t)) : value === null ? "null" : value) : value;
  }
  return out;
}

const HELM_DOCS_TYPES: Record<string, Schema> = {
  int: { type: "integer" },
  integer: { type: "integer" },
  float: { type: "number" },
  number: { type: "number" },
  bool: { type: "boolean" },
  boolean: { type: "boolean" },
  string: { type: "string" },
  list: { type: "array" },
  array: { type: "array" },
  object: { type: "object", additionalProperties: true },
  dict: { type: "object", additionalProperties: true },
  map: { type: "object", additionalProperties: true },
};

/** helm-docs' `# -- (int) text` type hint, which charts use for keys whose default is empty. */
export function helmDocsType(above: readonly string[]): Schema | undefined {
  for (const line of above) {
    const m = /^\s*#\s*--\s*\(([\w/]+)\)/.exec(line);
    if (m) return HELM_DOCS_TYPES[m[1]!.toLowerCase()];
  }
  return undefined;
}

/** Words that start prose, not a commented-out option (`# Ref: https://...`). */
const PROSE_KEYS = new Set([
  "ref",
  "refs",
  "reference",
  "see",
  "note",
  "notes",
  "example",
  "examples",
  "eg",
  "e.g",
  "ie",
  "i.e",
  "default",
  "defaults",
  "deprecated",
  "todo",
  "fixme",
  "warning",
  "info",
  "docs",
  "doc",
  "link",
  "more",
  "source",
  "format",
  "usage",
  "type",
  "values",
]);

export interface CommentedOption {
  /** 0-based line of the option's key. */
  line: number;
  /** Column the key would have if uncommented (the `#` column plus inner indentation). */
  indent: number;
  key: string;
  value: unknown;
  /** 0-based first line of the comment run the option is in. */
  runStart: number;
}

/**
 * Options values.yaml documents only as commented-out YAML (`# key: value`,
 * possibly with a nested block under it). Prose lines are skipped: a block
 * counts only when it parses as YAML into a map with option-like keys.
 */
export function commentedOptions(lines: readonly string[]): CommentedOption[] {
  const out: CommentedOption[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!isCommentLine(lines[i]!)) {
      i++;
      continue;
    }
    let end = i;
    while (end < lines.length && isCommentLine(lines[end]!)) end++;
    out.push(...optionsInRun(lines, i, end));
    i = end;
  }
  return out;
}

const KEY_LINE = /^(\s*)([a-z_][\w.\-/]*|"[^"]+"):(?:\s+(.*))?$/;

function optionsInRun(lines: readonly string[], start: number, end: number): CommentedOption[] {
  const out: CommentedOption[] = [];
  const hashColumn = (line: string) => line.indexOf("#");
  const texts = lines.slice(start, end).map(uncomment);
  let inSchemaBlock = false;
  let i = 0;
  while (i < texts.length) {
    const text = texts[i]!;
    if (/^\s*@schema\s*$/.test(text)) inSchemaBlock = !inSchemaBlock;
    const m = KEY_LINE.exec(text);
    if (inSchemaBlock || !m || /^\s*(--|@)/.test(text)) {
      i++;
      continue;
    }
    const inner = m[1]!.length;
    let j = i + 1;
    while (j < texts.length) {
      const next = texts[j]!;
      const indent = next.length - next.trimStart().length;
      if (next.trim() === "" || /^\s*(--|@)/.test(next)) break;
      if (indent > inner || (indent === inner && (KEY_LINE.test(next) || /^\s*- /.test(next)))) j++;
      else break;
    }
    const block = texts
      .slice(i, j)
      .map((t) => t.slice(inner))
      .join("\n");
    const parsed = tryParse(block) ?? tryParse(text.slice(inner));
    if (isRecord(parsed)) {
      for (const [key, value] of Object.entries(parsed)) {
        if (looksLikeProse(key, value)) continue;
        out.push({ line: start + i, indent: hashColumn(lines[start + i]!) + inner, key, value, runStart: start });
      }
    }
    i = Math.max(j, i + 1);
  }
  return out;
}

function tryParse(text: string): unknown {
  try {
    return parseYaml(text, { logLevel: "error" });
  } catch {
    return undefined;
  }
}

function looksLikeProse(key: string, value: unknown): boolean {
  if (PROSE_KEYS.has(key.toLowerCase())) return true;
  if (/^[A-Z]/.test(key)) return true;
  return typeof value === "string" && value.trim().split(/\s+/).length >= 3 && !/^[[{"']/.test(value);
}
