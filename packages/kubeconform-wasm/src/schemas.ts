/**
 * Kubernetes OpenAPI v2 (swagger.json) → standalone JSON schemas in the layout
 * kubeconform reads (`<kind>-<group>-<version>.json`, as
 * yannh/kubernetes-json-schema and openapi2jsonschema name them).
 *
 * Stages: index the definitions and find the recursive ones → expand each
 * definition with its references inlined (memoized, inputs never mutated) →
 * one file per group/version/kind, recursive definitions kept as local
 * `#/definitions/...` references because they cannot be inlined.
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = { [key: string]: Json };

export interface Swagger {
  definitions: Record<string, Schema>;
}

export interface SchemaFile {
  /** File name inside the `v<version>-standalone[-strict]` folder. */
  name: string;
  group: string;
  version: string;
  kind: string;
  schema: Schema;
}

export interface GenerateOptions {
  /** Closed objects: `additionalProperties: false` wherever properties are listed. */
  strict: boolean;
}

const REF_PREFIX = "#/definitions/";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

/** What YAML authors write for these: `port: 8080` or `port: http`, `cpu: 1` or `cpu: 500m`. */
const SPECIAL: Record<string, Schema> = {
  [INT_OR_STRING]: { oneOf: [{ type: "string" }, { type: "integer" }] },
  [QUANTITY]: { oneOf: [{ type: "string" }, { type: "number" }] },
};

interface Gvk {
  group: string;
  version: string;
  kind: string;
}

/** kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json` for an apiVersion and kind. */
export function schemaFileName(apiVersion: string, kind: string): string {
  const [first, version] = apiVersion.split("/") as [string, string | undefined];
  let suffix = `-${first.split(".")[0]!.toLowerCase()}`;
  if (version !== undefined) suffix += `-${version.toLowerCase()}`;
  return `${kind.toLowerCase()}${suffix}.json`;
}

/** Every resource kind of the spec as a standalone schema, sorted by file name. */
export function generateSchemas(swagger: Swagger, options: GenerateOptions): SchemaFile[] {
  const defs = swagger.definitions;
  const recursive = findRecursive(defs);
  const expander = new Expander(defs, recursive, options.strict);
  const files = new Map<string, SchemaFile>();
  for (const name of Object.keys(defs).sort()) {
    const gvks = defs[name]!["x-kubernetes-group-version-kind"] as unknown as Gvk[] | undefined;
    if (!gvks?.length) continue;
    // DeleteOptions and WatchEvent are listed under every group: request envelopes, not resources.
    if (new Set(gvks.map((g) => g.group)).size > 1) continue;
    for (const gvk of gvks) {
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      const fileName = schemaFileName(apiVersion, gvk.kind);
      if (files.has(fileName)) {
        throw new Error(`two definitions map to ${fileName}: ${files.get(fileName)!.kind} and ${name}`);
      }
      files.set(fileName, { name: fileName, ...gvk, schema: expander.root(name) });
    }
  }
  return [...files.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function refName(schema: Schema): string | undefined {
  const ref = schema.$ref;
  return typeof ref === "string" && ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : undefined;
}

/** Definitions that reach themselves (JSONSchemaProps): these stay references. */
function findRecursive(defs: Record<string, Schema>): Set<string> {
  const edges = new Map<string, Set<string>>();
  for (const [name, def] of Object.entries(defs)) {
    const out = new Set<string>();
    collectRefs(def, out);
    edges.set(name, out);
  }
  const recursive = new Set<string>();
  for (const start of edges.keys()) {
    const seen = new Set<string>();
    const stack = [...(edges.get(start) ?? [])];
    while (stack.length) {
      const next = stack.pop()!;
      if (next === start) {
        recursive.add(start);
        break;
      }
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...(edges.get(next) ?? []));
    }
  }
  return recursive;
}

function collectRefs(value: Json, out: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) collectRefs(item, out);
  } else if (value && typeof value === "object") {
    const name = refName(value);
    if (name) out.add(name);
    for (const child of Object.values(value)) collectRefs(child, out);
  }
}

