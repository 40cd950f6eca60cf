import { createRequire } from "node:module";
import type { _ as CodeTag, Ajv, ErrorObject, ValidateFunction } from "ajv";
import type { Ajv2019 } from "ajv/dist/2019.js";
import type { Ajv2020 } from "ajv/dist/2020.js";
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
  /**
   * The override validator of `schema`, precompiled at codegen (ajv standalone code,
   * {@link standaloneValidatorModule}): compiling a large chart schema costs about a second
   * at every start, loading the precompiled one a few milliseconds. Absent: compiled here.
   */
  readonly createValidator?: CreateValidator;
  /**
   * The chart's direct dependencies whose templates are not known here (a stub: the placeholder
   * of an OCI dependency; or not carried): their values stay open in `schema`, and so does
   * `global`, while they are enabled. Disabled by their condition, Helm leaves them out, so a
   * key under them that their defaults do not have, or a `global` key no known chart reads,
   * has no effect: {@link validateValues} reports it.
   */
  unknownSubcharts?: readonly UnknownSubchart[];
}

/** A dependency whose templates are not known here, and what switches it (Chart.yaml `condition`). */
export interface UnknownSubchart {
  /** Its values path: [alias or name], longer for a subchart's own dependency. */
  path: readonly string[];
  /** Its chart name, for messages. */
  chart: string;
  /** The condition's values paths (from the root) in order: Helm takes the first that holds a boolean; none: enabled. */
  conditions: readonly (readonly string[])[];
}

/**
 * What a precompiled validator module exports. `require` is the caller's: it resolves the
 * ajv run-time helpers the code may use (deep equality, string length, formats) from
 * @homelab/values, which owns ajv, so the generated file depends on no package itself.
 */
export type CreateValidator = (require: NodeJS.Require) => ValidateFunction;

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

/** Resolves the helpers precompiled validators call (`require("ajv/dist/runtime/equal")`) from this package's own ajv, and ajv itself. */
const runtimeRequire = createRequire(import.meta.url);

interface AjvCompiler {
  Ajv: typeof Ajv;
  Ajv2019: typeof Ajv2019;
  Ajv2020: typeof Ajv2020;
  _: typeof CodeTag;
  standaloneCode(ajv: Ajv, validate: ValidateFunction): string;
  addFormats(ajv: Ajv): Ajv;
}
let compiler: AjvCompiler | undefined;

/**
 * ajv's compiler, loaded on the first schema compiled here: validating values
 * with the precompiled validators codegen writes needs only ajv's run-time
 * helpers, and loading the compiler was ~15 ms of every check.
 */
function ajvCompiler(): AjvCompiler {
  // ajv-formats and ajv's standalone module are CommonJS with a default export.
  const interop = <T>(module: unknown): T => ((module as { default?: unknown }).default ?? module) as T;
  compiler ??= {
    Ajv: (runtimeRequire("ajv") as { Ajv: typeof Ajv }).Ajv,
    Ajv2019: (runtimeRequire("ajv/dist/2019") as { Ajv2019: typeof Ajv2019 }).Ajv2019,
    Ajv2020: (runtimeRequire("ajv/dist/2020") as { Ajv2020: typeof Ajv2020 }).Ajv2020,
    _: (runtimeRequire("ajv") as { _: typeof CodeTag })._,
    standaloneCode: interop(runtimeRequire("ajv/dist/standalone")),
    addFormats: interop(runtimeRequire("ajv-formats")),
  };
  return compiler;
}

function newAjv(draft: SchemaDraft, standalone: boolean): Ajv {
  const { Ajv, Ajv2019, Ajv2020, _, addFormats } = ajvCompiler();
  // strict off: chart schemas use unknown keywords and formats; allowUnionTypes for `type: [x, "null"]`.
  // Not verbose: the allowed keys for "did you mean" are read from the schema at the error's
  // schemaPath, which keeps precompiled code free of a second copy of the schema per error.
  // optimize: ajv's code optimiser is most of the compile time of a 100-KB schema (4x), for no
  // measurable gain validating one values file; precompiled code is optimised once, at codegen.
  const options = {
    strict: false,
    allowUnionTypes: true,
    allErrors: true,
    validateSchema: false,
    // Standalone code refers to a format through this expression, resolved by the caller's `require`.
    code: standalone ? { optimize: true, source: true, formats: _`require("ajv-formats/dist/formats").fullFormats` } : { optimize: false },
  };
  const ajv = draft === "2020-12" ? new Ajv2020(options) : draft === "2019-09" ? new Ajv2019(options) : new Ajv(options);
  addFormats(ajv);
  return ajv;
}

