/**
 * Findings come from their owner, @homelab/check: its one parser of
 * `homelab check --format json` and its types. Here only what the report adds:
 * running check in-process and the names the report's modules use.
 */
import { check, parseFindings, type Findings } from "@homelab/check";

export {
  NO_FINDINGS,
  findingsExitCode as policyExitCode,
  mergeFindings,
  parseFindings,
  readFindingsFile,
  type Finding,
  type FindingSeverity as Severity,
  type FindingWaiver as AppliedWaiver,
  type Findings,
} from "@homelab/check";

/** Runs `homelab check` over `dir` in-process; files are reported relative to the repository root through `fileBase`. */
export async function runCheck(dir: string, fileBase = ""): Promise<Findings> {
  return parseFindings(await check({ dir }), `check(${dir})`, fileBase);
}
