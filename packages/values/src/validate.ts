import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { Ajv2019 } from "ajv/dist/2019.js";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { closest, distance } from "fastest-levenshtein";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { pointerToPath } from "@homelab/yaml";
import type { SchemaDraft } from "./draft.js";

export interface ValuesSchema {
  chart: { name: string; version: string; repository: string };
  draft: SchemaDraft;
  source: "shipped" | "inferred";
  /** Self-contained JSON schema of the merged values (no remote refs). */
  schema: Record<string, unknown>;
  /** The chart's defaults (values.yaml, subcharts' under their key): overrides equal to them are redundant. */
  defaults?: Record<string, unknown>;
}

export interface ValuesIssue {
  path: (string | number)[];
  message: string;
  /** The allowed key closest to an unknown one ("did you mean"). */
  suggestion?: string;
  /** The JSON-schema keyword that failed (additionalProperties, type, enum, ...); "redundant" for a value equal to the default. */
  keyword: string;
  /** "note": worth a reviewer's eye, not an error (a value the chart already defaults to). Absent: an error. */
  severity?: "note";
}

export const REDUNDANT_MESSAGE = "redundant: the chart default is the same";

/**
 * Overrides that change nothing: a value equal to the chart's default, or an
 * empty map over a map default (Helm merges it away), reported once at the
 * highest key whose whole override changes nothing (a copied values.yaml gives
 * one note per top-level key, not one per leaf). Lists compare whole (Helm
 * replaces them); null deletes a default, so it is redundant only over a null default.
 */
export function redundantDefaults(schema: ValuesSchema, values: unknown): ValuesIssue[] {
  const defaults = schema.defaults;
  const out: ValuesIssue[] = [];
  if (!defaults || !isRecord(values)) return out;
  const note = (path: string[]): ValuesIssue => ({ path, message: REDUNDANT_MESSAGE, keyword: "redundant", severity: "note" });
  // True when every key under `value` equals the default; otherwise the redundant children are noted.
  const walk = (value: Record<string, unknown>, def: Record<string, unknown>, path: string[], notes: ValuesIssue[]): boolean => {
    let all = true;
    const mine: ValuesIssue[] = [];
    for (const [key, v] of Object.entries(value)) {
      const d = def[key];
      if (!(key in def) || (v === null && d !== null)) {
        // Not the chart's key, or a null deleting a real default: a change.
        all = false;
        continue;
      }
      if (isRecord(v) && isRecord(d) && Object.keys(v).length > 0) {
        const inner: ValuesIssue[] = [];
        if (walk(v, d, [...path, key], inner)) mine.push(note([...path, key]));
        else {
          all = false;
          mine.push(...inner);
        }
      } else if (isRecord(v) && Object.keys(v).length === 0 ? isRecord(d) : sameValue(v, d)) mine.push(note([...path, key]));
      else all = false;
    }
    notes.push(...mine);
    return all && Object.keys(value).length > 0;
  };
  walk(values, defaults, [], out);
  return out;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && sameValue(a[k], b[k]));
  }
  return false;
}

// ajv-formats is CommonJS with a default export; under NodeNext the namespace may wrap it.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

type AnyAjv = Ajv;
const instances = new Map<SchemaDraft, AnyAjv>();

