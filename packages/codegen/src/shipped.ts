import path from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode, HomelabError, isHomelabError } from "@homelab/errors";
import { isBelow, realInside } from "@homelab/layout";
import { readNamedFile } from "@homelab/yaml";
import { DRAFT_URIS, type SchemaDraft } from "@homelab/values";
import { OPEN_KEYS } from "./infer.js";
import { SUBSCHEMA_LISTS, SUBSCHEMA_MAPS, SUBSCHEMA_ONE, isRecord, typesOf, type Schema } from "./schema-util.js";

/** Fetches a remote schema document (codegen time only). */
export type FetchSchema = (url: string) => Promise<unknown>;

/** Parses JSON with the error's line and column, not only a character offset. */
export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    const pos = /position (\d+)/.exec(message);
    const lineCol = /line (\d+) column (\d+)/.exec(message);
    let line: number | undefined;
    let column: number | undefined;
    if (lineCol) {
      line = Number(lineCol[1]);
      column = Number(lineCol[2]);
    } else if (pos) {
      const before = text.slice(0, Number(pos[1]));
      line = before.split("\n").length;
      column = before.length - before.lastIndexOf("\n");
    } else {
      // Node 20 often names no position: find it with a strict scan.
      const offset = jsonErrorOffset(text);
      const before = text.slice(0, offset);
      line = before.split("\n").length;
      column = before.length - before.lastIndexOf("\n");
    }
    // Node quotes the start of the text (`"root:x:0:0"... is not valid JSON`): never echo a file's bytes.
    const reason = message
      .replace(/, ".*" is not valid JSON$/s, "")
      .replace(/, ".*"\.\.\. is not valid JSON$/s, "")
      .replace(/ in JSON at position \d+.*$/s, "")
      .replace(/^JSON\.parse: /, "");
    throw new HomelabError(ErrorCode.Syntax, `invalid JSON: ${reason}`, {
      position: { file, ...(line !== undefined ? { line } : {}), ...(column !== undefined ? { column } : {}) },
    });
  }
}

/** Offset of the first JSON syntax error (RFC 8259 grammar), or the text length. */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const literal = (word: string) => (text.startsWith(word, i) ? (i += word.length) : fail());
  const string = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\\") i++;
      else if (text.charCodeAt(i) < 0x20) fail();
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") return void i++;
      for (;;) {
        ws();
        string();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") return void i++;
        else fail();
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") return void i++;
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") return void i++;
        else fail();
      }
    } else if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else {
      const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
      if (!m || m[0] === "") fail();
      i += m![0].length;
    }
  };
  try {
    value();
    ws();
    return i;
  } catch (offset) {
    return offset as number;
  }
}

/** A remote `$ref` met without `--allow-remote-refs`: resolveSchema turns it into a SchemaInvalid error with the hint. */
export class RemoteRefRefused extends Error {}

export interface FetchSchemaOptions {
  /** Fetch `http(s):` references (default false: a chart's schema is self-contained unless the user says otherwise). */
  allowRemoteRefs?: boolean;
  /** Per attempt, body included. Default {@link REMOTE_REF_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Retries after a network error, a timeout or a 5xx (default 2), backing off 0.5 s, 1 s, ... */
  retries?: number;
  backoffMs?: number;
}

export const REMOTE_REF_TIMEOUT_MS = 10_000;

/**
 * GET with a deadline per attempt (AbortSignal.timeout, body included) and a
 * bounded retry with exponential backoff after network errors, timeouts and
 * 5xx; a 4xx fails at once. Every network call of codegen goes through here.
 */
export async function fetchWithRetry<T>(
  url: string,
  read: (response: Response) => Promise<T>,
  options: Omit<FetchSchemaOptions, "allowRemoteRefs"> = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? REMOTE_REF_TIMEOUT_MS;
  const retries = options.retries ?? 2;
  const backoff = options.backoffMs ?? 500;
  for (let attempt = 0; ; attempt++) {
    let failure: string;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
      if (response.ok) return await read(response);
      failure = `HTTP ${response.status}`;
      if (response.status < 500) throw new Error(failure);
    } catch (error) {
      if (error instanceof Error && /^HTTP [1-4]\d\d$/.test(error.message)) throw error;
      const cause = (error as Error).cause;
      failure =
        error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")
          ? `no answer within ${timeoutMs} ms`
          : `unreachable (${cause instanceof Error ? cause.message : (error as Error).message})`;
    }
    if (attempt >= retries) throw new Error(`${failure}, after ${attempt + 1} attempt(s)`);
    await new Promise((resolve) => setTimeout(resolve, backoff * 2 ** attempt));
  }
}

