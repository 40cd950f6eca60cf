/**
 * The rendered diff between two revisions is owned by @homelab/git (the
 * release gate reads it too, without depending on this report); the records
 * folder by @homelab/layout. Re-exported for the report's own modules.
 */
export { RECORDS_FOLDER } from "@homelab/layout";
export { readRecordsAt, renderedDiff, type ChartRef, type ComponentChange, type ComponentDiff, type FileDiff, type RecordSnapshot } from "@homelab/git";
