import path from "node:path";
import { findRoot } from "@homelab/core";
import { UsageError } from "@homelab/errors";
import { actionsContext, headline, prReport, type GitHubOptions } from "@homelab/pr-report";
import { changesetGate } from "@homelab/release";
import { objectDiffOf } from "./diff.js";
import type { CommandSpec } from "../spec.js";

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

export const prReportCommand: CommandSpec = {
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
  flags: [
    {
      name: "changesets",
      type: "boolean",
      description: "run the changeset gate over the same range; a component changed without a changeset fails the check run",
    },
    { name: "base", type: "string", value: "REV", description: "base revision (default: the PR base, or NX_BASE)" },
    { name: "head", type: "string", value: "REV", description: "head revision (default: the PR head, NX_HEAD or HEAD)" },
    { name: "out", type: "string", value: "DIR", description: "folder for the report files (default: .tmp/pr-report)" },
    { name: "findings", type: "string", multiple: true, value: "FILE", description: "`homelab check --format json` output; repeatable" },
    {
      name: "findings-base",
      type: "string",
      value: "DIR",
      description: "the checked folder relative to the repository root (finding files are relative to it)",
    },
    { name: "run-check", type: "boolean", description: "run the policy check in-process instead of (or besides) reading --findings" },
    { name: "check-dir", type: "string", value: "DIR", description: "folder --run-check checks (default: the repository root)" },
    { name: "nx", type: "boolean", description: "also count the projects `nx show projects --affected` names as affected" },
    { name: "repo", type: "string", value: "OWNER/NAME", description: "GitHub repository (default: GITHUB_REPOSITORY)" },
    { name: "pr", type: "string", value: "NUMBER", description: "pull request to comment on (default: from the event file)" },
    { name: "sha", type: "string", value: "SHA", description: "commit the check run belongs to (default: the PR head)" },
    { name: "api-url", type: "string", value: "URL", description: "GitHub REST API URL (default: GITHUB_API_URL or https://api.github.com)" },
    { name: "check-name", type: "string", value: "NAME", description: "check run name and status context (default: homelab policy)" },
    {
      name: "retry-delay-ms",
      type: "string",
      value: "MS",
      description: "milliseconds per back-off step when GitHub answers 5xx or rate-limits (default: 1000)",
    },
    { name: "offline", type: "boolean", description: "write the files only, even when GITHUB_TOKEN is set" },
  ],
  async run(args, io) {
    const root = text(args.flags.root) ?? findRoot(io.cwd);
    const context = await actionsContext(io.env);
    const base = text(args.flags.base) ?? context.base;
    if (!base) throw new UsageError("no base revision", "pass --base REV (GitHub Actions and nx-set-shas provide it)");
    const head = text(args.flags.head) ?? context.head ?? "HEAD";

    let pr: number | null = context.pr ?? null;
    const prFlag = text(args.flags.pr);
    if (prFlag !== undefined) {
      if (!/^[1-9]\d*$/.test(prFlag)) throw new UsageError(`--pr must be a pull request number, not ${JSON.stringify(prFlag)}`);
      pr = Number(prFlag);
    }
    // The token is read from the environment only: a flag would show in process lists and logs.
    const token = io.env.GITHUB_TOKEN;
    const repo = text(args.flags.repo) ?? context.repo;
    let github: GitHubOptions | null = null;
    if (!args.flags.offline && token) {
      if (!repo) throw new UsageError("GITHUB_TOKEN is set but no repository is known", "pass --repo OWNER/NAME or --offline");
      github = { token, repo, pr, apiUrl: text(args.flags["api-url"]) ?? context.apiUrl ?? "https://api.github.com" };
      const sha = text(args.flags.sha) ?? context.sha;
      if (sha) github.sha = sha;
      const checkName = text(args.flags["check-name"]);
      if (checkName) github.checkName = checkName;
    }

    const delay = text(args.flags["retry-delay-ms"]);
    if (delay !== undefined && !/^\d+$/.test(delay)) throw new UsageError(`--retry-delay-ms must be a whole number, not ${JSON.stringify(delay)}`);

    const result = await prReport({
      ...(args.flags.changesets === true ? { changesetGate: (range) => changesetGate({ ...range, mergeBase: false }) } : {}),
      // What ArgoCD will change per Application, beside the file diff.
      objectDiff: objectDiffOf,
      root,
      base,
      head,
      outDir: text(args.flags.out) ?? ".tmp/pr-report",
      findingsFiles: (args.flags.findings as string[] | undefined) ?? [],
      findingsBase: text(args.flags["findings-base"]) ?? "",
      runCheck: args.flags["run-check"] === true,
      ...(text(args.flags["check-dir"]) ? { checkDir: text(args.flags["check-dir"])! } : {}),
      nxAffected: args.flags.nx === true,
      ...(context.stepSummary ? { stepSummaryFile: context.stepSummary } : {}),
      ...(context.runUrl ? { runUrl: context.runUrl } : {}),
      github,
      ...(delay !== undefined ? { client: { delayUnitMs: Number(delay) } } : {}),
      warn: (message) => io.stderr(`pr-report: ${message}\n`),
    });

    const lines = [`pr-report: ${headline(result.report)}`];
    for (const c of result.report.components) {
      lines.push(
        `  ${c.component.padEnd(24)} ${c.change.padEnd(9)} ${c.files.length} file(s) +${c.additions} -${c.deletions}  ${c.errors} error(s) ${c.warnings} warning(s)`,
      );
    }
    lines.push(`  report: ${path.relative(io.cwd, result.files.markdown) || result.files.markdown} (+ .json, .sarif, .junit.xml)`);
    const gh = result.github;
    if (gh) {
      if (gh.checkRun) lines.push(`  check run ${gh.checkRun.id}: ${gh.checkRun.conclusion}, ${gh.checkRun.annotations} annotation(s)`);
      if (gh.status) lines.push(`  commit status: ${gh.status.state}`);
      if (gh.comment) lines.push(`  PR comment ${gh.comment.id} ${gh.comment.action}`);
      for (const problem of gh.problems) io.stderr(`pr-report: GitHub: ${problem}\n`);
    } else if (!args.flags.offline && repo) {
      lines.push("  GitHub: skipped (no GITHUB_TOKEN)");
    }
    io.stdout(`${lines.join("\n")}\n`);
    if (gh && !gh.published) {
      // The files hold the report either way; the job must still not pass silently without its check run or comment.
      io.stderr(`pr-report: GitHub: the result did not reach GitHub (policy result ${result.exitCode}, in the report files)\n`);
      return 2;
    }
    return result.exitCode;
  },
};