/**
 * `file:` URLs through the one input loader (resolveSchema has already
 * confined them to the chart), `http(s):` only with `allowRemoteRefs`, with a
 * timeout per attempt and a bounded retry; anything else is refused.
 */
export function createFetchSchema(options: FetchSchemaOptions = {}): FetchSchema {
  return async (url) => {
    const parsed = new URL(url);
    let text: string;
    if (parsed.protocol === "file:") {
      text = readNamedFile(fileURLToPath(parsed), { display: url });
    } else if (parsed.protocol === "http:" || parsed.protocol === "https:") {
      if (!options.allowRemoteRefs) throw new RemoteRefRefused("remote references are not fetched");
      text = await fetchWithRetry(url, (response) => response.text(), options);
    } else {
      throw new Error(`unsupported URL scheme ${parsed.protocol}`);
    }
    return JSON.parse(text) as unknown;
  };
}

/** Local files inside the chart only; remote references are refused. */
export const defaultFetchSchema: FetchSchema = createFetchSchema();

/** What `homelab codegen --allow-remote-refs` uses. */
export const remoteFetchSchema: FetchSchema = createFetchSchema({ allowRemoteRefs: true });

interface Doc {
  url: string;
  root: unknown;
}

export interface ResolveOptions {
  /** URL the schema was read from, for relative `$ref`s (a `file:` URL for charts on disk). */
  baseUrl: string;
  draft: SchemaDraft;
  fetchSchema?: FetchSchema;
  /** Display name in errors. */
  file: string;
}

const PROSE = new Set(["description", "title", "$comment", "examples", "markdownDescription", "deprecationMessage", "$schema", "$id", "$anchor"]);

/**
 * Stage "resolve": every `$ref` (local, or remote fetched now, at codegen
 * time) is inlined, so the result is one self-contained tree without
 * `$defs`. A recursive reference cannot be inlined and becomes permissive.
 * Upstream prose (descriptions, titles) is dropped; structure stays.
 */
