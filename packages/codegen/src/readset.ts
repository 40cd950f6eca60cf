import type { ReadSet } from "./templates.js";
import { isRecord, typesOf, type Schema } from "./schema-util.js";

/** Why a subtree ends up open in the generated schema (README table, notes). */
export interface OpenedSubtree {
  path: string[];
  why: string;
  at?: string;
}

export interface ReadSetMerge {
  schema: Schema;
  /** Keys the templates read that neither the schema nor values.yaml had (now typed, accepted). */
  added: string[][];
  /** Objects left open by schema/inference that the templates read key by key (now closed). */
  closed: string[][];
  /** Objects the templates pass through whole (now open maps). */
  opened: OpenedSubtree[];
}

export interface MergeOptions {
  /** Paths (joined by NUL) of objects the shipped schema itself closes: the authority, never reopened or extended. */
  upstreamClosed: ReadonlySet<string>;
  /** Subtrees whose keys nothing here can know (stub or missing subcharts, `global` beside them), with why. */
  forceOpen: readonly OpenedSubtree[];
}

interface Trie {
  children: Map<string, Trie>;
  /** Consumed whole: every key at any depth reaches the output. */
  deep?: { why: string; at: string };
  /** Iterated or indexed with a computed key: any key at this level may be read. */
  shallow?: { why: string; at: string };
}

const KEY = (p: readonly string[]) => p.join("\0");

/** Dynamic-key uses open one level: what is then done with the element is tracked under "*". */
const SHALLOW = new Set(["range", "index", "dig", "hasKey", "keys", "values"]);

function trieOf(readSet: ReadSet): Trie {
  const root: Trie = { children: new Map() };
  const node = (path: readonly string[]): Trie => {
    let t = root;
    for (const seg of path) {
      let next = t.children.get(seg);
      if (!next) t.children.set(seg, (next = { children: new Map() }));
      t = next;
    }
    return t;
  };
  for (const read of readSet.reads) node(read.path);
  for (const open of readSet.open) {
    const t = node(open.path);
    // Where the analyser folds recursion (a template walking a tree) the depth is unknown: open deep.
    if (SHALLOW.has(open.why) && !open.folded) t.shallow ??= { why: open.why, at: open.at };
    else t.deep ??= { why: open.why, at: open.at };
  }
  return root;
}

function isObjectSchema(s: Schema): boolean {
  if (["anyOf", "oneOf", "allOf", "if", "not", "$ref"].some((k) => k in s)) return false;
  const types = typesOf(s);
  return types.length > 0 ? types.length === 1 && types[0] === "object" : isRecord(s.properties);
}

/**
 * Stage "read-set": the template analysis refines the schema. The shipped
 * schema stays the authority on types and on what it closes; objects the
 * templates read key by key are closed (a typo there has no effect, so it is
 * an error); subtrees the templates pass through whole (toYaml, tpl, printed)
 * are opened, maps they iterate or index with computed keys take any key;
 * keys the templates read that the schema lacks are added (an option only a
 * helper template reads is real). Reads under "*" (range elements, computed
 * keys) apply to every key of that map, but only to open what is consumed.
 */
export function mergeReadSet(schema: Schema, readSet: ReadSet, options: MergeOptions): ReadSetMerge {
  const out = structuredClone(schema);
  const trie = trieOf(readSet);
  const result: ReadSetMerge = { schema: out, added: [], closed: [], opened: [] };
  const forced = new Map(options.forceOpen.map((f) => [KEY(f.path), f]));
  const walk = (node: Schema, t: Trie | undefined, wild: Trie[], path: string[]): void => {
    const force = forced.get(KEY(path));
    // `global` beside an unknown subchart: any top-level key, but what the known charts read key by key stays closed.
    const shallowForce = force && path.length === 1 && path[0] === "global" ? force : undefined;
    if (force && !shallowForce) {
      openDeep(node, path, options.upstreamClosed);
      node.additionalProperties = true;
      node.$comment = `Open: ${force.why}; its keys are not known here.`;
      result.opened.push(force);
      return;
    }
    if (!isObjectSchema(node)) return;
    const deep = [t, ...wild].find((x) => x?.deep)?.deep;
    if (deep) {
      if (openDeep(node, path, options.upstreamClosed)) result.opened.push({ path, why: deep.why, at: deep.at });
      return;
    }
    if (!t && wild.length === 0 && !shallowForce) return;
    const props = (isRecord(node.properties) ? node.properties : (node.properties = {})) as Record<string, Schema>;
    const upstreamClosed = options.upstreamClosed.has(KEY(path));
    const readKeys = t ? [...t.children.keys()].filter((k) => k !== "*") : [];
    for (const key of readKeys) {
      if (!(key in props)) {
        if (upstreamClosed) continue; // Helm itself rejects it: the shipped schema closes this object
        props[key] = fromTrie(t!.children.get(key)!, [...path, key], forced);
        result.added.push([...path, key]);
      }
    }
    const stars = [t, ...wild].map((x) => x?.children.get("*")).filter((x): x is Trie => x !== undefined);
    for (const [key, child] of Object.entries(props)) {
      if (!isRecord(child)) continue;
      const childWild = [...wild.map((w) => w.children.get(key)).filter((x): x is Trie => x !== undefined), ...stars];
      walk(child, t?.children.get(key), childWild, [...path, key]);
    }
    const open = node.additionalProperties;
    const ranged = [t, ...wild].find((x) => x?.shallow);
    const hasPatterns = isRecord(node.patternProperties) || isRecord(open);
    if (shallowForce) {
      node.additionalProperties = true;
      node.$comment = `Open at the top level: ${shallowForce.why}.`;
      result.opened.push(shallowForce);
    } else if (ranged?.shallow) {
      // A map ranged over whose entries are read key by key (promtail's extraPorts.<name>.containerPort): new entries are typed by those reads.
      // Ranged as the entry of a map ranged over itself (wild), it is so for every entry.
      const entrySchema = entryOf(ranged, [...path, "*"], forced);
      if (!upstreamClosed && !hasPatterns && (open === false || entrySchema !== true)) {
        node.additionalProperties = entrySchema;
        result.opened.push({ path, why: ranged.shallow.why, at: ranged.shallow.at });
      }
    } else if (readKeys.length > 0 && !hasPatterns && open !== false) {
      node.additionalProperties = false;
      result.closed.push(path);
    }
  };
  walk(out, trie, [], []);
  // Forced-open paths the schema had no node for (a subchart key values.yaml does not mention).
  const props = (out.properties ??= {}) as Record<string, Schema>;
  for (const f of options.forceOpen) {
    if (f.path.length === 1 && !(f.path[0]! in props)) {
      props[f.path[0]!] = { type: "object", additionalProperties: true, $comment: `Open: ${f.why}; its keys are not known here.` };
      result.opened.push(f);
    }
  }
  return result;
}

