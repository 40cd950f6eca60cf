import { createHash } from "node:crypto";
import { isObject, type CrdVersion, type JsonObject } from "./crd-source.js";

/*
 * Two views of one CRD version schema, both built from a pruned copy
 * (descriptions and CEL rules dropped: prose and server-side checks that
 * neither a JSON-schema validator nor tsc can use, and most of the bytes):
 *
 * - strictJsonSchema: what kubeconform (issue 6) and tests validate against.
 * - typeSchema: the input of json-schema-to-typescript, with repeated subtrees
 *   hoisted into named definitions so huge CRDs (ApplicationSet) compile fast.
 */

const DROPPED_KEYS = new Set(["description", "x-kubernetes-validations"]);

/** Deep copy without the dropped keys; never mutates the input. */
export function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(prune);
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (DROPPED_KEYS.has(key)) continue;
    // `properties` and `definitions` hold names, not keywords: a field called `description` must survive.
    out[key] = key === "properties" || key === "definitions" ? mapValues(child, prune) : prune(child);
  }
  return out;
}

/**
 * The metadata every custom resource has. CRDs declare it as a bare `object`
 * (the API server validates ObjectMeta itself), so without this a typo like
 * `metadata.lables` would pass.
 */
export const OBJECT_META_SCHEMA: JsonObject = {
  type: "object",
  properties: {
    annotations: { type: "object", additionalProperties: { type: "string" } },
    creationTimestamp: { type: ["string", "null"], format: "date-time" },
    deletionGracePeriodSeconds: { type: "integer", format: "int64" },
    deletionTimestamp: { type: "string", format: "date-time" },
    finalizers: { type: "array", items: { type: "string" } },
    generateName: { type: "string" },
    generation: { type: "integer", format: "int64" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    managedFields: { type: "array", items: { type: "object" } },
    name: { type: "string" },
    namespace: { type: "string" },
    ownerReferences: {
      type: "array",
      items: {
        type: "object",
        required: ["apiVersion", "kind", "name", "uid"],
        properties: {
          apiVersion: { type: "string" },
          blockOwnerDeletion: { type: "boolean" },
          controller: { type: "boolean" },
          kind: { type: "string" },
          name: { type: "string" },
          uid: { type: "string" },
        },
        additionalProperties: false,
      },
    },
    resourceVersion: { type: "string" },
    selfLink: { type: "string" },
    uid: { type: "string" },
  },
  additionalProperties: false,
};

/**
 * The strict JSON schema kubeconform reads from the CRDs-catalog layout,
 * following openapi2jsonschema.py: objects with `properties` reject unknown
 * keys unless `x-kubernetes-preserve-unknown-fields`; int-or-string becomes
 * `integer | string`; apiVersion and kind are pinned with enums. Beyond it:
 * the root rejects unknown keys too, metadata is a strict ObjectMeta, an
 * object schema with no fields at all accepts only `{}` (the API server
 * prunes anything else, and strict field validation rejects it), and
 * `nullable` admits `null`.
 */
export function strictJsonSchema(crd: CrdVersion, comment: string): JsonObject {
  const schema = strictNode(prune(crd.schema)) as JsonObject;
  const properties = { ...(schema["properties"] as JsonObject | undefined) };
  properties["apiVersion"] = { type: "string", enum: [crd.apiVersion] };
  properties["kind"] = { type: "string", enum: [crd.kind] };
  properties["metadata"] = OBJECT_META_SCHEMA;
  const required = new Set<string>(Array.isArray(schema["required"]) ? (schema["required"] as string[]) : []);
  required.add("apiVersion");
  required.add("kind");
  return {
    $comment: comment,
    ...schema,
    type: "object",
    properties,
    required: [...required].sort(),
    additionalProperties: false,
  };
}

/**
 * The schema a custom resource is validated with (kubeconform): strict, with
 * repeated subtrees hoisted into `definitions`, so each distinct shape is
 * compiled once (the chart's ApplicationSet CRD compiles in a fifth of the
 * time of its inlined form). The committed schemas and the ones check writes
 * for the charts' own CRDs are both made by this.
 */
export function validationSchema(crd: CrdVersion, comment: string): JsonObject {
  return hoistRepeatedSubtrees(strictJsonSchema(crd, comment), crd.kind, { nameSpec: false, titles: false });
}

function strictNode(value: unknown): unknown {
  if (!isObject(value)) return value;
  const node: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key === "properties" || key === "definitions" || key === "patternProperties") node[key] = mapValues(child, strictNode);
    else if (key === "items" || key === "additionalProperties" || key === "not") node[key] = Array.isArray(child) ? child.map(strictNode) : strictNode(child);
    else if (key === "anyOf" || key === "oneOf" || key === "allOf") node[key] = (child as unknown[]).map(strictNode);
    else node[key] = child;
  }
  const preserve = node["x-kubernetes-preserve-unknown-fields"] === true;
  if (node["x-kubernetes-int-or-string"] === true && !node["anyOf"] && !node["oneOf"]) {
    delete node["type"];
    node["anyOf"] = [{ type: "integer" }, { type: "string" }];
  }
  if (node["format"] === "int-or-string") {
    delete node["type"];
    delete node["format"];
    node["oneOf"] = [{ type: "string" }, { type: "integer" }];
  }
  if (!preserve && !("additionalProperties" in node)) {
    if (node["properties"]) node["additionalProperties"] = false;
    else if (node["type"] === "object") node["additionalProperties"] = false;
  }
  if (node["nullable"] === true && typeof node["type"] === "string") node["type"] = [node["type"], "null"];
  return node;
}