export async function resolveSchema(root: Schema, options: ResolveOptions): Promise<{ schema: Schema; notes: string[] }> {
  const docs = new Map<string, Doc>();
  const notes: string[] = [];
  const fetchSchema = options.fetchSchema ?? defaultFetchSchema;
  const rootId = typeof root.$id === "string" ? safeUrl(root.$id, options.baseUrl) : undefined;
  const rootDoc: Doc = { url: stripFragment(rootId ?? options.baseUrl), root };
  docs.set(rootDoc.url, rootDoc);
  if (rootId && rootId !== options.baseUrl) docs.set(stripFragment(options.baseUrl), rootDoc);

  // A chart's schema may reference files inside the chart only: the folder holding values.schema.json.
  const chartDir = options.baseUrl.startsWith("file:") ? path.dirname(fileURLToPath(options.baseUrl)) : undefined;
  const refused = (ref: string, why: string, hint?: string, cause?: unknown): HomelabError =>
    new HomelabError(ErrorCode.SchemaInvalid, `$ref ${JSON.stringify(ref)} ${why}`, {
      position: { file: options.file },
      ...(hint ? { hint } : {}),
      ...(cause === undefined ? {} : { cause }),
    });

  async function load(url: string, ref: string): Promise<Doc> {
    const known = docs.get(url);
    if (known) return known;
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw refused(ref, "is not a valid URL or relative path");
    }
    if (protocol === "file:") {
      const file = fileURLToPath(url);
      if (chartDir === undefined || !isBelow(chartDir, file))
        throw refused(ref, "points outside the chart: a chart's schema may only reference files inside the chart");
      try {
        await realInside(chartDir, file, `$ref ${ref}`);
      } catch (error) {
        if (isHomelabError(error) && error.code === ErrorCode.PathOutside) throw refused(ref, "leads outside the chart through a symlink", undefined, error);
        // A missing file and the like are reported by the fetch below.
      }
    } else if (protocol !== "http:" && protocol !== "https:") {
      throw refused(ref, `uses the unsupported scheme ${protocol}`);
    }
    let fetched: unknown;
    try {
      fetched = await fetchSchema(url);
    } catch (error) {
      if (error instanceof RemoteRefRefused) {
        throw refused(
          ref,
          "is remote and remote references are not fetched",
          "pass --allow-remote-refs to `homelab codegen` to fetch it (with a timeout), or vendor the file into the chart",
          error,
        );
      }
      // Never the referenced file's content (JSON.parse quotes it): only what went wrong and where.
      const why = error instanceof SyntaxError ? "is not valid JSON" : isHomelabError(error) ? error.message : (error as Error).message;
      throw refused(ref, `cannot be resolved: ${why}`, undefined, error);
    }
    const doc: Doc = { url, root: fetched };
    docs.set(url, doc);
    return doc;
  }

  async function deref(node: unknown, doc: Doc, base: string, stack: readonly string[]): Promise<unknown> {
    if (Array.isArray(node)) return Promise.all(node.map((n) => deref(n, doc, base, stack)));
    if (!isRecord(node)) return node;
    if (typeof node.$id === "string") base = safeUrl(node.$id, base);
    if (typeof node.$ref === "string") {
      const ref = node.$ref;
      const hash = ref.indexOf("#");
      const urlPart = hash >= 0 ? ref.slice(0, hash) : ref;
      const fragment = hash >= 0 ? ref.slice(hash + 1) : "";
      const target = urlPart === "" ? doc : await load(stripFragment(safeUrl(urlPart, base)), ref);
      const key = `${target.url}#${fragment}`;
      let resolved: unknown;
      if (stack.includes(key)) {
        notes.push(`recursive $ref ${ref} is permissive`);
        resolved = {};
      } else {
        const pointed = pointer(target.root, fragment);
        if (pointed === undefined) {
          throw new HomelabError(ErrorCode.SchemaInvalid, `$ref ${ref} points at nothing`, { position: { file: options.file } });
        }
        resolved = await deref(pointed, target, target.url, [...stack, key]);
      }
      const siblings = Object.fromEntries(Object.entries(node).filter(([k]) => k !== "$ref" && !PROSE.has(k)));
      // Draft-07 ignores keywords beside $ref; later drafts apply both.
      if (options.draft === "draft-07" || Object.keys(siblings).length === 0) return resolved;
      return { ...(resolved as Schema), ...((await derefKeywords(siblings, doc, base, stack)) as Schema) };
    }
    return derefKeywords(node, doc, base, stack);
  }

  async function derefKeywords(node: Record<string, unknown>, doc: Doc, base: string, stack: readonly string[]): Promise<Schema> {
    const out: Schema = {};
    for (const [key, value] of Object.entries(node)) {
      if (PROSE.has(key) || key === "$defs" || key === "definitions") continue;
      if (SUBSCHEMA_MAPS.includes(key) && isRecord(value)) {
        const map: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value)) map[k] = await deref(v, doc, base, stack);
        out[key] = map;
      } else if (SUBSCHEMA_ONE.includes(key) || SUBSCHEMA_LISTS.includes(key)) {
        out[key] = await deref(value, doc, base, stack);
      } else {
        out[key] = value;
      }
    }
    return out;
  }

  const schema = (await deref(root, rootDoc, rootDoc.url, [])) as Schema;
  return { schema: flattenAllOf(schema), notes };
}

function safeUrl(ref: string, base: string): string {
  try {
    return new URL(ref, base).href;
  } catch {
    return ref;
  }
}

function stripFragment(url: string): string {
  const hash = url.indexOf("#");
  return hash >= 0 ? url.slice(0, hash) : url;
}

/** JSON Pointer (the `#/...` part of a $ref) into a document. */
function pointer(root: unknown, fragment: string): unknown {
  if (fragment === "" || fragment === "/") return root;
  let node = root;
  for (const raw of fragment.replace(/^\//, "").split("/")) {
    const segment = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isRecord(node)) node = node[segment];
    else return undefined;
  }
  return node;
}

const PLAIN = new Set(["type", "properties", "required", "additionalProperties", "default"]);

