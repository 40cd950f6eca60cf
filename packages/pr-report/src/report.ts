import { execFile } from "node:child_process";
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { ErrorCode, HomelabError, isHomelabError } from "@homelab/errors";
import { renderedDiff } from "./diff.js";
import { mergeFindings, NO_FINDINGS, policyExitCode, readFindingsFile, runCheck, type Findings } from "./findings.js";
import { jsonReport, junitReport, sarifReport } from "./formats.js";
import { mergeBase, resolveCommit } from "@homelab/git";
import { createPublisher, type GitHubClientOptions, type PublishOutcome } from "./github.js";
import { LIMITS, markdownReport } from "./markdown.js";
import type { AffectedComponent, AffectedReason, ChangesetStatus, Report } from "./model.js";
import type { ApplicationObjectDiff } from "./objects.js";
import { redactor } from "./redact.js";
import { clip } from "./truncate.js";

export interface GitHubOptions {
  /** Never printed, logged or written; only sent as the Authorization header. */
  token: string;
  /** Default https://api.github.com. */
  apiUrl?: string;
  /** `owner/name`. */
  repo: string;
  /** Commit the check run or status belongs to (the PR head SHA). Default: the head commit. */
  sha?: string;
  pr?: number | null;
  /** Check run name and commit status context. Default `homelab policy`. */
  checkName?: string;
}

export interface PrReportOptions {
  /** Repository root (a git work tree). */
  root: string;
  base: string;
  /** Default `HEAD`. */
  head?: string;
  /**
   * Compare from the merge base of base and head (default true), like GitHub's
   * PR diff: commits that landed on main after the branch point are not the PR's.
   */
  mergeBase?: boolean;
  /** Where report.md, report.json, report.sarif and report.junit.xml go; relative to root. */
  outDir: string;
  /** `homelab check --format json` outputs. */
  findingsFiles?: readonly string[];
  /** Findings already in memory (same shape as parsed files). */
  findings?: Findings;
  /** Run `@homelab/check` in-process over `checkDir` (default: root). */
  runCheck?: boolean;
  checkDir?: string;
  /** The checked directory relative to root, because check reports files relative to it. Default "". */
  findingsBase?: string;
  /** Nx project or component names already known to be affected. */
  affectedProjects?: readonly string[];
  /** Ask Nx (`nx show projects --affected`) which projects the change affects. */
  nxAffected?: boolean;
  /** GITHUB_STEP_SUMMARY: the markdown report is appended there. */
  stepSummaryFile?: string;
  /** Link to the workflow run, named in truncation notes and the commit status. */
  runUrl?: string;
  /** Name of the workflow artifact the output folder is uploaded as. Default `pr-report`. */
  artifactName?: string;
  github?: GitHubOptions | null;
  client?: GitHubClientOptions;
  /**
   * The changeset gate over the same range (merge base already applied), e.g.
   * `(range) => changesetGate({ ...range, mergeBase: false })` from @homelab/release.
   * A failing gate fails the check run; the exit code stays the policy's.
   */
  changesetGate?: (range: { root: string; base: string; head: string }) => Promise<ChangesetStatus>;
  /**
   * The diff of the objects each Application applies over the same range
   * (e.g. `objectDiffOf` of the CLI's diff command); shown beside the file diff.
   */
  objectDiff?: (range: { root: string; base: string; head: string }) => Promise<ApplicationObjectDiff[]>;
  /** Progress and GitHub problems, already redacted. */
  warn?: (message: string) => void;
}

export interface ReportFiles {
  markdown: string;
  json: string;
  sarif: string;
  junit: string;
}

export interface PrReportResult {
  /** The policy result (0 or 1), whatever happened on GitHub (`github.published` says whether it got there). */
  exitCode: 0 | 1;
  report: Report;
  /** Absolute paths of the written files. */
  files: ReportFiles;
  /** null when no GitHub target was given. */
  github: PublishOutcome | null;
}

function nxAffectedProjects(root: string, base: string, head: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    execFile(
      "npx",
      ["nx", "show", "projects", "--affected", `--base=${base}`, `--head=${head}`, "--json"],
      { cwd: root, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new HomelabError(ErrorCode.MissingArtifact, `nx show projects --affected failed: ${stderr.trim().split("\n").pop() || error.message}`));
          return;
        }
        try {
          const list = JSON.parse(stdout);
          resolve(Array.isArray(list) ? list.filter((p): p is string => typeof p === "string") : []);
        } catch {
          reject(new HomelabError(ErrorCode.Syntax, "nx show projects --affected did not print a JSON list"));
        }
      },
    );
  });
}

async function collectFindings(options: PrReportOptions): Promise<Findings> {
  const base = options.findingsBase ?? "";
  const parts: Findings[] = [];
  if (options.findings) parts.push(options.findings);
  for (const file of options.findingsFiles ?? []) parts.push(await readFindingsFile(path.resolve(options.root, file), base));
  if (options.runCheck) parts.push(await runCheck(path.resolve(options.root, options.checkDir ?? "."), base));
  return parts.length ? mergeFindings(parts) : NO_FINDINGS;
}