function ajvFor(draft: SchemaDraft): AnyAjv {
  let ajv = instances.get(draft);
  if (!ajv) {
    // strict off: chart schemas use unknown keywords and formats; allowUnionTypes for `type: [x, "null"]`.
    // verbose: errors carry their parent schema (the allowed keys for "did you mean").
    // optimize off: ajv's code optimiser is most of the compile time of a 100-KB schema (4x), for no
    // measurable gain validating one values file.
    const options = { strict: false, allowUnionTypes: true, allErrors: true, verbose: true, validateSchema: false, code: { optimize: false } } as const;
    ajv = draft === "2020-12" ? new Ajv2020(options) : draft === "2019-09" ? new Ajv2019(options) : new Ajv(options);
    addFormats(ajv);
    instances.set(draft, ajv);
  }
  return ajv;
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles (once per schema object) the override variant of a values schema. */
export function compileOverrideValidator(schema: ValuesSchema): ValidateFunction {
  let validate = compiled.get(schema.schema);
  if (!validate) {
    const override = toOverrideSchema(schema.schema);
    try {
      validate = ajvFor(schema.draft).compile(override);
    } catch (error) {
      throw new HomelabError(
        ErrorCode.SchemaInvalid,
        `values schema of chart ${schema.chart.name}@${schema.chart.version} cannot be compiled: ${(error as Error).message}`,
        {
          position: { file: `${schema.chart.name}/values.schema.json` },
          cause: error,
        },
      );
    }
    compiled.set(schema.schema, validate);
  }
  return validate;
}

/**
 * Validates Helm override values (deep-partial; null deletes a default).
 * Compiled validators are cached per schema object.
 */
export function validateValues(schema: ValuesSchema, values: unknown): ValuesIssue[] {
  const validate = compileOverrideValidator(schema);
  const data = pruneNulls(values ?? {});
  const nullKeys = unknownNullKeys(schema.schema, values);
  if (validate(data)) return nullKeys;
  return [...toIssues(validate.errors ?? [], data), ...nullKeys];
}

/**
 * A null deletes a default, so null-valued keys are pruned before validation;
 * a null under a key the chart does not have deletes nothing (a typo'd key
 * set to `~` has no effect): reported as unknown where the schema path is
 * plain `properties` down to a closed object.
 */
function unknownNullKeys(schema: Record<string, unknown>, values: unknown): ValuesIssue[] {
  const out: ValuesIssue[] = [];
  const walk = (node: unknown, value: unknown, path: string[]) => {
    if (!isRecord(node) || !isRecord(value)) return;
    if (["anyOf", "oneOf", "allOf", "if", "$ref", "patternProperties", "unevaluatedProperties"].some((k) => k in node)) return;
    const props = isRecord(node.properties) ? node.properties : {};
    for (const [key, child] of Object.entries(value)) {
      if (child === null) {
        if (node.additionalProperties === false && !(key in props)) {
          const suggestion = suggestKey(key, Object.keys(props));
          out.push({
            path: [...path, key],
            message: suggestion ? `unknown key "${key}"; did you mean "${suggestion}"?` : `unknown key "${key}"`,
            keyword: "additionalProperties",
            ...(suggestion ? { suggestion } : {}),
          });
        }
      } else if (key in props) walk(props[key], child, [...path, key]);
    }
  };
  walk(schema, values, []);
  return out;
}

/**
 * Helm deletes a key whose override is null, so the merged values never see
 * it: drop such keys before validating. Lists replace wholesale, so nothing
 * inside them is touched.
 */
export function pruneNulls(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    if (child === null) continue;
    out[key] = pruneNulls(child);
  }
  return out;
}

const SCHEMA_MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"] as const;
const SCHEMA_ONE = ["additionalProperties", "not", "if", "then", "else", "propertyNames", "unevaluatedProperties"] as const;
const SCHEMA_LISTS = ["anyOf", "oneOf", "allOf"] as const;
const ITEM_KEYWORDS = ["items", "prefixItems", "additionalItems", "contains", "unevaluatedItems"] as const;

/**
 * The schema users' overrides are checked against: Helm merges them over the
 * defaults, so nothing outside a list is required, and `oneOf` branches that
 * differed only by `required` would all match, hence `anyOf`. Lists replace
 * their default wholesale: their items keep the chart's rules.
 */
export function toOverrideSchema(schema: Record<string, unknown>): Record<string, unknown> {
  return relax(schema, false) as Record<string, unknown>;
}