class Expander {
  private readonly memo = new Map<string, { schema: Schema; needs: Set<string> }>();

  constructor(
    private readonly defs: Record<string, Schema>,
    private readonly recursive: Set<string>,
    private readonly strict: boolean,
  ) {}

  /** A definition as a file: inlined, plus the recursive definitions it needs. */
  root(name: string): Schema {
    const { schema, needs } = this.definition(name);
    if (needs.size === 0) return schema;
    const definitions: Record<string, Json> = {};
    const pending = [...needs];
    while (pending.length) {
      const next = pending.pop()!;
      if (next in definitions) continue;
      const body = this.definition(next, true);
      definitions[next] = body.schema;
      pending.push(...body.needs);
    }
    const sorted = Object.fromEntries(Object.entries(definitions).sort(([a], [b]) => (a < b ? -1 : 1)));
    return { ...schema, definitions: sorted };
  }

  /** `body` expands a recursive definition itself instead of pointing at it. */
  private definition(name: string, body = false): { schema: Schema; needs: Set<string> } {
    const key = body ? `body:${name}` : name;
    const cached = this.memo.get(key);
    if (cached) return cached;
    let result: { schema: Schema; needs: Set<string> };
    if (SPECIAL[name]) {
      result = { schema: SPECIAL[name], needs: new Set() };
    } else if (this.recursive.has(name) && !body) {
      result = { schema: { $ref: REF_PREFIX + name }, needs: new Set([name]) };
    } else {
      const def = this.defs[name];
      if (!def) throw new Error(`unresolvable $ref ${REF_PREFIX}${name}`);
      const needs = new Set<string>();
      result = { schema: this.schema(def, needs), needs };
    }
    this.memo.set(key, result);
    return result;
  }

  /** One schema node, keyword by keyword (property maps hold schemas, not keywords). */
  private schema(node: Schema, needs: Set<string>): Schema {
    const ref = refName(node);
    if (ref) {
      const target = this.definition(ref);
      for (const n of target.needs) needs.add(n);
      return target.schema;
    }
    if (node["x-kubernetes-int-or-string"] === true || node.format === "int-or-string") return SPECIAL[INT_OR_STRING]!;
    const out: Schema = {};
    const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    for (const [keyword, value] of Object.entries(node)) {
      if (keyword === "description" || keyword.startsWith("x-") || keyword === "$ref") continue;
      if (keyword === "properties" && value && typeof value === "object" && !Array.isArray(value)) {
        const props: Record<string, Json> = {};
        for (const [prop, sub] of Object.entries(value)) {
          const expanded = this.schema(sub as Schema, needs);
          props[prop] = required.has(prop) ? expanded : nullable(expanded);
        }
        out.properties = props;
      } else if ((keyword === "items" || keyword === "additionalProperties") && isSchema(value)) {
        out[keyword] = this.schema(value, needs);
      } else if ((keyword === "allOf" || keyword === "anyOf" || keyword === "oneOf") && Array.isArray(value)) {
        out[keyword] = value.map((s) => (isSchema(s) ? this.schema(s, needs) : s));
      } else {
        out[keyword] = value;
      }
    }
    const open = node["x-kubernetes-preserve-unknown-fields"] === true;
    if (this.strict && !open && out.properties && out.additionalProperties === undefined) {
      out.additionalProperties = false;
    }
    return out;
  }
}

function isSchema(value: Json | undefined): value is Schema {
  return !!value && typeof value === "object" && !Array.isArray(value);
}

/**
 * An optional field may be written as `null` (Helm and kubectl emit
 * `creationTimestamp: null`); the API server treats it as absent.
 */
function nullable(schema: Schema): Schema {
  const type = schema.type;
  if (typeof type === "string") return { ...schema, type: [type, "null"] };
  if (Array.isArray(schema.oneOf)) return { ...schema, oneOf: [...schema.oneOf, { type: "null" }] };
  if (typeof schema.$ref === "string") return { anyOf: [schema, { type: "null" }] };
  return schema;
}