/**
 * The schema handed to json-schema-to-typescript for one kind: what a user
 * writes (no `status`), apiVersion/kind as literals, metadata as the shared
 * ObjectMeta, and Kubernetes extensions mapped to plain JSON schema:
 * preserve-unknown-fields → an index signature of `unknown`, a field-less
 * object → `Record<string, never>`.
 */
export function typeSchema(crd: CrdVersion): JsonObject {
  const schema = typeNode(prune(crd.schema)) as JsonObject;
  const properties = { ...(schema["properties"] as JsonObject | undefined) };
  delete properties["status"];
  properties["apiVersion"] = { tsType: JSON.stringify(crd.apiVersion) };
  properties["kind"] = { tsType: JSON.stringify(crd.kind) };
  properties["metadata"] = { tsType: "ObjectMeta" };
  const required = new Set<string>(["apiVersion", "kind", "metadata"]);
  for (const name of Array.isArray(schema["required"]) ? (schema["required"] as string[]) : []) {
    if (name in properties) required.add(name);
  }
  return { ...schema, title: crd.kind, type: "object", properties, required: [...required], additionalProperties: false };
}

function typeNode(value: unknown): unknown {
  if (!isObject(value)) return value;
  const node: JsonObject = {};
  for (const [key, child] of Object.entries(value)) {
    if (key.startsWith("x-kubernetes-")) continue;
    if (key === "properties") node[key] = mapValues(child, typeNode);
    else if (key === "items" || key === "additionalProperties") node[key] = Array.isArray(child) ? child.map(typeNode) : typeNode(child);
    else if (key === "anyOf" || key === "oneOf" || key === "allOf") node[key] = (child as unknown[]).map(typeNode);
    // Formats, patterns and bounds constrain values, not types; dropping them keeps dedupe effective.
    else if (
      key === "format" ||
      key === "pattern" ||
      key === "minLength" ||
      key === "maxLength" ||
      key === "minimum" ||
      key === "maximum" ||
      key === "minItems" ||
      key === "maxItems" ||
      key === "minProperties" ||
      key === "maxProperties" ||
      key === "exclusiveMinimum" ||
      key === "exclusiveMaximum" ||
      key === "nullable"
    )
      continue;
    else node[key] = child;
  }
  const preserve = value["x-kubernetes-preserve-unknown-fields"] === true;
  if (value["x-kubernetes-int-or-string"] === true) {
    delete node["type"];
    delete node["anyOf"];
    node["tsType"] = "number | string";
  }
  if (preserve && !("additionalProperties" in node) && (node["type"] === "object" || node["properties"])) node["additionalProperties"] = true;
  if (!preserve && node["type"] === "object" && !node["properties"] && !("additionalProperties" in node)) node["tsType"] = "Record<string, never>";
  if (value["nullable"] === true && typeof node["type"] === "string") node["type"] = [node["type"], "null"];
  return node;
}

/**
 * Hoists repeated object subtrees into `definitions` (named `<Kind><Field>`)
 * and, for types, the root `spec` into `<Kind>Spec`, so json-schema-to-typescript
 * parses and prints each distinct shape once and JSON schemas stay small
 * (local `$ref`s, which kubeconform and ajv resolve). Occurrences nested inside an already
 * repeated subtree are not counted twice, so only the outermost repeat gets a
 * name. Deterministic: names come from the first occurrence in document order.
 */
