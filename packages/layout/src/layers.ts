/**
 * Deployment layers in the order ArgoCD brings them up, and the folders render
 * owns. Layer 0 is applied by hand (k3s + the first ArgoCD install); render still
 * writes what that step applies. The Nx plugin (CommonJS) reads the same table
 * from generated/layout.json, which `npm run generate -w @homelab/layout` writes from here.
 */
export const LAYERS = [
  { name: "bootstrap", order: 0, folder: "apps-root-config/bootstrap", title: "Bootstrap (manual)" },
  { name: "init", order: 1, folder: "cluster-init-apps", title: "Cluster init" },
  { name: "critical", order: 2, folder: "cluster-critical-apps", title: "Cluster critical" },
  { name: "platform", order: 3, folder: "cluster-platform-apps", title: "Platform" },
  { name: "apps", order: 4, folder: "cluster-workload-apps", title: "Applications" },
] as const;

export type LayerName = (typeof LAYERS)[number]["name"];
export type Layer = (typeof LAYERS)[number];

/** Folder holding one ApplicationSet per component, synced by the root Application. */
export const APPLICATIONS_FOLDER = "apps-root-config/applications";

/** Where render keeps its record of the files it wrote for each component. */
export const RECORDS_FOLDER = ".homelab/rendered";

/** The journal of a render in progress (see @homelab/core output.ts): present only while, or after a crash during, its renames. */
export const JOURNAL_FILE = ".homelab/journal.json";

export function isLayerName(name: unknown): name is LayerName {
  return LAYERS.some((l) => l.name === name);
}

export function layer(name: LayerName): Layer {
  const found = LAYERS.find((l) => l.name === name);
  if (!found) throw new Error(`unknown layer ${JSON.stringify(name)}`);
  return found;
}

/** The record file of a component (its name is a DNS-1123 label, so the path is safe). */
export function recordFile(componentName: string): string {
  return `${RECORDS_FOLDER}/${componentName}.json`;
}

/** The folder render writes a component's values and manifests into. */
export function componentFolder(layerName: LayerName, componentName: string): string {
  return `${layer(layerName).folder}/${componentName}`;
}

/** The component's ApplicationSet file. */
export function applicationSetPath(componentName: string): string {
  return `${APPLICATIONS_FOLDER}/${componentName}.yaml`;
}

/** Every folder render writes components' files into (layer folders and the ApplicationSet folder). */
export const OUTPUT_FOLDERS: readonly string[] = [APPLICATIONS_FOLDER, ...LAYERS.map((l) => l.folder)];

/** The top-level folders of the output: walked for unowned files and staging leftovers. */
export const OUTPUT_ROOTS: readonly string[] = [...new Set(OUTPUT_FOLDERS.map((f) => f.split("/")[0]!))];
