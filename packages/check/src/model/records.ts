import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { InputComponent } from "@homelab/policy";
import { RECORDS_FOLDER, parseRenderRecord, type RenderRecord } from "@homelab/layout";
import { loadExtra, relativeTo, type Tree } from "../load.js";
import type { FileOwner, ValuesFileRead, WaiverDecl } from "./types.js";

/** What one render record says: its component, who owns each file it wrote, its waivers and the values files it rendered. */
export interface RecordFacts {
  component: InputComponent;
  /** Repository-relative path → owner. */
  fileOwners: [string, FileOwner][];
  waivers: WaiverDecl[];
  /** Values files render wrote, to read against the record's chart (repository-relative paths). */
  values: { path: string; read: Omit<ValuesFileRead, "abs"> }[];
}

/** The facts of one parsed record, declared in `file` (checked-directory-relative). Pure. */
export function recordFacts(rec: RenderRecord, file: string): RecordFacts {
  const fileOwners: [string, FileOwner][] = Object.keys(rec.files ?? {}).map((path) => {
    // A part synced with a later layer (its CRDs come from there) belongs to that layer.
    const part = rec.deferred?.find((d) => path.startsWith(`${d.manifestsDir}/`));
    const instance =
      part?.instance ?? rec.instances?.find((i) => (i.manifestsDir && path.startsWith(`${i.manifestsDir}/`)) || i.valuesFile === path)?.name ?? null;
    return [path, { component: rec.component, layerOrder: part?.layerOrder ?? rec.layerOrder, instance }];
  });
  const waivers = (rec.waivers ?? []).map((w, i): WaiverDecl => ({
    rule: w.rule,
    component: rec.component,
    match: w.match ?? {},
    reason: w.reason,
    expires: w.expires,
    declaredIn: { file, index: 0, path: ["waivers", i] },
  }));
  const chart = rec.chart ? { name: rec.chart.chart, version: rec.chart.version, repoURL: rec.chart.repoURL } : null;
  const values = chart
    ? (rec.instances ?? []).flatMap((instance) =>
        instance.valuesFile ? [{ path: instance.valuesFile, read: { chart, component: rec.component, instance: instance.name, nested: [] } }] : [],
      )
    : [];
  return {
    component: {
      file,
      index: 0,
      component: rec.component,
      layer: rec.layer,
      layerOrder: rec.layerOrder,
      dependsOn: rec.dependsOn ?? [],
      allowLaterLayerDependencies: rec.allowLaterLayerDependencies ?? {},
    },
    fileOwners,
    waivers,
    values,
  };
}

/** Every render record of the repository, in file-name order, parsed by the one record parser. */
export function readRecords(tree: Tree): { record: RenderRecord; facts: RecordFacts }[] {
  const recordsDir = join(tree.root, ...RECORDS_FOLDER.split("/"));
  if (!existsSync(recordsDir)) return [];
  const out: { record: RenderRecord; facts: RecordFacts }[] = [];
  for (const name of readdirSync(recordsDir)
    .filter((n) => n.endsWith(".json"))
    .sort()) {
    const abs = join(recordsDir, name);
    const loaded = loadExtra(tree, abs);
    // Skipped by the loader (not a regular file): listed there, like any other input.
    if (!loaded) continue;
    // One parser validates records for every reader (shape, version, paths inside the component's folders).
    const record = parseRenderRecord(loaded.source.text, relativeTo(tree, abs));
    out.push({ record, facts: recordFacts(record, loaded.file) });
  }
  return out;
}
