/** A JSON schema node while codegen works on it (the IR). */
export type Schema = Record<string, unknown>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function typesOf(schema: Schema): string[] {
  const t = schema.type;
  if (typeof t === "string") return [t];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === "string");
  return [];
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Keywords whose value is a map of subschemas, one subschema, or a list of subschemas. */
export const SUBSCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"];
export const SUBSCHEMA_ONE = [
  "additionalProperties",
  "items",
  "additionalItems",
  "contains",
  "not",
  "if",
  "then",
  "else",
  "propertyNames",
  "unevaluatedProperties",
  "unevaluatedItems",
];
export const SUBSCHEMA_LISTS = ["anyOf", "oneOf", "allOf", "prefixItems"];

/** JSON-schema keywords kept from `# @schema` annotations and component patches. */
export const SCHEMA_KEYWORDS = new Set([
  "type",
  "enum",
  "const",
  "default",
  "items",
  "prefixItems",
  "properties",
  "additionalProperties",
  "patternProperties",
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
  "multipleOf",
  "minLength",
  "maxLength",
  "pattern",
  "format",
  "minItems",
  "maxItems",
  "uniqueItems",
  "anyOf",
  "oneOf",
  "allOf",
  "not",
  "required",
  "minProperties",
  "maxProperties",
]);

/** Calls `visit` on every subschema (depth first, parents before children). */
export function walkSchema(schema: unknown, visit: (node: Schema, inList: boolean) => void, inList = false): void {
  if (!isRecord(schema)) return;
  visit(schema, inList);
  for (const [key, value] of Object.entries(schema)) {
    const list = inList || key === "items" || key === "prefixItems" || key === "additionalItems" || key === "contains";
    if (SUBSCHEMA_MAPS.includes(key) && isRecord(value)) for (const child of Object.values(value)) walkSchema(child, visit, list);
    else if (SUBSCHEMA_ONE.includes(key)) walkSchema(value, visit, list);
    else if (SUBSCHEMA_LISTS.includes(key) && Array.isArray(value)) for (const child of value) walkSchema(child, visit, list);
  }
}
