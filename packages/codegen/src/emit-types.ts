import { isRecord, typesOf, type Schema } from "./schema-util.js";

/**
 * Stage "types": the override type of a values schema. Helm merges overrides
 * over the defaults, so outside lists every key is optional, and a key with a
 * default also takes `null` (Helm deletes it). Objects get no index signature
 * unless the schema leaves them open, so a typo'd key fails `tsc`. Inside a
 * list nothing is merged: items keep the chart's required keys.
 */
export function emitValuesInterface(schema: Schema, defaults: unknown): string {
  const body = objectBody(schema, { inList: false, depth: 1, defaults });
  return `export interface Values ${body}\n`;
}

interface Ctx {
  inList: boolean;
  depth: number;
  defaults: unknown;
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

function typeOf(schema: unknown, ctx: Ctx): string {
  if (schema === true || schema === undefined) return "unknown";
  if (schema === false) return "never";
  if (!isRecord(schema)) return "unknown";
  if ("const" in schema) return literal(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map(literal).join(" | ") || "never";
  const parts: string[] = [];
  const base = baseType(schema, ctx);
  if (base !== "unknown") parts.push(base);
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = schema[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const union = [...new Set(branches.map((b) => typeOf(b, ctx)))];
      if (union.includes("unknown")) continue;
      parts.push(union.join(" | "));
    }
  }
  if (Array.isArray(schema.allOf)) {
    for (const branch of schema.allOf) {
      const t = typeOf(branch, ctx);
      if (t !== "unknown") parts.push(wrap(t));
    }
  }
  if (parts.length === 0) return "unknown";
  return parts.length === 1 ? parts[0]! : parts.map(wrap).join(" & ");
}

function wrap(t: string): string {
  return /^[\w$[\]"]+$|^\{[\s\S]*\}$/.test(t) ? t : `(${t})`;
}

function baseType(schema: Schema, ctx: Ctx): string {
  let types = typesOf(schema);
  if (types.length === 0) {
    if (isRecord(schema.properties) || isRecord(schema.patternProperties) || schema.additionalProperties !== undefined) types = ["object"];
    else if (schema.items !== undefined || schema.prefixItems !== undefined) types = ["array"];
    else return "unknown";
  }
  const out: string[] = [];
  for (const t of types) {
    if (t === "string") out.push("string");
    else if (t === "number" || t === "integer") out.push("number");
    else if (t === "boolean") out.push("boolean");
    else if (t === "null") out.push("null");
    else if (t === "array") out.push(arrayType(schema, ctx));
    else if (t === "object") out.push(objectBody(schema, ctx));
  }
  const unique = [...new Set(out)];
  return unique.length === 0 ? "unknown" : unique.join(" | ");
}

function arrayType(schema: Schema, ctx: Ctx): string {
  const itemCtx: Ctx = { inList: true, depth: ctx.depth, defaults: undefined };
  const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : undefined;
  if (tuple) {
    const rest = Array.isArray(schema.items) ? schema.additionalItems : schema.items;
    const members = tuple.map((t) => `${typeOf(t, itemCtx)}?`);
    if (rest !== false) members.push(`...${wrapArray(typeOf(rest, itemCtx))}[]`);
    return `[${members.join(", ")}]`;
  }
  return `${wrapArray(typeOf(schema.items, itemCtx))}[]`;
}

function wrapArray(t: string): string {
  return /^[\w$]+$/.test(t) ? t : `(${t})`;
}

function objectBody(schema: Schema, ctx: Ctx): string {
  const props = isRecord(schema.properties) ? (schema.properties as Record<string, unknown>) : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const pad = "  ".repeat(ctx.depth);
  const lines: string[] = [];
  const defaults = isRecord(ctx.defaults) ? ctx.defaults : undefined;
  for (const [key, sub] of Object.entries(props)) {
    const childDefault = defaults?.[key];
    let t = typeOf(sub, { inList: ctx.inList, depth: ctx.depth + 1, defaults: childDefault });
    const optional = !ctx.inList || !required.has(key);
    // Helm deletes a default when the override sets it to null.
    if (!ctx.inList && childDefault !== undefined && childDefault !== null && t !== "unknown" && !/(^|\| )null( \||$)/.test(t)) t = `${t} | null`;
    // A note codegen left on the schema (why a subchart's values are open) is worth seeing in the editor.
    if (isRecord(sub) && typeof sub.$comment === "string") lines.push(`${pad}/** ${sub.$comment.replace(/\*\//g, "* /")} */`);
    lines.push(`${pad}${IDENT.test(key) ? key : JSON.stringify(key)}${optional ? "?" : ""}: ${t};`);
  }
  const index = indexSignature(schema, ctx, Object.keys(props).length > 0);
  if (index) lines.push(`${pad}[key: string]: ${index};`);
  if (lines.length === 0) return schema.additionalProperties === false ? "{ [key: string]: never }" : "{ [key: string]: unknown }";
  return `{\n${lines.join("\n")}\n${"  ".repeat(ctx.depth - 1)}}`;
}

function indexSignature(schema: Schema, ctx: Ctx, hasProperties: boolean): string | undefined {
  const additional = schema.additionalProperties;
  const patterns = isRecord(schema.patternProperties) ? Object.values(schema.patternProperties) : [];
  if (additional === false && patterns.length === 0) return undefined;
  if (schema.unevaluatedProperties === false && additional === undefined && patterns.length === 0) return undefined;
  // Declared keys must fit the index signature; with keys declared, only `unknown` always does.
  if (hasProperties) return "unknown";
  const valueCtx: Ctx = { inList: ctx.inList, depth: ctx.depth + 1, defaults: undefined };
  const types = [...patterns, ...(additional === false ? [] : [additional])].map((s) => typeOf(s, valueCtx));
  const unique = [...new Set(types)];
  return unique.includes("unknown") ? "unknown" : unique.join(" | ");
}

function literal(value: unknown): string {
  return value === undefined ? "undefined" : JSON.stringify(value);
}
