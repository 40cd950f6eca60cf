import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node, type Pair } from "yaml";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { commentedOptions, commentsAbove, helmDocsType, schemaAnnotation, trailingComment } from "./comments.js";
import { isRecord, typesOf, type Schema } from "./schema-util.js";

/**
 * Keys whose maps are free-form (Kubernetes labels, selectors, env maps) or
 * hold a Kubernetes type the chart passes through (securityContext,
 * resources, probes): open, with the keys the defaults show still typed.
 */
export const OPEN_KEYS = new Set([
  "annotations",
  "labels",
  "podAnnotations",
  "podLabels",
  "commonLabels",
  "commonAnnotations",
  "customLabels",
  "customAnnotations",
  "additionalLabels",
  "additionalAnnotations",
  "extraLabels",
  "extraAnnotations",
  "deploymentAnnotations",
  "deploymentLabels",
  "serviceAnnotations",
  "serviceLabels",
  "ingressAnnotations",
  "statefulsetAnnotations",
  "daemonsetAnnotations",
  "selectorLabels",
  "matchLabels",
  "nodeSelector",
  "selector",
  "extraEnv",
  "env",
  "envVars",
  "extraEnvVars",
  "extraArgs",
  "args",
  "extraSecretMounts",
  "resources",
  "securityContext",
  "podSecurityContext",
  "containerSecurityContext",
  "affinity",
  "podAffinity",
  "podAntiAffinity",
  "nodeAffinity",
  "livenessProbe",
  "readinessProbe",
  "startupProbe",
  "lifecycle",
  "strategy",
  "updateStrategy",
  "deploymentStrategy",
  "dnsConfig",
  "seccompProfile",
  "capabilities",
  "data",
  "stringData",
  "global",
  "extraObjects",
  "extraManifests",
]);

/** Keys whose values are Kubernetes int-or-string fields. */
const INT_OR_STRING = new Set(["port", "targetPort", "containerPort", "minAvailable", "maxUnavailable", "maxSurge"]);

export interface InferOptions {
  /** Display name of values.yaml in errors. */
  file: string;
  /** Top-level keys that configure subcharts: open unless `subchartSchemas` has them. */
  subchartKeys?: readonly string[];
  /** Schemas inferred from subcharts' own values.yaml, by top-level key. */
  subchartSchemas?: Readonly<Record<string, Schema>>;
}

export interface Inferred {
  schema: Schema;
  defaults: Record<string, unknown>;
  /** Paths of options added from commented-out YAML (for tests and the README). */
  commented: string[][];
}

type Mode = "closed" | "open";

interface Context {
  lines: string[];
  counter: LineCounter;
  keyIndex: KeyEntry[];
}

interface KeyEntry {
  line: number;
  column: number;
  path: (string | number)[];
  schema: Schema;
}

/** Stage "infer": a JSON schema of the merged values, from values.yaml and its comments. */
export function inferSchema(text: string, options: InferOptions): Inferred {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const problem = doc.errors[0];
  if (problem) {
    const at = counter.linePos(problem.pos[0]);
    throw new HomelabError(ErrorCode.Syntax, problem.message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, ""), {
      position: { file: options.file, line: at.line, column: at.col },
    });
  }
  const defaults = (doc.toJS({ maxAliasCount: 1000 }) ?? {}) as unknown;
  if (!isRecord(defaults)) {
    throw new HomelabError(ErrorCode.ChartInvalid, "values.yaml must be a mapping at the top level", { position: { file: options.file, line: 1, column: 1 } });
  }
  const ctx: Context = { lines: text.split(/\r?\n/), counter, keyIndex: [] };
  const root: Schema = { type: "object", properties: {}, additionalProperties: false };
  const props = root.properties as Record<string, Schema>;
  const contents = doc.contents;
  if (isMap(contents)) {
    for (const pair of contents.items) {
      const key = keyOf(pair);
      const subchart = options.subchartKeys?.includes(key) || key === "global";
      const known = options.subchartSchemas?.[key];
      props[key] = subchart && known ? mergeInto(known, inferPair(ctx, pair, [key], "open")) : inferPair(ctx, pair, [key], subchart ? "open" : "closed");
    }
  }
  for (const key of options.subchartKeys ?? []) {
    props[key] ??= options.subchartSchemas?.[key] ?? { type: "object", additionalProperties: true };
  }
  props.global ??= { type: "object", additionalProperties: true };
  const commented = addCommentedOptions(ctx, root);
  return { schema: root, defaults, commented };
}

