import type { ComponentDiff } from "./diff.js";
import type { Findings } from "./findings.js";
import type { ApplicationObjectDiff } from "./objects.js";

export type AffectedReason = "rendered output" | "nx affected" | "findings";

export interface AffectedComponent extends ComponentDiff {
  /** Why the component is in the report. */
  reasons: AffectedReason[];
  errors: number;
  warnings: number;
  waivers: number;
}

/**
 * The changeset gate's verdict as the report shows it (`changesetGate` of
 * @homelab/release returns a superset). pr-report only displays it.
 */
export interface ChangesetStatus {
  ok: boolean;
  /** Components whose rendered output changed without a changeset bumping their package. */
  uncovered: { component: string; package: string; reason: string | null }[];
  /** Changesets naming a package that does not exist. */
  unknownPackages: { file: string; name: string }[];
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
  /** failure when the policy failed or the changeset gate did. */
  conclusion: "success" | "failure";
  /** The changeset gate's verdict; null when it was not run. */
  changesets?: ChangesetStatus | null;
  /** What ArgoCD will change, per Application (the hydrated objects at base and head); null when not compared. */
  objects?: ApplicationObjectDiff[] | null;
  /** Where the untruncated report is, said in every truncation note. */
  fullReportAt: string;
}