const instances = new Map<SchemaDraft, Ajv>();

function ajvFor(draft: SchemaDraft): Ajv {
  let ajv = instances.get(draft);
  if (!ajv) {
    ajv = newAjv(draft, false);
    instances.set(draft, ajv);
  }
  return ajv;
}

const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles (once per schema object) the override variant of a values schema, or loads its precompiled validator. */
export function compileOverrideValidator(schema: ValuesSchema): ValidateFunction {
  const create = precompiled(schema);
  const key = create ?? schema.schema;
  let validate = compiled.get(key);
  if (!validate) {
    try {
      validate = create ? create(runtimeRequire) : ajvFor(schema.draft).compile(overrideOf(schema.schema));
    } catch (error) {
      throw new HomelabError(
        ErrorCode.SchemaInvalid,
        `values schema of chart ${schema.chart.name}@${schema.chart.version} cannot be ${create ? "loaded" : "compiled"}: ${(error as Error).message}`,
        {
          position: { file: `${schema.chart.name}/values.schema.json` },
          ...(create ? { hint: "regenerate the component's generated/ folder (its codegen target)" } : {}),
          cause: error,
        },
      );
    }
    compiled.set(key, validate);
  }
  return validate;
}

function precompiled(schema: ValuesSchema): CreateValidator | undefined {
  try {
    return schema.createValidator;
  } catch (error) {
    // The getter requires the generated module: a missing or broken file is the generated folder's fault.
    throw new HomelabError(
      ErrorCode.SchemaInvalid,
      `the precompiled values validator of chart ${schema.chart.name}@${schema.chart.version} cannot be loaded: ${(error as Error).message}`,
      { hint: "regenerate the component's generated/ folder (its codegen target)", cause: error },
    );
  }
}

/**
 * The source of a CommonJS module exporting `createValidator` ({@link CreateValidator}):
 * ajv's standalone code of the override schema, compiled with the options run-time
 * compilation uses, so both report the same issues. `header` opens the file (the
 * generated-file banner).
 */
