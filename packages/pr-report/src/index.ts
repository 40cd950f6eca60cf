export { prReport, type GitHubOptions, type PrReportOptions, type PrReportResult, type ReportFiles } from "./report.js";
export { actionsContext, type ActionsContext } from "./context.js";
export {
  RECORDS_FOLDER,
  readRecordsAt,
  renderedDiff,
  type ChartRef,
  type ComponentChange,
  type ComponentDiff,
  type FileDiff,
  type RecordSnapshot,
} from "./diff.js";
export {
  NO_FINDINGS,
  mergeFindings,
  parseFindings,
  policyExitCode,
  readFindingsFile,
  runCheck,
  type AppliedWaiver,
  type Finding,
  type Findings,
  type Severity,
} from "./findings.js";
export { jsonReport, junitReport, sarifReport } from "./formats.js";
export { annotationsOf, statusDescription, type Annotation, type GitHubClientOptions, type PublishOutcome } from "./github.js";
export { COMMENT_MARKER, LIMITS, checkSummary, checkText, commentBody, headline, markdownReport } from "./markdown.js";
export type { AffectedComponent, AffectedReason, Report } from "./model.js";
export {
  changedPaths,
  describeRef,
  formatObjectDiffText,
  objectCounts,
  objectDiff,
  type ApplicationObjectDiff,
  type ApplicationObjects,
  type ObjectChange,
  type SnapshotObject,
} from "./objects.js";
export { redactor, type Redactor } from "./redact.js";
export { clip, fence, fitSections, type Section } from "./truncate.js";