/**
 * `allOf` of plain object schemas (a shared `$ref` plus local properties, as
 * metallb writes its components) becomes one object, so it can be closed
 * and typed as one interface.
 */
export function flattenAllOf(schema: unknown): Schema {
  if (Array.isArray(schema)) return schema.map(flattenAllOf) as unknown as Schema;
  if (!isRecord(schema)) return schema as Schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (SUBSCHEMA_MAPS.includes(key) && isRecord(value)) out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, flattenAllOf(v)]));
    else if (SUBSCHEMA_ONE.includes(key) || SUBSCHEMA_LISTS.includes(key)) out[key] = flattenAllOf(value);
    else out[key] = value;
  }
  const all = out.allOf;
  if (Array.isArray(all) && all.every((b) => isRecord(b) && Object.keys(b).every((k) => PLAIN.has(k)))) {
    delete out.allOf;
    let merged: Schema = Object.fromEntries(Object.entries(out));
    for (const branch of all as Schema[]) merged = mergePlain(merged, branch);
    return merged;
  }
  return out;
}

function mergePlain(a: Schema, b: Schema): Schema {
  const out: Schema = { ...a };
  for (const [key, value] of Object.entries(b)) {
    if (key === "properties" && isRecord(value)) {
      const props: Record<string, unknown> = { ...((a.properties as Record<string, unknown>) ?? {}) };
      for (const [k, v] of Object.entries(value)) {
        const existing = props[k];
        props[k] = existing === undefined ? v : isRecord(existing) && isRecord(v) ? flattenAllOf({ allOf: [existing, v] }) : v;
      }
      out.properties = props;
    } else if (key === "required" && Array.isArray(value)) {
      out.required = [...new Set([...((a.required as unknown[]) ?? []), ...value])];
    } else if (key === "additionalProperties") {
      out.additionalProperties = a.additionalProperties === false || value === false ? false : value;
    } else if (!(key in out)) {
      out[key] = value;
    }
  }
  return out;
}

/**
 * Stage "complete": a shipped schema often lists fewer keys than values.yaml
 * has, and leaves objects open. Keys only the defaults (or their comments)
 * know are added from the inferred schema; an object whose openness the
 * upstream schema does not state takes it from inference (closed for keys
 * present in the defaults, open for maps), so typos fail here too.
 */
export function completeSchema(shipped: Schema, inferred: Schema | undefined, key?: string): Schema {
  if (!isRecord(shipped)) return shipped;
  const out: Schema = { ...shipped };
  const hasCombinator = ["anyOf", "oneOf", "allOf", "if", "not"].some((k) => k in out);
  const objectLike = isRecord(out.properties) || typesOf(out).includes("object");
  if (!objectLike || hasCombinator) return out;
  const inferredProps = isRecord(inferred?.properties) ? (inferred.properties as Record<string, Schema>) : {};
  const declared = isRecord(out.properties) ? (out.properties as Record<string, Schema>) : {};
  const hadProperties = Object.keys(declared).length > 0;
  const props: Record<string, Schema> = {};
  for (const [k, v] of Object.entries(declared)) props[k] = completeSchema(v, inferredProps[k], k);
  for (const [k, v] of Object.entries(inferredProps)) if (!(k in props)) props[k] = v;
  if (Object.keys(props).length > 0) out.properties = props;
  // An object upstream declares without properties is a free-form map: inferred keys type it, never close it.
  if (hadProperties && out.additionalProperties === undefined && out.patternProperties === undefined && out.unevaluatedProperties === undefined) {
    if (inferred && inferred.additionalProperties !== undefined) out.additionalProperties = inferred.additionalProperties;
    else if (!(key && OPEN_KEYS.has(key))) out.additionalProperties = false;
  }
  return out;
}

/** A shipped schema covering less than a quarter of the top-level defaults is a stub (loki's). */
export function isStub(schema: Schema, defaults: Record<string, unknown>): boolean {
  const declared = isRecord(schema.properties) ? Object.keys(schema.properties).length : 0;
  const keys = Object.keys(defaults).length;
  const open = schema.additionalProperties === undefined || schema.additionalProperties === true;
  return open && keys > 4 && declared < keys / 4;
}

/** The canonical `$schema` for a draft (ajv knows these ids). */
export function draftUri(draft: SchemaDraft): string {
  return DRAFT_URIS[draft];
}