function keyOf(pair: Pair): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function inferPair(ctx: Context, pair: Pair, path: (string | number)[], mode: Mode): Schema {
  const key = String(path[path.length - 1]);
  const keyNode = pair.key as Node;
  const at = ctx.counter.linePos(keyNode.range?.[0] ?? 0);
  const lineIndex = at.line - 1;
  const childMode: Mode = mode === "open" || OPEN_KEYS.has(key) ? "open" : "closed";
  let schema = inferNode(ctx, pair.value as Node | null, path, childMode, key);
  const above = commentsAbove(ctx.lines, lineIndex);
  const trailing = trailingComment(ctx.lines[lineIndex] ?? "");
  if (isEmptyDefault(pair.value as Node | null)) {
    const hinted = helmDocsType(above);
    if (hinted) schema = { ...hinted, type: [...typesOf(hinted), "null"] };
  }
  const annotation = schemaAnnotation(above, trailing);
  if (annotation) schema = applyAnnotation(schema, annotation);
  if (INT_OR_STRING.has(key) && typesOf(schema).some((t) => t === "integer" || t === "number" || t === "string")) {
    schema = { ...schema, type: ["integer", "string"] };
  }
  ctx.keyIndex.push({ line: lineIndex, column: at.col - 1, path, schema });
  return schema;
}

function isEmptyDefault(node: Node | null): boolean {
  if (node === null) return true;
  if (isScalar(node)) return node.value === null || node.value === "";
  if (isMap(node) || isSeq(node)) return node.items.length === 0;
  return false;
}

function inferNode(ctx: Context, node: Node | null, path: (string | number)[], mode: Mode, key: string): Schema {
  if (node === null || (isScalar(node) && node.value === null)) return {};
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === "boolean") return { type: "boolean" };
    if (typeof v === "number") return { type: "number" };
    if (v === "") return { type: ["string", "number", "boolean"] };
    return { type: "string" };
  }
  if (isSeq(node)) {
    if (node.items.length === 0) return { type: "array" };
    const items = (node.items as (Node | null)[]).map((item, i) => inferNode(ctx, item, [...path, i], "open", key));
    return { type: "array", items: items.reduce((a, b) => unify(a, b)) };
  }
  if (isMap(node)) {
    const properties: Record<string, Schema> = {};
    let freeForm = node.items.length === 0 || mode === "open";
    for (const pair of node.items) {
      const childKey = keyOf(pair as Pair);
      // Dotted or slashed keys (kubernetes.io/os, server.insecure) are entries of a free-form map.
      if (/[./]/.test(childKey)) freeForm = true;
      properties[childKey] = path.some((p) => typeof p === "number")
        ? inferNode(ctx, (pair as Pair).value as Node | null, [...path, childKey], "open", childKey)
        : inferPair(ctx, pair as Pair, [...path, childKey], mode);
    }
    return { type: "object", properties, additionalProperties: freeForm };
  }
  return {};
}

/** One schema for several list items: same type stays, different types become permissive. */
function unify(a: Schema, b: Schema): Schema {
  const ta = typesOf(a).join();
  const tb = typesOf(b).join();
  if (ta !== tb || ta === "") return {};
  if (ta === "object") {
    const pa = (a.properties ?? {}) as Record<string, Schema>;
    const pb = (b.properties ?? {}) as Record<string, Schema>;
    const properties: Record<string, Schema> = { ...pa };
    for (const [k, v] of Object.entries(pb)) properties[k] = k in pa ? unify(pa[k]!, v) : v;
    return { type: "object", properties, additionalProperties: true };
  }
  if (ta === "array") return { type: "array", ...(a.items && b.items ? { items: unify(a.items as Schema, b.items as Schema) } : {}) };
  return a;
}

