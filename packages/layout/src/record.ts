import { createHash } from "node:crypto";
import path from "node:path";
import { createRequire } from "node:module";
import type { ErrorObject, ValidateFunction } from "ajv";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { relativePathProblem } from "./contain.js";
import { applicationSetPath, componentFolder, layer, LAYERS, type LayerName } from "./layers.js";
import { hostnameProblem } from "./names.js";

/**
 * The render record (`.homelab/rendered/<component>.json`): what render wrote
 * for a component and the digest of every file. Render deletes and overwrites
 * on its word, so every reader parses it here, through one schema and one set
 * of checks, and a tampered record cannot point render outside the component's
 * own folders.
 */

/** Bumped when the record's shape changes; readers refuse newer versions instead of guessing. */
export const RENDER_RECORD_SCHEMA_VERSION = 1;

export interface RenderRecordInstance {
  name: string;
  releaseName: string;
  namespace: string;
  valuesFile: string | null;
  manifestsDir: string | null;
}

export interface RenderRecord {
  schemaVersion: typeof RENDER_RECORD_SCHEMA_VERSION;
  generator: "@homelab/core";
  component: string;
  package: string;
  version: string;
  layer: LayerName;
  layerOrder: number;
  namespace: string;
  chart: { repoURL: string; chart: string; version: string } | null;
  instances: RenderRecordInstance[];
  /** Manifests synced with a later layer (their CRDs come from it), per instance. */
  deferred: { layer: LayerName; layerOrder: number; instance: string; manifestsDir: string }[];
  dependsOn: string[];
  /** Later-layer dependencies resolved on purpose, with the reason. */
  allowLaterLayerDependencies: Record<string, string>;
  routes: { name: string; exposure: string; host: string; auth: string; admin: boolean; instance: string }[];
  waivers: { rule: string; match: Record<string, string>; reason: string; expires: string }[];
  /** Repository-relative path → `sha256:<hex>` of the bytes written. */
  files: Record<string, string>;
}

/** `sha256:<64 lowercase hex>`: the digest format of record entries. */
export const DIGEST_PATTERN = /^sha256:[0-9a-f]{64}$/;

/** The digest of a file's content as records hold it. */
export function contentDigest(content: string | Uint8Array): string {
  return `sha256:${createHash("sha256").update(content).digest("hex")}`;
}

const NAME = { type: "string", pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$", maxLength: 63 } as const;
const TEXT = { type: "string" } as const;
const LAYER = { enum: LAYERS.map((l) => l.name) } as const;
const ORDER = { type: "integer", minimum: 0 } as const;
const PATH = { type: "string", minLength: 1 } as const;
const STRING_MAP = { type: "object", additionalProperties: { type: "string" } } as const;

/** JSON schema (draft-07) of a version-1 record; checks ajv cannot express (paths, layer orders) follow it in code. */
export const renderRecordSchema = {
  $id: "https://homelab.dev/schemas/render-record-v1.json",
  type: "object",
  additionalProperties: false,
  required: [
    "schemaVersion",
    "generator",
    "component",
    "package",
    "version",
    "layer",
    "layerOrder",
    "namespace",
    "chart",
    "instances",
    "deferred",
    "dependsOn",
    "allowLaterLayerDependencies",
    "routes",
    "waivers",
    "files",
  ],
  properties: {
    schemaVersion: { const: RENDER_RECORD_SCHEMA_VERSION },
    generator: { const: "@homelab/core" },
    component: NAME,
    package: TEXT,
    version: TEXT,
    layer: LAYER,
    layerOrder: ORDER,
    namespace: NAME,
    chart: {
      anyOf: [
        { type: "null" },
        { type: "object", additionalProperties: false, required: ["repoURL", "chart", "version"], properties: { repoURL: TEXT, chart: TEXT, version: TEXT } },
      ],
    },
    instances: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "releaseName", "namespace", "valuesFile", "manifestsDir"],
        properties: { name: NAME, releaseName: TEXT, namespace: NAME, valuesFile: { type: ["string", "null"] }, manifestsDir: { type: ["string", "null"] } },
      },
    },
    deferred: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["layer", "layerOrder", "instance", "manifestsDir"],
        properties: { layer: LAYER, layerOrder: ORDER, instance: NAME, manifestsDir: PATH },
      },
    },
    dependsOn: { type: "array", items: NAME },
    allowLaterLayerDependencies: { type: "object", propertyNames: NAME, additionalProperties: { type: "string" } },
    routes: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "exposure", "host", "auth", "admin", "instance"],
        properties: { name: NAME, exposure: TEXT, host: TEXT, auth: TEXT, admin: { type: "boolean" }, instance: NAME },
      },
    },
    waivers: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["rule", "match", "reason", "expires"],
        properties: { rule: TEXT, match: STRING_MAP, reason: TEXT, expires: TEXT },
      },
    },
    files: { type: "object", additionalProperties: { type: "string", pattern: DIGEST_PATTERN.source } },
  },
} as const;

