import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { keepNewest, workspaceCacheDir } from "@homelab/workspace";
import { validationSchema, type CrdVersion } from "@homelab/crds";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** The served versions of a CustomResourceDefinition object, as the schema generator reads them. */
export function crdVersions(crd: Obj, source: string): CrdVersion[] {
  const spec = isObj(crd.spec) ? crd.spec : {};
  const kind = isObj(spec.names) ? spec.names.kind : undefined;
  if (typeof spec.group !== "string" || typeof kind !== "string" || !Array.isArray(spec.versions)) return [];
  const annotations = isObj(crd.metadata) && isObj((crd.metadata as Obj).annotations) ? ((crd.metadata as Obj).annotations as Record<string, string>) : {};
  return spec.versions.flatMap((v): CrdVersion[] => {
    if (!isObj(v) || typeof v.name !== "string" || v.served === false) return [];
    const schema =
      isObj(v.schema) && isObj(v.schema.openAPIV3Schema) ? v.schema.openAPIV3Schema : { type: "object", "x-kubernetes-preserve-unknown-fields": true };
    return [
      {
        group: spec.group as string,
        kind,
        version: v.name,
        apiVersion: `${spec.group as string}/${v.name}`,
        scope: spec.scope === "Cluster" ? "Cluster" : "Namespaced",
        storage: v.storage === true,
        schema,
        source,
        annotations,
      },
    ];
  });
}

/**
 * What the folder's name is derived from besides the CRDs: bump it when
 * validationSchema's output changes, so no run reuses a folder of the old form.
 */
const SCHEMA_DERIVATION = 2;

/**
 * Strict schemas (CRDs-catalog layout, `<group>/<kind>_<version>.json`) for
 * the CRDs the cluster's charts install, at the versions they install, in a
 * content-addressed folder of the workspace cache: the same charts give the
 * same folder, converted and written once (through a temporary sibling and a
 * rename, so a folder that exists is whole). The name is a digest of the
 * served versions as read from the CRDs, so a run whose folder exists pays a
 * hash, not the conversion. Validation tries it before @homelab/crds, so a
 * chart's own CRD wins over our generated copy.
 */
export function writeCrdSchemas(
  crds: readonly { object: Obj; source: string }[],
  cacheDir = workspaceCacheDir("crd-schemas"),
): { dir: string; location: string; count: number } | undefined {
  const byFile = new Map<string, CrdVersion>();
  // The last CRD to name a kind and version wins, as it would in the folder.
  for (const v of crds.flatMap((c) => crdVersions(c.object, c.source))) byFile.set(`${v.group}/${v.kind.toLowerCase()}_${v.version}.json`, v);
  if (byFile.size === 0) return undefined;
  const names = [...byFile.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const digest = createHash("sha256").update(`${SCHEMA_DERIVATION}\0`);
  for (const name of names) digest.update(`${name}\0${JSON.stringify(byFile.get(name))}\0`);
  const dir = join(cacheDir, digest.digest("hex").slice(0, 32));
  if (!existsSync(dir)) {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = mkdtempSync(join(cacheDir, ".writing-"));
    try {
      for (const name of names) {
        const v = byFile.get(name)!;
        mkdirSync(dirname(join(tmp, name)), { recursive: true });
        writeFileSync(join(tmp, name), JSON.stringify(validationSchema(v, `from ${v.source}`)));
      }
      renameSync(tmp, dir);
    } catch (error) {
      rmSync(tmp, { recursive: true, force: true });
      // Another process wrote the same folder first: it holds the same files.
      if (!existsSync(dir)) throw error;
    }
  }
  keepNewest(cacheDir, dir);
  return { dir, location: `${dir}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`, count: byFile.size };
}