function relax(node: unknown, inList: boolean): unknown {
  if (node === null || typeof node !== "object" || Array.isArray(node)) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
    if (!inList && (key === "required" || key === "minProperties" || key === "dependentRequired")) continue;
    if ((SCHEMA_MAPS as readonly string[]).includes(key) && isRecord(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, relax(v, inList)]));
    } else if ((SCHEMA_ONE as readonly string[]).includes(key)) {
      out[key] = relax(value, inList);
    } else if ((SCHEMA_LISTS as readonly string[]).includes(key) && Array.isArray(value)) {
      out[!inList && key === "oneOf" ? "anyOf" : key] = value.map((v) => relax(v, inList));
    } else if ((ITEM_KEYWORDS as readonly string[]).includes(key)) {
      out[key] = Array.isArray(value) ? value.map((v) => relax(v, true)) : relax(value, true);
    } else {
      out[key] = value;
    }
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** "Did you mean": the allowed key closest to `key`, if it is close enough to be a typo. */
export function suggestKey(key: string, allowed: readonly string[]): string | undefined {
  if (allowed.length === 0) return undefined;
  const lower = key.toLowerCase();
  const sameCase = allowed.find((a) => a.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const best = closest(key, allowed as string[]);
  const d = distance(key, best);
  return d <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function toIssues(errors: readonly ErrorObject[], data: unknown): ValuesIssue[] {
  const dropped = new Set<ErrorObject>();
  const merged = new Map<ErrorObject, string>();
  for (const combo of errors) {
    if (combo.keyword !== "anyOf" && combo.keyword !== "oneOf") continue;
    const children = errors.filter((e) => e !== combo && e.schemaPath.startsWith(`${combo.schemaPath}/`));
    const shallow = children.filter((e) => e.instancePath === combo.instancePath && ["type", "enum", "const"].includes(e.keyword));
    if (shallow.length === children.length && shallow.length > 0) {
      // Every branch failed right here: one message listing what would do.
      const wanted = new Set<string>();
      for (const e of shallow) for (const w of expectation(e)) wanted.add(w);
      merged.set(combo, `must be ${[...wanted].join(" or ")}`);
      for (const e of shallow) dropped.add(e);
    } else {
      // A branch matched further down: its deeper errors say what is wrong.
      dropped.add(combo);
      for (const e of shallow) dropped.add(e);
    }
  }
  const issues: ValuesIssue[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (dropped.has(error) || error.keyword === "if") continue;
    const issue = toIssue(error, data, merged.get(error));
    const key = `${JSON.stringify(issue.path)}\0${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function expectation(error: ErrorObject): string[] {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "type") return String(params.type).split(",");
  if (error.keyword === "enum") return ((params.allowedValues as unknown[]) ?? []).map((v) => JSON.stringify(v));
  if (error.keyword === "const") return [JSON.stringify(params.allowedValue)];
  return [];
}

function toIssue(error: ErrorObject, data: unknown, mergedMessage?: string): ValuesIssue {
  const path = typedPath(pointerToPath(error.instancePath), data);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties") {
    const key = String(params.additionalProperty ?? params.unevaluatedProperty);
    const parent = (error.parentSchema ?? {}) as Record<string, unknown>;
    const allowed = isRecord(parent.properties) ? Object.keys(parent.properties) : [];
    const suggestion = suggestKey(key, allowed);
    const issue: ValuesIssue = {
      path: [...path, key],
      message: suggestion ? `unknown key "${key}"; did you mean "${suggestion}"?` : `unknown key "${key}"`,
      keyword: error.keyword,
    };
    if (suggestion) issue.suggestion = suggestion;
    return issue;
  }
  let message = mergedMessage ?? error.message ?? error.keyword;
  if (!mergedMessage && error.keyword === "enum") message = `must be one of ${expectation(error).join(", ")}`;
  return { path, message, keyword: error.keyword };
}

/** Pointer segments with array indices as numbers, so paths print as `list[0].name`. */
function typedPath(segments: readonly string[], data: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  let node = data;
  for (const segment of segments) {
    if (Array.isArray(node)) {
      const index = Number(segment);
      out.push(index);
      node = node[index];
    } else {
      out.push(segment);
      node = isRecord(node) ? node[segment] : undefined;
    }
  }
  return out;
}