/** A `# @schema` annotation wins over inference; a type it sets replaces the inferred one. */
function applyAnnotation(inferred: Schema, annotation: Schema): Schema {
  const out: Schema = { ...inferred, ...annotation };
  const types = typesOf(annotation);
  if (types.length > 0) {
    if (!types.includes("object")) {
      delete out.properties;
      delete out.additionalProperties;
    }
    if (!types.includes("array") && !annotation.items) delete out.items;
  }
  return out;
}

/** Adds subschema `extra` under `base` where `base` says nothing (used for subchart values). */
function mergeInto(base: Schema, extra: Schema): Schema {
  const out: Schema = { ...base };
  const bp = (base.properties ?? {}) as Record<string, Schema>;
  const ep = (extra.properties ?? {}) as Record<string, Schema>;
  const properties: Record<string, Schema> = { ...bp };
  for (const [k, v] of Object.entries(ep)) properties[k] = k in bp ? mergeInto(bp[k]!, v) : v;
  if (Object.keys(properties).length > 0) out.properties = properties;
  return out;
}

/**
 * Options values.yaml shows only as commented-out YAML become optional keys
 * of the map they are indented under. Their types are permissive: a comment
 * is an example, not a contract.
 */
function addCommentedOptions(ctx: Context, root: Schema): string[][] {
  const added: string[][] = [];
  const keys = [...ctx.keyIndex].sort((a, b) => a.line - b.line);
  const byPath = new Map(keys.map((k) => [JSON.stringify(k.path), k]));
  const lines = keys.map((k) => k.line);
  const byLine = new Map(keys.map((k) => [k.line, k]));
  for (const option of commentedOptions(ctx.lines)) {
    // `resources: {}` followed by `# limits: ...` at the same column documents the empty map's content.
    const before = byLine.get(option.runStart - 1);
    if (before && before.column <= option.indent && isEmptyOpenMap(before.schema)) continue;
    // The nearest key above with a column at most the option's: its parent (same column) or itself (smaller).
    let parent: KeyEntry | undefined;
    for (let i = lastBefore(lines, option.line); i >= 0; i--) {
      const entry = keys[i]!;
      if (entry.column < option.indent) parent = entry;
      else if (entry.column === option.indent) parent = entry.path.length > 1 ? byPath.get(JSON.stringify(entry.path.slice(0, -1))) : undefined;
      else continue;
      break;
    }
    if (parent && parent.path.some((p) => typeof p === "number")) continue;
    const target = parent ? parent.schema : root;
    if (!isRecord(target.properties) || target.additionalProperties !== false) continue;
    const props = target.properties as Record<string, Schema>;
    if (option.key in props) continue;
    // A documented `otlp.address: ''` says the map takes free-form dotted keys (argocd-cmd-params-cm).
    if (/[./]/.test(option.key)) target.additionalProperties = true;
    props[option.key] = permissive(option.value);
    added.push([...(parent?.path.map(String) ?? []), option.key]);
  }
  return added;
}

/** Index of the last sorted line before `line` (binary search), -1 if none. */
function lastBefore(lines: readonly number[], line: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]! < line) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function isEmptyOpenMap(schema: Schema): boolean {
  return schema.additionalProperties === true && (!isRecord(schema.properties) || Object.keys(schema.properties).length === 0);
}

function permissive(example: unknown): Schema {
  if (isRecord(example)) {
    return { type: "object", properties: Object.fromEntries(Object.entries(example).map(([k, v]) => [k, permissive(v)])), additionalProperties: true };
  }
  return {};
}