let validator: ValidateFunction | undefined;
function validate(value: unknown): ErrorObject[] {
  // Precompiled from renderRecordSchema (generated/render-record.validate.cjs, `npm run generate -w @homelab/layout`).
  const require = createRequire(import.meta.url);
  validator ??= (require("../generated/render-record.validate.cjs") as { createValidator(r: NodeJS.Require): ValidateFunction }).createValidator(require);
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

/** 1-based line of the first occurrence of `needle` in `text`, if any: a pointer for the reader. */
function lineOf(text: string, needle: string | undefined): number | undefined {
  if (needle === undefined) return undefined;
  const at = text.indexOf(needle);
  return at < 0 ? undefined : text.slice(0, at).split("\n").length;
}

interface Problem {
  at: string;
  message: string;
  /** Text to locate the problem's line by (a JSON-quoted key or value). */
  needle?: string;
}

function jsonPointerKey(pointer: string): string | undefined {
  const last = pointer.split("/").pop();
  return last === undefined || last === "" ? undefined : last.replaceAll("~1", "/").replaceAll("~0", "~");
}

function schemaProblems(errors: readonly ErrorObject[]): Problem[] {
  return errors.map((e) => {
    const at = e.instancePath || "/";
    let message = e.message ?? "is invalid";
    if (e.keyword === "additionalProperties")
      message = `has unknown property ${JSON.stringify((e.params as { additionalProperty: string }).additionalProperty)}`;
    if (e.keyword === "enum") message = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
    if (e.keyword === "const") message = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    if (e.instancePath.startsWith("/files/")) message = `${message} (a digest is sha256:<64 lowercase hex>)`;
    const key = e.keyword === "additionalProperties" ? (e.params as { additionalProperty: string }).additionalProperty : jsonPointerKey(e.instancePath);
    return { at, message, ...(key !== undefined ? { needle: JSON.stringify(key) } : {}) };
  });
}

/** Paths a record names must be canonical and inside the component's own output folders. */
function pathProblem(record: RenderRecord, p: string, folderOnly: boolean): string | undefined {
  const shape = relativePathProblem(p);
  if (shape) return shape;
  const own = componentFolder(record.layer, record.component);
  if (p.startsWith(`${own}/`)) return undefined;
  if (!folderOnly && p === applicationSetPath(record.component)) return undefined;
  return `is outside the component's folders (${own}/ and ${applicationSetPath(record.component)})`;
}

function semanticProblems(record: RenderRecord, file: string): Problem[] {
  const problems: Problem[] = [];
  const named = path.posix.basename(file.slice(file.lastIndexOf(":") + 1));
  if (named.endsWith(".json") && named !== `${record.component}.json`) {
    problems.push({ at: "/component", message: `is ${JSON.stringify(record.component)}, but the record file is named ${named}`, needle: '"component"' });
  }
  if (layer(record.layer).order !== record.layerOrder) {
    problems.push({
      at: "/layerOrder",
      message: `is ${record.layerOrder}, but layer ${record.layer} has order ${layer(record.layer).order}`,
      needle: '"layerOrder"',
    });
  }
  for (const p of Object.keys(record.files)) {
    const why = pathProblem(record, p, false);
    if (why) problems.push({ at: `/files/${p}`, message: why, needle: JSON.stringify(p) });
  }
  record.instances.forEach((instance, i) => {
    for (const key of ["valuesFile", "manifestsDir"] as const) {
      const p = instance[key];
      const why = p === null ? undefined : pathProblem(record, p, true);
      if (why) problems.push({ at: `/instances/${i}/${key}`, message: why, needle: JSON.stringify(p) });
    }
  });
  record.deferred.forEach((part, i) => {
    if (layer(part.layer).order !== part.layerOrder)
      problems.push({ at: `/deferred/${i}/layerOrder`, message: `is ${part.layerOrder}, but layer ${part.layer} has order ${layer(part.layer).order}` });
    const why = pathProblem(record, part.manifestsDir, true);
    if (why) problems.push({ at: `/deferred/${i}/manifestsDir`, message: why, needle: JSON.stringify(part.manifestsDir) });
  });
  record.routes.forEach((route, i) => {
    const why = hostnameProblem(route.host);
    if (why) problems.push({ at: `/routes/${i}/host`, message: why, needle: JSON.stringify(route.host) });
  });
  return problems;
}

/**
 * Records written before `schemaVersion` existed (version 0) had the same shape
 * without `deferred` and `allowLaterLayerDependencies`; base commits of a pull
 * request may still hold them. Anything else must already be there.
 */
function upgrade(value: Record<string, unknown>): Record<string, unknown> {
  if ("schemaVersion" in value) return value;
  return { schemaVersion: RENDER_RECORD_SCHEMA_VERSION, deferred: [], allowLaterLayerDependencies: {}, ...value };
}

/**
 * Parses and validates a render record; `file` names it in errors (a path, or
 * `<commit>:<path>` for a record read from git). Any problem throws one
 * HomelabError (exit 2) listing every problem with its JSON path.
 */
export function parseRenderRecord(text: string, file: string): RenderRecord {
  const hint = "restore the record from git, or delete it together with the files it lists and render again";
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new HomelabError(ErrorCode.Syntax, `render record is not valid JSON: ${(error as Error).message}`, { position: { file }, hint });
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new HomelabError(
      ErrorCode.Config,
      `render record must be a JSON object, not ${data === null ? "null" : Array.isArray(data) ? "an array" : typeof data}`,
      { position: { file, line: 1 }, hint },
    );
  }
  const version = (data as Record<string, unknown>).schemaVersion;
  if (typeof version === "number" && Number.isInteger(version) && version > RENDER_RECORD_SCHEMA_VERSION) {
    throw new HomelabError(ErrorCode.Config, `render record has schema version ${version}; this homelab reads version ${RENDER_RECORD_SCHEMA_VERSION}`, {
      position: { file, line: lineOf(text, '"schemaVersion"') ?? 1 },
      hint: "it was written by a newer homelab: update @homelab packages (npm ci) before rendering",
    });
  }
  const candidate = upgrade(data as Record<string, unknown>);
  const errors = validate(candidate);
  const problems = errors.length > 0 ? schemaProblems(errors) : semanticProblems(candidate as unknown as RenderRecord, file);
  if (problems.length > 0) {
    const line = lineOf(text, problems[0]!.needle);
    throw new HomelabError(
      ErrorCode.Config,
      `render record is invalid: ${problems[0]!.at} ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}`,
      {
        position: line === undefined ? { file } : { file, line },
        details: problems.map((p) => {
          const at = lineOf(text, p.needle);
          return `${at === undefined ? "" : `line ${at}: `}${p.at} ${p.message}`;
        }),
        hint,
      },
    );
  }
  return candidate as unknown as RenderRecord;
}

/** The record file's bytes: stable key order, files sorted, two-space JSON and a newline. */
export function renderRecordText(record: RenderRecord): string {
  const files = Object.fromEntries(Object.entries(record.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return `${JSON.stringify({ ...record, files }, null, 2)}\n`;
}
