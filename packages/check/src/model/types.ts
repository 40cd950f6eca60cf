import { relative, join, sep } from "node:path";
import type { InputValues, PolicyInput } from "@homelab/policy";
import { LAYERS, type RenderRecord } from "@homelab/layout";
import { isObj, type Obj } from "@homelab/sources";
import type { JsonPath } from "@homelab/yaml";
import type { LoadedFile, Tree } from "../load.js";

/** Layer folders (as @homelab/core renders them, and as hand-written repos of this layout name them). */
export const DEFAULT_LAYERS: readonly LayerFolder[] = LAYERS.map(({ name, order, folder }) => ({ name, order, folder }));

export interface LayerFolder {
  name: string;
  order: number;
  folder: string;
}

/** A waiver as declared (render record or .homelab/waivers.yaml), with where it was declared. */
export interface WaiverDecl {
  rule: string;
  /** Component the waiver belongs to (render records); null for repo-wide waivers. */
  component: string | null;
  match: { kind?: string; name?: string; namespace?: string; file?: string; instance?: string };
  reason: string;
  expires: string;
  declaredIn: { file: string; index: number; path: JsonPath };
}

/** The render record written by @homelab/core (`.homelab/rendered/<component>.json`); owned by @homelab/layout. */
export type RenderRecordFile = RenderRecord;

/** What a finding at (file, document index) belongs to, for reports and waiver matching. */
export interface DocInfo {
  component: string | null;
  instance: string | null;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface Model {
  input: PolicyInput;
  docs: Map<string, DocInfo>;
  waivers: WaiverDecl[];
  /** Files that hold Kubernetes objects (handed to schema validation). */
  kubernetesFiles: LoadedFile[];
  /** Values files render wrote (named by render records): render validated them against the same schema. */
  renderedValues: Set<string>;
}

export { isObj, type Obj };
export const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
export const docKey = (file: string, index: number): string => `${file}#${index}`;

/**
 * Client-side tool configs that look like Kubernetes objects (apiVersion +
 * kind) but are never applied to a cluster: kustomize, kind, k3d, kpt,
 * skaffold, component configs (kubelet, kubeadm, ...).
 */
const TOOL_CONFIG_GROUPS =
  /^(kustomize\.config\.k8s\.io|config\.kubernetes\.io|kind\.x-k8s\.io|k3d\.io|kpt\.dev|ctlptl\.dev|kubeadm\.k8s\.io|[a-z]+\.config\.k8s\.io)\/|^skaffold\//;

export function isKubernetesObject(value: unknown): value is Obj {
  return isObj(value) && typeof value.apiVersion === "string" && typeof value.kind === "string" && !TOOL_CONFIG_GROUPS.test(value.apiVersion);
}

export const group = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

/** Where the checked tree sits: paths of the tree's files relative to the repository, and its layer folders. */
export interface Place {
  /** Absolute repository root (`$values/` paths and record paths are relative to it). */
  root: string;
  layers: readonly LayerFolder[];
  /** A checked-directory-relative file as a repository-relative path. */
  repoRel: (fileRel: string) => string;
}

export function placeOf(tree: Tree, layers: readonly LayerFolder[]): Place {
  return { root: tree.root, layers, repoRel: (fileRel) => relative(tree.root, join(tree.dir, fileRel)).split(sep).join("/") };
}

export function layerOfPath(repoRel: string, layers: readonly LayerFolder[]): number | null {
  const padded = `/${repoRel}/`;
  for (const layer of layers) if (padded.includes(`/${layer.folder}/`)) return layer.order;
  return null;
}

/** Hand-written layout `<layer folder>/<component>/...`: the folder under the layer names the component. */
export function folderComponent(repoRel: string, layers: readonly LayerFolder[]): string | null {
  for (const layer of layers) {
    const at = `/${repoRel}`.indexOf(`/${layer.folder}/`);
    if (at < 0) continue;
    const rest = `/${repoRel}`.slice(at + layer.folder.length + 2).split("/");
    return rest.length > 1 ? rest[0]! : null;
  }
  return null;
}

/** Component, layer and instance render recorded for a file it wrote (repository-relative path). */
export interface FileOwner {
  component: string;
  layerOrder: number;
  instance: string | null;
}

/** A repository folder an Application syncs as plain manifests: its files belong to that Application's component. */
export interface FolderOwner {
  /** Repository-relative folder prefix. */
  prefix: string;
  component: string;
  instance: string | null;
  layerOrder: number | null;
}

/** A values file to read: the whole of each document, or the part under `nested` (a wrapper chart's dependency key). */
export interface ValuesFileRead {
  abs: string;
  chart: InputValues["chart"];
  component: string | null;
  instance: string | null;
  nested: JsonPath;
}

/** The values sources in first-seen order, one per (document, path, chart). */
export class ValuesSources {
  private readonly byKey = new Map<string, InputValues>();
  add(src: InputValues): void {
    const key = `${docKey(src.file, src.index)}#${JSON.stringify(src.path)}#${src.chart.name}`;
    if (!this.byKey.has(key)) this.byKey.set(key, src);
  }
  list(): InputValues[] {
    return [...this.byKey.values()];
  }
}
