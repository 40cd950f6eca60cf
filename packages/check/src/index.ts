export {
  check,
  policyConfig,
  type CheckOptions,
  type CheckResult,
  type CheckSummary,
  type RuleInfo,
  type SchemaDiagnostic,
  type SchemaValidator,
  type SchemaValidatorOptions,
  type Violation,
} from "./check.js";
export {
  FORMATS,
  findingsJunit,
  findingsSarif,
  formatGithub,
  formatJson,
  formatJunit,
  formatResult,
  formatSarif,
  formatText,
  type Format,
  type JunitOptions,
} from "./format.js";
export {
  NO_FINDINGS,
  findingsExitCode,
  mergeFindings,
  parseFindings,
  readFindingsFile,
  type Finding,
  type FindingSeverity,
  type FindingWaiver,
  type Findings,
} from "./findings.js";
export { IGNORE_FILE, loadTree, type SkippedFile, type Tree } from "./load.js";
export { DEFAULT_LAYERS, WAIVERS_FILE, buildModel, type LayerFolder, type Model, type RenderRecordFile, type WaiverDecl } from "./model.js";
export type { AppliedWaiver } from "./waivers.js";
export { applicationObjects, type AppObject } from "./cluster-objects.js";
export { REFERENCE_RULES, resolveReferences, type ClusterObject, type ReferenceFinding } from "./references/index.js";