/**
 * The schema of each entry of a map the templates range over, from what they read of an entry
 * (`$value.json`), level by level for a map of maps (grafana's dashboards.<provider>.<name>);
 * true (anything) when an entry is consumed whole, indexed by a computed key, or not read.
 */
function entryOf(t: Trie, path: string[], forced: ReadonlyMap<string, OpenedSubtree>): Schema | true {
  const star = t.shallow?.why === "range" ? t.children.get("*") : undefined;
  if (!star || star.deep) return true;
  if (star.shallow) {
    const inner = entryOf(star, [...path, "*"], forced);
    if (inner === true || [...star.children.keys()].some((k) => k !== "*")) return true;
    return { type: "object", additionalProperties: inner };
  }
  const entry = fromTrie(star, path, forced);
  return Object.keys(entry).length > 0 ? entry : true;
}

/** The schema of a key only the templates know: its read children typed the same way, leaves unknown. */
function fromTrie(t: Trie, path: string[], forced: ReadonlyMap<string, OpenedSubtree>): Schema {
  const keys = [...t.children.keys()].filter((k) => k !== "*");
  if (keys.length === 0 || t.deep || t.shallow || forced.has(KEY(path))) return {};
  const properties: Record<string, Schema> = {};
  for (const k of keys) properties[k] = fromTrie(t.children.get(k)!, [...path, k], forced);
  // Read as a map and maybe as a scalar elsewhere (`if .Values.x`): an object here, typed by its keys.
  return { type: "object", properties, additionalProperties: false };
}

/** Opens an object and every object under it, except where the shipped schema closes; true if anything changed. */
function openDeep(node: Schema, path: string[], upstreamClosed: ReadonlySet<string>): boolean {
  let changed = false;
  const visit = (s: Schema, p: string[]) => {
    if (!isRecord(s)) return;
    if ((isRecord(s.properties) || typesOf(s).includes("object")) && !upstreamClosed.has(KEY(p)) && s.additionalProperties === false) {
      s.additionalProperties = true;
      changed = true;
    }
    if (isRecord(s.properties)) for (const [k, v] of Object.entries(s.properties)) visit(v as Schema, [...p, k]);
  };
  visit(node, path);
  return changed;
}

/** Paths of the objects a (resolved) shipped schema closes with `additionalProperties: false`, through `properties`. */
export function closedPaths(schema: Schema, prefix: string[] = [], out = new Set<string>()): Set<string> {
  if (!isRecord(schema)) return out;
  if (schema.additionalProperties === false) out.add(KEY(prefix));
  if (isRecord(schema.properties)) for (const [k, v] of Object.entries(schema.properties)) closedPaths(v as Schema, [...prefix, k], out);
  return out;
}

/** Every property path of a schema outside lists (through `properties` only), for the key statistics. */
export function propertyPaths(schema: Schema, prefix: string[] = [], out: string[][] = []): string[][] {
  if (!isRecord(schema) || !isRecord(schema.properties)) return out;
  for (const [k, v] of Object.entries(schema.properties)) {
    out.push([...prefix, k]);
    propertyPaths(v as Schema, [...prefix, k], out);
  }
  return out;
}
