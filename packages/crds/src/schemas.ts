import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { crdCatalog, type CrdCatalogEntry } from "../generated/catalog.js";

/** Absolute path of the strict CRD JSON schemas, CRDs-catalog layout: `<group>/<kind lowercase>_<version>.json`. */
export const crdSchemaDir: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../generated/schemas");

/** kubeconform `-schema-location` template that finds the files in crdSchemaDir. */
export const crdSchemaLocation: string = `${crdSchemaDir}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`;

/** The catalog entry of a served CRD version, or undefined when we have no schema for it. */
export function crdEntryFor(apiVersion: string, kind: string): CrdCatalogEntry | undefined {
  return crdCatalog.find((entry) => entry.apiVersion === apiVersion && entry.kind === kind);
}

const parsed = new Map<string, Record<string, unknown>>();

/**
 * The strict JSON schema (draft-07 compatible; local `$ref`s into
 * `definitions`) of a custom resource kind, or undefined for a kind or
 * version we have no CRD for. Parsed once and cached: do not mutate it.
 */
export function crdSchemaFor(apiVersion: string, kind: string): Record<string, unknown> | undefined {
  const entry = crdEntryFor(apiVersion, kind);
  if (!entry) return undefined;
  let schema = parsed.get(entry.schemaFile);
  if (!schema) {
    schema = JSON.parse(readFileSync(path.join(crdSchemaDir, entry.schemaFile), "utf8")) as Record<string, unknown>;
    parsed.set(entry.schemaFile, schema);
  }
  return schema;
}
