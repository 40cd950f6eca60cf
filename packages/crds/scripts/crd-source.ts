import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { YamlSource, type JsonPath } from "@homelab/yaml";

export type JsonObject = { [key: string]: unknown };

/** One served version of one CustomResourceDefinition: the unit everything is generated per. */
export interface CrdVersion {
  group: string;
  kind: string;
  version: string;
  apiVersion: string;
  scope: "Namespaced" | "Cluster";
  /** Whether this version is the storage version (the one to write). */
  storage: boolean;
  /** `spec.versions[].schema.openAPIV3Schema`, untouched. */
  schema: JsonObject;
  /** Where it came from, stable across machines (printed in banners). */
  source: string;
  /** CRD annotations, e.g. `operator.prometheus.io/version`. */
  annotations: Record<string, string>;
}

/** Every `*.yaml`/`*.yml` file under `dir`, recursively, in a stable order. */
export function listYamlFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (error) {
    throw new HomelabError(ErrorCode.Io, `cannot read CRD directory ${dir}`, { position: { file: dir }, cause: error });
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) files.push(...listYamlFiles(full));
    else if (/\.ya?ml$/.test(entry)) files.push(full);
  }
  return files;
}

/**
 * Reads the served versions of every CRD in a YAML file. Documents that are
 * not CustomResourceDefinitions are skipped (a rendered chart mixes kinds);
 * a CRD missing what generation needs is an error at its line.
 */
export function readCrdFile(file: string, label: string): CrdVersion[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new HomelabError(ErrorCode.Io, `cannot read ${file}`, { position: { file }, cause: error });
  }
  const source = YamlSource.parse(text, file);
  const result: CrdVersion[] = [];
  for (const doc of source.nonEmpty()) {
    const value = doc.value as JsonObject;
    if (!isObject(value) || value["kind"] !== "CustomResourceDefinition") continue;
    const fail = (at: JsonPath, message: string): never => {
      const { line, column } = source.locate(doc.index, at);
      throw new HomelabError(ErrorCode.SchemaInvalid, message, { position: { file, line, column } });
    };
    if (value["apiVersion"] !== "apiextensions.k8s.io/v1") {
      fail(["apiVersion"], `CustomResourceDefinition must be apiextensions.k8s.io/v1, got ${String(value["apiVersion"])}`);
    }
    const spec = value["spec"];
    if (!isObject(spec)) return fail(["spec"], "CustomResourceDefinition has no spec");
    const group = spec["group"];
    const names = spec["names"];
    const kind = isObject(names) ? names["kind"] : undefined;
    const scope = spec["scope"];
    if (typeof group !== "string" || !group) fail(["spec", "group"], "CRD spec.group must be a non-empty string");
    if (typeof kind !== "string" || !/^[A-Z][A-Za-z0-9]*$/.test(kind)) fail(["spec", "names", "kind"], "CRD spec.names.kind must be a PascalCase kind");
    if (scope !== "Namespaced" && scope !== "Cluster") fail(["spec", "scope"], "CRD spec.scope must be Namespaced or Cluster");
    const versions = spec["versions"];
    if (!Array.isArray(versions) || versions.length === 0) return fail(["spec", "versions"], "CRD spec.versions must be a non-empty list");
    const metadata = isObject(value["metadata"]) ? value["metadata"] : {};
    const annotations = isObject(metadata["annotations"]) ? (metadata["annotations"] as Record<string, string>) : {};
    versions.forEach((entry: unknown, i) => {
      if (!isObject(entry) || typeof entry["name"] !== "string") return fail(["spec", "versions", i], "CRD version needs a name");
      if (entry["served"] !== true) return;
      const schema = isObject(entry["schema"]) ? entry["schema"]["openAPIV3Schema"] : undefined;
      if (!isObject(schema)) return fail(["spec", "versions", i, "schema"], `served version ${entry["name"]} has no schema.openAPIV3Schema`);
      result.push({
        group: group as string,
        kind: kind as string,
        version: entry["name"],
        apiVersion: `${group as string}/${entry["name"]}`,
        scope: scope as "Namespaced" | "Cluster",
        storage: entry["storage"] === true,
        schema,
        source: label,
        annotations,
      });
    });
  }
  return result;
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
