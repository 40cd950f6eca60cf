export { containedPath, isBelow, realInside, realInsideSync, relativePathProblem, resolveInside } from "./contain.js";
export { ANNOTATIONS, LABELS, MANAGED_BY, PART_OF } from "./labels.js";
export {
  APPLICATIONS_FOLDER,
  JOURNAL_FILE,
  LAYERS,
  OUTPUT_FOLDERS,
  OUTPUT_ROOTS,
  RECORDS_FOLDER,
  applicationSetPath,
  componentFolder,
  isLayerName,
  layer,
  recordFile,
  type Layer,
  type LayerName,
} from "./layers.js";
export { dns1123LabelProblem, dns1123SubdomainProblem, hostnameProblem, kindProblem } from "./names.js";
export {
  DIGEST_PATTERN,
  RENDER_RECORD_SCHEMA_VERSION,
  contentDigest,
  parseRenderRecord,
  renderRecordSchema,
  renderRecordText,
  type RenderRecord,
  type RenderRecordInstance,
} from "./record.js";