/**
 * The pull-request report: affected components with their rendered diff
 * between two commits, the policy findings, report files (markdown, JSON,
 * SARIF, JUnit, job summary) and, given a GitHub target, a check run with
 * annotations (or a commit status when checks are denied) and one PR comment
 * updated in place. GitHub trouble never changes the exit code or stops the
 * files from being written.
 */
export async function prReport(options: PrReportOptions): Promise<PrReportResult> {
  const warn = options.warn ?? (() => {});
  const redact = redactor([options.github?.token]);
  const safeWarn = (m: string) => warn(redact(m));
  const root = path.resolve(options.root);
  const head = await resolveCommit(root, options.head ?? "HEAD");
  const given = await resolveCommit(root, options.base);
  const base = options.mergeBase === false ? given : await mergeBase(root, given, head);
  const outDir = path.resolve(root, options.outDir);
  const artifact = options.artifactName ?? "pr-report";
  const fullReportAt = options.runUrl
    ? `in the \`${artifact}\` artifact (\`report.md\`) and the job summary of [the workflow run](${options.runUrl})`
    : `in \`${path.relative(root, path.join(outDir, "report.md")) || "report.md"}\``;

  const github = options.github ?? null;
  const publisher = github
    ? (() => {
        const [owner, repo] = github.repo.split("/");
        if (!owner || !repo) throw new HomelabError(ErrorCode.Usage, `GitHub repository must be owner/name, not ${JSON.stringify(github.repo)}`);
        return createPublisher(
          {
            token: github.token,
            apiUrl: github.apiUrl ?? "https://api.github.com",
            owner,
            repo,
            sha: github.sha ?? head,
            pr: github.pr ?? null,
            checkName: github.checkName ?? "homelab policy",
            targetUrl: options.runUrl ?? null,
          },
          options.client ?? {},
          redact,
          safeWarn,
        );
      })()
    : null;

  let report: Report;
  try {
    const [diffs, findings, changesets] = await Promise.all([
      renderedDiff({ root, base, head }),
      collectFindings(options),
      options.changesetGate ? options.changesetGate({ root, base, head }) : Promise.resolve(null),
    ]);
    const projects = new Set(options.affectedProjects ?? []);
    if (options.nxAffected) {
      try {
        for (const p of await nxAffectedProjects(root, base, head)) projects.add(p);
      } catch (error) {
        safeWarn(`${isHomelabError(error) ? error.message : String(error)}; affected components come from the rendered diff alone`);
      }
    }
    const withFindings = new Set(findings.violations.map((v) => v.component).filter((c): c is string => c !== null));
    const components: AffectedComponent[] = [];
    for (const diff of diffs) {
      const reasons: AffectedReason[] = [];
      if (diff.change !== "unchanged") reasons.push("rendered output");
      if (projects.has(diff.component) || (diff.package !== null && projects.has(diff.package))) reasons.push("nx affected");
      if (withFindings.has(diff.component)) reasons.push("findings");
      if (reasons.length === 0) continue;
      const own = findings.violations.filter((v) => v.component === diff.component);
      components.push({
        ...diff,
        reasons,
        errors: own.filter((v) => v.severity === "error").length,
        warnings: own.filter((v) => v.severity === "warning").length,
        waivers: findings.waivers.filter((w) => w.component === diff.component).length,
      });
    }
    const exitCode = policyExitCode(findings);
    const conclusion = exitCode === 0 && changesets?.ok !== false ? "success" : "failure";
    const objects = options.objectDiff ? await options.objectDiff({ root: options.root, base, head }) : null;
    report = { base, head, components, findings, exitCode, conclusion, changesets, fullReportAt, objects };
  } catch (error) {
    if (publisher) {
      // The check run says the report failed (bounded: every request has a timeout and a retry budget).
      await publisher.start();
      await publisher.abort(`pr-report failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    throw error;
  }

  // Files and job summary first, before GitHub is contacted at all: whatever GitHub does, the report exists.
  const markdown = markdownReport(report);
  const files: ReportFiles = {
    markdown: path.join(outDir, "report.md"),
    json: path.join(outDir, "report.json"),
    sarif: path.join(outDir, "report.sarif"),
    junit: path.join(outDir, "report.junit.xml"),
  };
  try {
    await mkdir(outDir, { recursive: true });
    await writeFile(files.markdown, redact(markdown));
    await writeFile(files.json, redact(jsonReport(report)));
    await writeFile(files.sarif, redact(sarifReport(report)));
    await writeFile(files.junit, redact(junitReport(report)));
    if (options.stepSummaryFile) {
      const note = `> [!WARNING]\n> **Truncated** to the job summary's 1 MiB limit; the full report is ${fullReportAt}.`;
      await appendFile(options.stepSummaryFile, `${redact(clip(markdown, LIMITS.stepSummary, note))}\n`);
    }
  } catch (error) {
    throw new HomelabError(ErrorCode.Io, `cannot write the report: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      position: { file: outDir },
      cause: error,
    });
  }

  let outcome: PublishOutcome | null = null;
  if (publisher) {
    await publisher.start();
    outcome = await publisher.finish(report);
  }
  return { exitCode: report.exitCode, report, files, github: outcome };
}
