import path from "node:path";
import { findRoot } from "@homelab/core";
import { UsageError } from "@homelab/errors";
import { actionsContext, headline, prReport, type GitHubOptions } from "@homelab/pr-report";
import { changesetGate } from "@homelab/release";
import { objectDiffOf } from "../object-diff.js";
import type { Io } from "../spec.js";
import type { PrReportArgs } from "./pr-report.js";

/** A flag's value, an empty one counting as not given. */
function text(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

export async function run(args: PrReportArgs, io: Io): Promise<number> {
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
  const checkDir = text(args.flags["check-dir"]);
  if (delay !== undefined && !/^\d+$/.test(delay)) throw new UsageError(`--retry-delay-ms must be a whole number, not ${JSON.stringify(delay)}`);

  const result = await prReport({
    ...(args.flags.changesets ? { changesetGate: (range) => changesetGate({ ...range, mergeBase: false }) } : {}),
    // What ArgoCD will change per Application, beside the file diff.
    objectDiff: objectDiffOf,
    root,
    base,
    head,
    outDir: text(args.flags.out) ?? ".tmp/pr-report",
    findingsFiles: args.flags.findings,
    findingsBase: text(args.flags["findings-base"]) ?? "",
    runCheck: args.flags["run-check"],
    ...(checkDir ? { checkDir } : {}),
    nxAffected: args.flags.nx,
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
}
