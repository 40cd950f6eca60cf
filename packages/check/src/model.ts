/**
 * The model check validates and hands to the policies, built in named stages:
 *
 * 1. render records → components, file owners, waivers, rendered values files (model/records.ts)
 * 2. documents → the files holding Kubernetes objects and the Applications
 *    their ArgoCD documents declare, read by @homelab/sources (model/documents.ts)
 * 3. each Application's sources → charts, values files, inline values,
 *    repository folders (model/sources.ts: resolveSources is pure, loadSources
 *    reads what it names through the tree's contained loader)
 * 4. wrapper charts no Application links (model/sources.ts)
 * 5. facts for the policies: every document with its component, instance and
 *    layer, and what a finding on it reports (model/documents.ts)
 * 6. the repository's waiver file (model/waiver-file.ts)
 */
import { join } from "node:path";
import type { InputChart, InputComponent, PolicyConfig } from "@homelab/policy";
import { relativeTo, type LoadedFile, type Tree } from "./load.js";
import { readRecords } from "./model/records.js";
import { addNonObjectInfos, classifyDocuments, documentFacts } from "./model/documents.js";
import { loadSources, readValuesFile, resolveSources, unlinkedWrapperCharts, type SourceFacts } from "./model/sources.js";
import { readWaiverFile } from "./model/waiver-file.js";
import { DEFAULT_LAYERS, ValuesSources, placeOf, type FileOwner, type FolderOwner, type LayerFolder, type Model, type WaiverDecl } from "./model/types.js";

export {
  DEFAULT_LAYERS,
  docKey,
  isKubernetesObject,
  type DocInfo,
  type LayerFolder,
  type Model,
  type RenderRecordFile,
  type WaiverDecl,
} from "./model/types.js";
export { WAIVERS_FILE } from "./model/waiver-file.js";

export function buildModel(tree: Tree, config: PolicyConfig, layers: readonly LayerFolder[] = DEFAULT_LAYERS): Model {
  const place = placeOf(tree, layers);
  const values = new ValuesSources();

  // 1. Render records, and the values files they name (render validated those against the same schema).
  const components: InputComponent[] = [];
  const waivers: WaiverDecl[] = [];
  const fileOwners = new Map<string, FileOwner>();
  const recordLayers = new Map<string, number>();
  const renderedValues = new Set<string>();
  for (const { record, facts } of readRecords(tree)) {
    components.push(facts.component);
    recordLayers.set(record.component, record.layerOrder);
    for (const [path, owner] of facts.fileOwners) fileOwners.set(path, owner);
    waivers.push(...facts.waivers);
    for (const { path, read } of facts.values) {
      const abs = join(tree.root, path);
      for (const v of readValuesFile(tree, { ...read, abs })) values.add(v);
      renderedValues.add(relativeTo(tree, abs));
    }
  }

  // 2. Documents and the Applications they declare (the loader may add files to the tree from here on: not walked).
  const files: LoadedFile[] = [...tree.files.values()];
  const { kubernetesFiles, applications } = classifyDocuments(files);

  // 3, 4. Charts, values and synced folders of every Application, then the wrapper charts none links.
  const charts: InputChart[] = [];
  const owners: FolderOwner[] = [];
  const linked = new Set<string>();
  const take = (facts: SourceFacts): void => {
    charts.push(...facts.charts);
    for (const v of facts.values) values.add(v);
    owners.push(...facts.owners);
    for (const f of facts.linked) linked.add(f);
  };
  for (const placed of applications) take(loadSources(tree, place, resolveSources(placed, recordLayers.get(placed.component) ?? null, place)));
  take(unlinkedWrapperCharts(tree, place, files, { linked, valueFiles: new Set(values.list().map((v) => v.file)) }));

  // 5. Facts for the policies.
  const { documents, docs } = documentFacts(kubernetesFiles, { fileOwners, owners, recordLayers }, place);
  const valueSources = values.list();
  addNonObjectInfos(docs, valueSources, components, charts);

  // 6. Repository-wide waivers.
  waivers.push(...readWaiverFile(tree));
  return { input: { config, documents, values: valueSources, charts, components }, docs, waivers, kubernetesFiles, renderedValues };
}
