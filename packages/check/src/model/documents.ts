import { objectIndex, type InputChart, type InputComponent, type InputDocument, type InputValues } from "@homelab/policy";
import { LABELS } from "@homelab/layout";
import { declaredApplications } from "@homelab/sources";
import { deepestFolder } from "../folders.js";
import type { LoadedFile } from "../load.js";
import type { PlacedApplication } from "./sources.js";
import { applicationComponent } from "./sources.js";
import {
  docKey,
  folderComponent,
  group,
  isKubernetesObject,
  isObj,
  layerOfPath,
  str,
  type DocInfo,
  type FileOwner,
  type FolderOwner,
  type Place,
} from "./types.js";

/** The files that hold Kubernetes objects, and the Applications their ArgoCD documents declare (pure). */
export function classifyDocuments(files: readonly LoadedFile[]): { kubernetesFiles: LoadedFile[]; applications: PlacedApplication[] } {
  const kubernetesFiles: LoadedFile[] = [];
  const applications: PlacedApplication[] = [];
  for (const loaded of files) {
    let hasObjects = false;
    for (const doc of loaded.source.documents) {
      const obj = doc.value;
      if (!isKubernetesObject(obj)) continue;
      hasObjects = true;
      // A template that does not render is an error at its line (as in hydrate), never a guess at what it gives.
      for (const declared of declaredApplications(obj, { source: loaded.source, index: doc.index })) {
        applications.push({ declared, file: loaded.file, index: doc.index, component: applicationComponent(declared, loaded.file) });
      }
    }
    if (hasObjects) kubernetesFiles.push(loaded);
  }
  return { kubernetesFiles, applications };
}

/** Who owns what, by the precedence documentFacts applies: labels, render records, Application folders, folder names. */
export interface Ownership {
  fileOwners: ReadonlyMap<string, FileOwner>;
  owners: readonly FolderOwner[];
  /** Layer of each component with a render record. */
  recordLayers: ReadonlyMap<string, number>;
}

/** Every Kubernetes document with the component, instance and layer it belongs to, and what a finding on it reports (pure). */
export function documentFacts(
  kubernetesFiles: readonly LoadedFile[],
  ownership: Ownership,
  place: Place,
): { documents: InputDocument[]; docs: Map<string, DocInfo> } {
  const docs = new Map<string, DocInfo>();
  const documents: InputDocument[] = [];
  const ownerOf = deepestFolder(ownership.owners.map((o) => [o.prefix, o] as const));
  for (const loaded of kubernetesFiles) {
    const path = place.repoRel(loaded.file);
    const fileOwner = ownership.fileOwners.get(path);
    const dirOwner = ownerOf(path);
    for (const doc of loaded.source.documents) {
      const obj = doc.value;
      if (!isKubernetesObject(obj)) continue;
      const metadata = isObj(obj.metadata) ? obj.metadata : {};
      const labels = isObj(metadata.labels) ? metadata.labels : {};
      const isArgo = group(obj.apiVersion as string) === "argoproj.io" && (obj.kind === "Application" || obj.kind === "ApplicationSet");
      const component =
        str(labels[LABELS.component]) ??
        fileOwner?.component ??
        (isArgo ? str(metadata.name) : null) ??
        dirOwner?.component ??
        folderComponent(path, place.layers);
      const instance = str(labels[LABELS.instance]) ?? fileOwner?.instance ?? dirOwner?.instance ?? null;
      const layerOrder =
        (component ? ownership.recordLayers.get(component) : undefined) ?? fileOwner?.layerOrder ?? dirOwner?.layerOrder ?? layerOfPath(path, place.layers);
      documents.push({ file: loaded.file, index: doc.index, component, instance, layerOrder, object: obj, ...objectIndex(obj) });
      docs.set(docKey(loaded.file, doc.index), {
        component,
        instance,
        kind: obj.kind as string,
        ...(str(metadata.name) ? { name: str(metadata.name)! } : {}),
        ...(str(metadata.namespace) ? { namespace: str(metadata.namespace)! } : {}),
      });
    }
  }
  return { documents, docs };
}

/** Findings on values, render records and chart references (documents that are not Kubernetes objects) report their component too. */
export function addNonObjectInfos(
  docs: Map<string, DocInfo>,
  values: readonly InputValues[],
  components: readonly InputComponent[],
  charts: readonly InputChart[],
): void {
  for (const src of values) {
    const key = docKey(src.file, src.index);
    if (!docs.has(key)) docs.set(key, { component: src.component, instance: src.instance });
  }
  for (const rec of components) docs.set(docKey(rec.file, rec.index), { component: rec.component, instance: null });
  for (const ref of charts) {
    const key = docKey(ref.file, ref.index);
    if (!docs.has(key)) docs.set(key, { component: ref.component, instance: null });
  }
}
