export {
  APPLICATIONS_FOLDER,
  LAYERS,
  defineConfig,
  layer,
  type AuthMode,
  type ChartRef,
  type Component,
  type ComponentFactory,
  type HomelabConfig,
  type IgnoreDifference,
  type Instance,
  type KubernetesObject,
  type Layer,
  type LayerName,
  type MetricsEndpoint,
  type ObjectMeta,
  type Route,
  type SecretRef,
  type SyncOptions,
  type Waiver,
} from "./model.js";
export { instantiate } from "./instantiate.js";
export { COMPONENT_PACKAGE_PREFIX, chartRef, componentPackage, type ComponentManifest, type ComponentPackage, type ComponentPackageOptions } from "./define.js";
export { ANNOTATIONS, LABELS } from "./labels.js";
export { applicationSet, rootApplication } from "./argocd.js";
export { routeHost } from "./manifests.js";
export { renderComponent, validateComponentValues, type ComponentRender, type RenderRecord, type RenderedFile } from "./plan.js";
export { RECORDS_FOLDER, applicationSetFile, instanceFolder, manifestsFolder, recordFile, valuesFile } from "./paths.js";
export {
  checkRender,
  digest,
  nodeRenderFs,
  readRecords,
  recoverInterruptedRender,
  removeStagingLeftovers,
  unownedFiles,
  writeRender,
  type EntryKind,
  type HandEdits,
  type KeptFile,
  type RenderChanges,
  type RenderFs,
  type WriteOptions,
  type WriteResult,
} from "./output.js";
export { CONFIG_FILE, findRoot, loadConfig, render, renderCheck, type RenderOptions } from "./render.js";
