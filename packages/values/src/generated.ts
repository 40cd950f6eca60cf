import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { ErrorCode, HomelabError } from "@homelab/errors";
import type { CreateValidator, UnknownSubchart, ValuesSchema } from "./validate.js";

/** generated/meta.json: what the schema beside it is of. */
export interface GeneratedSchemaMeta {
  chart: ValuesSchema["chart"];
  draft: ValuesSchema["draft"];
  source: ValuesSchema["source"];
  unknownSubcharts?: readonly UnknownSubchart[];
}

const loaded = new Map<string, ValuesSchema>();

/**
 * The values schema of a generated folder (codegen's meta.json, schema.json,
 * defaults.json and validate.cjs), for the component's generated index.ts and
 * the chart registry alike: plain JSON and CommonJS, so a caller needs no
 * TypeScript loader. meta.json is read now; the schema, the defaults and the
 * precompiled validator on first use. One object per folder, so every caller
 * shares what was read and compiled.
 */
export function generatedValuesSchema(folder: URL): ValuesSchema {
  const base = folder.href.endsWith("/") ? folder : new URL(`${folder.href}/`);
  let schema = loaded.get(base.href);
  if (!schema) {
    schema = readGenerated(base);
    loaded.set(base.href, schema);
  }
  return schema;
}

function readGenerated(base: URL): ValuesSchema {
  const meta = readJson<GeneratedSchemaMeta>(base, "meta.json");
  let schema: Record<string, unknown> | undefined;
  let defaults: Record<string, unknown> | undefined;
  let createValidator: CreateValidator | undefined;
  return {
    chart: meta.chart,
    draft: meta.draft,
    source: meta.source,
    get schema() {
      return (schema ??= readJson<Record<string, unknown>>(base, "schema.json"));
    },
    get defaults() {
      return (defaults ??= readJson<{ values: Record<string, unknown> }>(base, "defaults.json").values);
    },
    // A missing or broken file throws here, which compileOverrideValidator reports as the generated folder's fault.
    get createValidator() {
      const file = new URL("validate.cjs", base);
      return (createValidator ??= (createRequire(file)(fileURLToPath(file)) as { createValidator: CreateValidator }).createValidator);
    },
    ...(meta.unknownSubcharts ? { unknownSubcharts: meta.unknownSubcharts } : {}),
  };
}

function readJson<T>(base: URL, name: string): T {
  const file = new URL(name, base);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch (error) {
    throw new HomelabError(ErrorCode.SchemaInvalid, `generated values schema file ${name} cannot be read: ${(error as Error).message}`, {
      position: { file: fileURLToPath(file) },
      hint: "regenerate the component's generated/ folder (its codegen target)",
      cause: error,
    });
  }
}