export function hoistRepeatedSubtrees(schema: JsonObject, kind: string, options: { minSize?: number; nameSpec?: boolean; titles?: boolean } = {}): JsonObject {
  const { minSize = 400, nameSpec = true, titles = true } = options;
  const info = new Map<JsonObject, { hash: string; size: number }>();
  const measure = (node: unknown): { hash: string; size: number } => {
    if (!isObject(node) && !Array.isArray(node)) {
      const text = JSON.stringify(node) ?? "null";
      return { hash: text, size: text.length };
    }
    const known = isObject(node) ? info.get(node) : undefined;
    if (known) return known;
    const entries = Array.isArray(node) ? node.map((v, i) => [String(i), v] as const) : Object.entries(node).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const digest = createHash("sha1").update(Array.isArray(node) ? "[" : "{");
    let size = 2;
    for (const [key, child] of entries) {
      const measured = measure(child);
      digest.update(`${JSON.stringify(key)}:${measured.hash},`);
      size += key.length + measured.size + 4;
    }
    const result = { hash: digest.digest("hex"), size };
    if (isObject(node)) info.set(node, result);
    return result;
  };
  measure(schema);

  const candidate = (node: unknown): node is JsonObject =>
    isObject(node) && (node["properties"] !== undefined || isObject(node["additionalProperties"])) && info.get(node)!.size >= minSize;

  const counts = new Map<string, number>();
  const count = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(count);
    if (!isObject(node)) return;
    if (candidate(node)) {
      const hash = info.get(node)!.hash;
      const seen = counts.get(hash) ?? 0;
      counts.set(hash, seen + 1);
      if (seen > 0) return;
    }
    Object.values(node).forEach(count);
  };
  count(schema);

  const definitions: JsonObject = {};
  const names = new Map<string, string>();
  const taken = new Set<string>([kind, "ObjectMeta"]);
  const nameFor = (hint: string): string => {
    const base = hint.startsWith(kind) ? hint : `${kind}${hint}`;
    let name = base;
    for (let i = 2; taken.has(name); i++) name = `${base}${i}`;
    taken.add(name);
    return name;
  };
  const rewrite = (node: unknown, hint: string, force: boolean): unknown => {
    if (!isObject(node)) return node;
    const hash = candidate(node) || force ? info.get(node)!.hash : undefined;
    if (hash !== undefined && (force || (counts.get(hash) ?? 0) > 1)) {
      let name = names.get(hash);
      if (!name) {
        name = nameFor(hint);
        names.set(hash, name);
        definitions[name] = {}; // reserve the slot: definitions appear in first-use order, outermost first
        definitions[name] = titles ? { ...(rewriteChildren(node, hint) as JsonObject), title: name } : rewriteChildren(node, hint);
      }
      return { $ref: `#/definitions/${name}` };
    }
    return rewriteChildren(node, hint);
  };
  const rewriteChildren = (node: JsonObject, hint: string): unknown => {
    const out: JsonObject = {};
    for (const [key, child] of Object.entries(node)) {
      if (key === "properties")
        out[key] = Object.fromEntries(Object.entries(child as JsonObject).map(([name, prop]) => [name, rewrite(prop, pascal(name), false)]));
      else if (key === "items") out[key] = rewrite(child, singular(hint), false);
      else if (key === "additionalProperties") out[key] = rewrite(child, `${hint}Value`, false);
      else if (key === "anyOf" || key === "oneOf" || key === "allOf") out[key] = (child as unknown[]).map((c, i) => rewrite(c, `${hint}Option${i + 1}`, false));
      else out[key] = child;
    }
    return out;
  };

  const properties = { ...(schema["properties"] as JsonObject) };
  for (const [name, prop] of Object.entries(properties))
    properties[name] = rewrite(prop, pascal(name), nameSpec && name === "spec" && isObject(prop) && prop["properties"] !== undefined);
  return { ...schema, properties, ...(Object.keys(definitions).length ? { definitions } : {}) };
}

function mapValues(value: unknown, fn: (child: unknown) => unknown): unknown {
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, child] of Object.entries(value)) out[key] = fn(child);
  return out;
}

function pascal(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""));
  const head = cleaned.charAt(0).toUpperCase() + cleaned.slice(1);
  return /^[A-Za-z]/.test(head) ? head : `X${head}`;
}

/** Name of an array's element from the array's name: `routes` → `Route`. */
function singular(name: string): string {
  if (/ies$/.test(name)) return name.replace(/ies$/, "y");
  if (/(ss|x|ch|sh)es$/.test(name)) return name.replace(/es$/, "");
  if (/[^s]s$/.test(name)) return name.slice(0, -1);
  return `${name}Item`;
}
