import { defineCommand, type FlagTable, type ParsedArgs } from "../spec.js";

const prReportFlags = {
  changesets: { type: "boolean", description: "run the changeset gate over the same range; a component changed without a changeset fails the check run" },
  base: { type: "string", value: "REV", description: "base revision (default: the PR base, or NX_BASE)" },
  head: { type: "string", value: "REV", description: "head revision (default: the PR head, NX_HEAD or HEAD)" },
  out: { type: "string", value: "DIR", description: "folder for the report files (default: .tmp/pr-report)" },
  findings: { type: "string", multiple: true, value: "FILE", description: "`homelab check --format json` output; repeatable" },
  "findings-base": { type: "string", value: "DIR", description: "the checked folder relative to the repository root (finding files are relative to it)" },
  "run-check": { type: "boolean", description: "run the policy check in-process instead of (or besides) reading --findings" },
  "check-dir": { type: "string", value: "DIR", description: "folder --run-check checks (default: the repository root)" },
  nx: { type: "boolean", description: "also count the projects `nx show projects --affected` names as affected" },
  repo: { type: "string", value: "OWNER/NAME", description: "GitHub repository (default: GITHUB_REPOSITORY)" },
  pr: { type: "string", value: "NUMBER", description: "pull request to comment on (default: from the event file)" },
  sha: { type: "string", value: "SHA", description: "commit the check run belongs to (default: the PR head)" },
  "api-url": { type: "string", value: "URL", description: "GitHub REST API URL (default: GITHUB_API_URL or https://api.github.com)" },
  "check-name": { type: "string", value: "NAME", description: "check run name and status context (default: homelab policy)" },
  "retry-delay-ms": { type: "string", value: "MS", description: "milliseconds per back-off step when GitHub answers 5xx or rate-limits (default: 1000)" },
  offline: { type: "boolean", description: "write the files only, even when GITHUB_TOKEN is set" },
} as const satisfies FlagTable;
export type PrReportArgs = ParsedArgs<typeof prReportFlags>;

export const prReportCommand = defineCommand({
  path: ["pr-report"],
  summary: "report affected components, findings and the rendered diff of a change: files, GitHub check run and PR comment",
  description: [
    "Compares the rendered output committed at --base and --head, reads the findings of `homelab check --format json`,",
    "writes report.md, report.json, report.sarif and report.junit.xml to --out (and the job summary on GitHub Actions),",
    "and, when GITHUB_TOKEN is set, publishes a check run with annotations (or a commit status when checks are denied)",
    "and one PR comment updated in place. Inside GitHub Actions, repository, PR, SHAs and API URL come from the",
    "environment and the event file. The exit code is the policy result (0 clean, 1 error findings); 2 when the result did not reach GitHub (the files are written first, whatever GitHub does).",
  ].join("\n"),
  positionals: [],
  flags: prReportFlags,
  load: async () => (await import("./pr-report.run.js")).run,
});
