import type { ComponentDiff } from "./diff.js";
import type { Findings } from "./findings.js";

export type AffectedReason = "rendered output" | "nx affected" | "findings";

export interface AffectedComponent extends ComponentDiff {
  /** Why the component is in the report. */
  reasons: AffectedReason[];
  errors: number;
  warnings: number;
  waivers: number;
}

/** Everything the report files, the check run and the comment are made from. */
export interface Report {
  /** Full commit SHAs. */
  base: string;
  head: string;
  components: AffectedComponent[];
  findings: Findings;
  /** The policy result: 1 when an error-severity finding remains. */
  exitCode: 0 | 1;
  conclusion: "success" | "failure";
  /** Where the untruncated report is, said in every truncation note. */
  fullReportAt: string;
}