export function standaloneValidatorModule(schema: ValuesSchema, header: string): string {
  const ajv = newAjv(schema.draft, true);
  let code: string;
  try {
    code = ajvCompiler().standaloneCode(ajv, ajv.compile(overrideOf(schema.schema)));
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
  return `${header}"use strict";
/** \`require\` is the caller's (@homelab/values): it resolves ajv's run-time helpers, so this file imports nothing itself. */
exports.createValidator = function createValidator(require) {
const module = { exports: {} };
${code}
return module.exports;
};
`;
}

const overrides = new WeakMap<object, Record<string, unknown>>();

/** The override schema of a schema object, computed once. */
function overrideOf(schema: Record<string, unknown>): Record<string, unknown> {
  let override = overrides.get(schema);
  if (!override) {
    override = toOverrideSchema(schema);
    overrides.set(schema, override);
  }
  return override;
}

/**
 * Validates Helm override values (deep-partial; null deletes a default).
 * Compiled validators are cached per schema object.
 */
export function validateValues(schema: ValuesSchema, values: unknown): ValuesIssue[] {
  const validate = compileOverrideValidator(schema);
  const data = pruneNulls(values ?? {});
  const nullKeys = unknownNullKeys(schema.schema, values);
  const disabled = disabledSubchartKeys(schema, values);
  if (validate(data)) return [...nullKeys, ...disabled];
  return [...toIssues(validate.errors ?? [], data, () => overrideOf(schema.schema)), ...nullKeys, ...disabled];
}

/** The unknown subcharts ({@link ValuesSchema.unknownSubcharts}) these override values leave enabled. */
export function enabledUnknownSubcharts(schema: ValuesSchema, values: unknown): UnknownSubchart[] {
  return (schema.unknownSubcharts ?? []).filter((sub) => subchartEnabled(sub, values, schema.defaults ?? {}));
}

/** Helm's reading of a dependency condition over the merged values: the first path holding a boolean decides, else enabled. */
function subchartEnabled(sub: UnknownSubchart, values: unknown, defaults: unknown): boolean {
  for (const condition of sub.conditions) {
    const given = valueAt(values, condition);
    // null deletes the default: the path then holds nothing and the next condition is asked.
    if (given === null) continue;
    const value = given === undefined ? valueAt(defaults, condition) : given;
    if (typeof value === "boolean") return value;
  }
  return true;
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) {
    if (!isRecord(node) || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

/**
 * Keys with no effect because the subchart they are for is disabled (its own keys are not
 * known here, so only what its defaults document is taken as meant), and `global` keys no known
 * chart reads while every unknown subchart is disabled.
 */
function disabledSubchartKeys(schema: ValuesSchema, values: unknown): ValuesIssue[] {
  const subs = schema.unknownSubcharts ?? [];
  if (subs.length === 0 || !isRecord(values)) return [];
  const defaults = schema.defaults ?? {};
  const off = subs.filter((sub) => !subchartEnabled(sub, values, defaults));
  const out: ValuesIssue[] = [];
  const report = (path: string[], allowed: string[], why: string) => {
    const key = path[path.length - 1]!;
    const suggestion = suggestKey(key, allowed);
    out.push({
      path,
      message: `unknown key "${key}"${suggestion ? `; did you mean "${suggestion}"?` : ""} (no effect: ${why})`,
      keyword: "additionalProperties",
      ...(suggestion ? { suggestion } : {}),
    });
  };
  const why = (list: readonly UnknownSubchart[]) =>
    list.map((sub) => `subchart ${sub.chart} is disabled${sub.conditions[0] ? ` by ${sub.conditions.map((c) => c.join(".")).join(", ")}` : ""}`).join("; ");
  // Under a disabled subchart: what its defaults do not document; an empty map there is free-form.
  const walk = (value: Record<string, unknown>, def: Record<string, unknown>, path: string[], reason: string) => {
    for (const [key, child] of Object.entries(value)) {
      if (child === null) continue;
      if (!(key in def)) report([...path, key], Object.keys(def), reason);
      else if (isRecord(child) && isRecord(def[key]) && Object.keys(def[key]).length > 0) walk(child, def[key], [...path, key], reason);
    }
  };
  for (const sub of off) {
    const value = valueAt(values, sub.path);
    const def = valueAt(defaults, sub.path);
    if (isRecord(value) && isRecord(def)) walk(value, def, [...sub.path], why([sub]));
  }
  if (off.length === subs.length && isRecord(values.global)) {
    const globalSchema = isRecord(schema.schema.properties) ? (schema.schema.properties as Record<string, unknown>).global : undefined;
    const known = new Set([
      ...(isRecord(globalSchema) && isRecord(globalSchema.properties) ? Object.keys(globalSchema.properties) : []),
      ...(isRecord(defaults.global) ? Object.keys(defaults.global) : []),
    ]);
    for (const [key, child] of Object.entries(values.global)) {
      if (child !== null && !known.has(key)) report(["global", key], [...known], `no chart here reads it while ${why(off)}`);
    }
  }
  return out;
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

function toIssues(errors: readonly ErrorObject[], data: unknown, override: () => Record<string, unknown>): ValuesIssue[] {
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
    const issue = toIssue(error, data, override, merged.get(error));
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

function toIssue(error: ErrorObject, data: unknown, override: () => Record<string, unknown>, mergedMessage?: string): ValuesIssue {
  const path = typedPath(pointerToPath(error.instancePath), data);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === "additionalProperties" || error.keyword === "unevaluatedProperties") {
    const key = String(params.additionalProperty ?? params.unevaluatedProperty);
    // The object schema the keyword sits in: its schemaPath less the keyword itself.
    const parent = schemaAt(override(), error.schemaPath.split("/").slice(0, -1));
    const allowed = parent && isRecord(parent.properties) ? Object.keys(parent.properties) : [];
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

/** The subschema at an ajv schemaPath (`#/properties/a~1b/additionalProperties`, URI- and pointer-escaped). */
function schemaAt(root: Record<string, unknown>, pointer: readonly string[]): Record<string, unknown> | undefined {
  if (pointer[0] !== "#") return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(1)) {
    const segment = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) node = node[Number(segment)];
    else if (isRecord(node)) node = node[segment];
    else return undefined;
  }
  return isRecord(node) ? node : undefined;
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
