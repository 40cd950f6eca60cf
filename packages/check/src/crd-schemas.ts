import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { strictJsonSchema, type CrdVersion } from "@homelab/crds";

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
 * Strict schemas (CRDs-catalog layout, `<group>/<kind>_<version>.json`) for
 * the CRDs the cluster's charts install, at the versions they install, in a
 * temporary folder the caller removes with `dispose`. Validation tries it
 * before @homelab/crds, so a chart's own CRD wins over our generated copy.
 */
export function writeCrdSchemas(
  crds: readonly { object: Obj; source: string }[],
): { dir: string; location: string; count: number; dispose(): void } | undefined {
  const versions = crds.flatMap((c) => crdVersions(c.object, c.source));
  if (versions.length === 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "homelab-crd-schemas-"));
  for (const v of versions) {
    const folder = join(dir, v.group);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `${v.kind.toLowerCase()}_${v.version}.json`), JSON.stringify(strictJsonSchema(v, `from ${v.source}`)));
  }
  return {
    dir,
    location: `${dir}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
    count: versions.length,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}
