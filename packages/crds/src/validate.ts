import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { crdEntryFor, crdSchemaFor } from "./schemas.js";

/** One way a custom resource does not match its CRD schema. */
export interface CrdSchemaProblem {
  /** Path of the offending value; for an unknown field, the field itself. */
  path: (string | number)[];
  message: string;
}

/**
 * CRD patterns are Go RE2: translate the one RE2-only construct they use,
 * inline flag groups like `^(?i)...` (AlertmanagerConfig has them mid-pattern
 * too), into JavaScript flags for the whole pattern. Applying a flag to the
 * part before its group only accepts more, never rejects a valid value.
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string) => {
    const inline = [...pattern.matchAll(/\(\?([imsU]+)\)/g)];
    if (inline.length === 0) return new RegExp(pattern, flags);
    const extra = [...new Set(inline.flatMap((m) => [...m[1]!]))].filter((flag) => "ims".includes(flag) && !flags.includes(flag)).join("");
    return new RegExp(pattern.replace(/\(\?[imsU]+\)/g, ""), flags + extra);
  },
  { code: "new RegExp" },
);

let ajv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function validatorFor(apiVersion: string, kind: string): ValidateFunction | undefined {
  const entry = crdEntryFor(apiVersion, kind);
  if (!entry) return undefined;
  let validate = compiled.get(entry.schemaFile);
  if (!validate) {
    // Draft-07 semantics as kubeconform applies them; formats are not asserted (kubeconform does not either).
    ajv ??= new Ajv({ strict: false, allErrors: true, validateFormats: false, logger: false, code: { regExp: goRegExp } });
    validate = ajv.compile(crdSchemaFor(apiVersion, kind)!);
    compiled.set(entry.schemaFile, validate);
  }
  return validate;
}

/**
 * Validates a custom resource against the strict schema of its CRD.
 * Returns undefined when its apiVersion/kind is not a CRD we have a schema
 * for (core kinds included), else the problems (empty when valid).
 */
export function validateCustomResource(resource: unknown): CrdSchemaProblem[] | undefined {
  if (typeof resource !== "object" || resource === null) return undefined;
  const { apiVersion, kind } = resource as { apiVersion?: unknown; kind?: unknown };
  if (typeof apiVersion !== "string" || typeof kind !== "string") return undefined;
  const validate = validatorFor(apiVersion, kind);
  if (!validate) return undefined;
  if (validate(resource)) return [];
  return dedupe((validate.errors ?? []).map(toProblem));
}

function toProblem(error: ErrorObject): CrdSchemaProblem {
  const path: (string | number)[] = error.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  if (error.keyword === "additionalProperties") {
    const field = String((error.params as { additionalProperty: string }).additionalProperty);
    return { path: [...path, field], message: `unknown field "${field}"` };
  }
  if (error.keyword === "enum") {
    const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ");
    return { path, message: `must be one of ${allowed}` };
  }
  return { path, message: error.message ?? error.keyword };
}

function dedupe(problems: CrdSchemaProblem[]): CrdSchemaProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${JSON.stringify(p.path)} ${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
