import { readFile, readdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempGitRepo, startFakeGitHub, unreachableUrl, type FakeGitHub, type TempGitRepo } from "@homelab/test-fixtures";
import { COMMENT_MARKER } from "./markdown.js";
import { prReport, type PrReportOptions } from "./report.js";
import { findingsJson, renderedFiles, values, type FakeComponent } from "./testing.js";

const TOKEN = "test-token-not-a-secret";
const REPO = "homelab/cluster";

let repo: TempGitRepo;
let github: FakeGitHub;
let base: string;
let head: string;
let warnings: string[];

const metallb = (replicas: number): FakeComponent => ({
  component: "metallb",
  layer: "init",
  folder: "cluster-init-apps",
  chart: { repoURL: "https://metallb.github.io/metallb", chart: "metallb", version: "0.14.9" },
  version: "0.1.0",
  files: {
    "apps-root-config/applications/metallb.yaml": "kind: ApplicationSet\n",
    "cluster-init-apps/metallb/values.yaml": values("metallb", "0.14.9", `controller:\n  replicas: ${replicas}\n`),
  },
});

beforeEach(async () => {
  repo = await createTempGitRepo("pr-report-");
  github = await startFakeGitHub({ token: TOKEN, repo: REPO });
  base = await repo.commit("base", renderedFiles(metallb(1)));
  head = await repo.commit("head", renderedFiles(metallb(2)));
  warnings = [];
});
afterEach(async () => {
  await github.close();
  await repo.cleanup();
  await Promise.all(besideFiles.splice(0).map((file) => rm(file, { force: true })));
});

/** Files the report writes outside the repository (job summary, findings): in the temp folder beside it, removed after each test. */
const besideFiles: string[] = [];
function besideRepo(name: string): string {
  const file = path.join(repo.dir, "..", `${path.basename(repo.dir)}-${name}`);
  besideFiles.push(file);
  return file;
}

async function withFindings(count: number, severity: "error" | "warning" = "error"): Promise<string> {
  const file = besideRepo("findings.json");
  await writeFile(file, findingsJson(count, severity));
  return file;
}

function options(overrides: Partial<PrReportOptions> = {}): PrReportOptions {
  return {
    root: repo.dir,
    base,
    head,
    outDir: "out",
    github: { token: TOKEN, apiUrl: github.url, repo: REPO, pr: 7 },
    client: { delayUnitMs: 1 },
    warn: (m) => warnings.push(m),
    ...overrides,
  };
}

async function everythingWritten(dir: string): Promise<string> {
  const names = await readdir(dir);
  const contents = await Promise.all(names.map((n) => readFile(path.join(dir, n), "utf8")));
  return contents.join("\n");
}

describe("prReport on GitHub", () => {
  it("sends 120 annotations as 3 requests of 50, 50 and 20 and completes the check run", async () => {
    const result = await prReport(options({ findingsFiles: [await withFindings(120)] }));
    expect(result.exitCode).toBe(1);
    expect(github.problems).toEqual([]);
    const create = github.requestsTo({ method: "POST", path: `/repos/${REPO}/check-runs` });
    expect(create.map((r) => [r.status, r.body.status, r.body.head_sha, r.body.output])).toEqual([[201, "in_progress", head, undefined]]);
    const updates = github.requestsTo({ method: "PATCH", path: /\/check-runs\/\d+$/ });
    expect(updates.map((r) => [r.body.output.annotations?.length, r.body.status, r.body.conclusion])).toEqual([
      [50, undefined, undefined],
      [50, undefined, undefined],
      [20, "completed", "failure"],
    ]);
    const run = github.checkRuns[0]!;
    expect([run.status, run.conclusion, run.annotations.length]).toEqual(["completed", "failure", 120]);
    expect(run.annotations[119]).toEqual({
      path: "cluster-init-apps/metallb/values.yaml",
      start_line: 120,
      end_line: 120,
      annotation_level: "failure",
      title: "https-only (metallb)",
      message: "finding number 120",
    });
    expect(run.output.summary).toContain("| metallb | changed (1 file, +1 −1) | init | metallb@0.14.9 | 0.1.0 | 120 | 0 | 0 |");
    expect(result.github?.checkRun).toEqual({ id: run.id, annotationRequests: 3, annotations: 120, conclusion: "failure" });
  });

  it("updates the same comment on a second push instead of adding one", async () => {
    const other = github.seedComment(7, "LGTM");
    const first = await prReport(options());
    expect(first.github?.comment?.action).toBe("created");
    const nextHead = await repo.commit("second push", renderedFiles(metallb(3)));
    const second = await prReport(options({ head: nextHead }));
    expect(second.github?.comment).toEqual({ id: first.github!.comment!.id, action: "updated" });
    expect(github.comments.map((c) => c.id)).toEqual([other.id, first.github!.comment!.id]);
    expect(github.comments[0]!.body).toBe("LGTM");
    const ours = github.comments[1]!.body;
    expect(ours.startsWith(COMMENT_MARKER)).toBe(true);
    expect(ours).toContain(`head \`${nextHead.slice(0, 12)}\``);
    expect(ours).toContain("+  replicas: 3");
    expect(ours).toContain("<details><summary><b>metallb</b>: changed (1 file, +1 −1)</summary>");
    expect(github.requestsTo({ method: "POST", path: /\/issues\/7\/comments$/ })).toHaveLength(1);
    expect(github.requestsTo({ method: "PATCH", path: /\/issues\/comments\/\d+$/ })).toHaveLength(1);
    expect(github.problems).toEqual([]);
  });

  it("finds its comment by the hidden marker on a later page of comments", async () => {
    for (let i = 0; i < 120; i++) github.seedComment(7, `comment ${i}`);
    const ours = github.seedComment(7, `${COMMENT_MARKER}\nold report`, "github-actions[bot]");
    const result = await prReport(options());
    expect(result.github?.comment).toEqual({ id: ours.id, action: "updated" });
    expect(github.comments).toHaveLength(121);
    expect(github.comments.at(-1)!.body).toContain("+  replicas: 2");
    expect(github.requestsTo({ method: "GET", path: /\/comments$/ }).map((r) => r.query.page ?? "1")).toEqual(["1", "2"]);
  });

  it("retries a 502 and a secondary rate limit", async () => {
    github.failNext({ method: "POST", path: `/repos/${REPO}/check-runs` }, { status: 502, body: { message: "Bad Gateway" } });
    github.failNext(
      { method: "PATCH", path: /\/check-runs\/\d+$/ },
      {
        status: 403,
        body: { message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again." },
        headers: { "retry-after": "1" },
      },
    );
    const result = await prReport(options({ findingsFiles: [await withFindings(3)] }));
    expect(github.requestsTo({ method: "POST", path: `/repos/${REPO}/check-runs` }).map((r) => r.status)).toEqual([502, 201]);
    expect(github.requestsTo({ method: "PATCH", path: /\/check-runs\/\d+$/ }).map((r) => r.status)).toEqual([403, 200]);
    expect(github.checkRuns.map((r) => [r.status, r.conclusion, r.annotations.length])).toEqual([["completed", "failure", 3]]);
    expect(github.statuses).toEqual([]);
    expect(result.github?.problems).toEqual([]);
  });

  it("falls back to a commit status when the token cannot write checks", async () => {
    github.failNext({ method: "POST", path: `/repos/${REPO}/check-runs` }, { status: 403, body: { message: "Resource not accessible by integration" } });
    const result = await prReport(options({ findingsFiles: [await withFindings(2)], runUrl: "https://github.invalid/homelab/cluster/actions/runs/1" }));
    expect(result.exitCode).toBe(1);
    expect(github.requestsTo({ method: "PATCH", path: /\/check-runs\// })).toEqual([]);
    expect(github.statuses).toEqual([
      {
        sha: head,
        state: "pending",
        context: "homelab policy",
        description: "homelab policy is running",
        target_url: "https://github.invalid/homelab/cluster/actions/runs/1",
      },
      {
        sha: head,
        state: "failure",
        context: "homelab policy",
        description: "policy failed: 2 errors, 0 warnings; 1 affected component",
        target_url: "https://github.invalid/homelab/cluster/actions/runs/1",
      },
    ]);
    expect(result.github?.status?.state).toBe("failure");
    expect(github.comments).toHaveLength(1);
    expect(warnings).toContain("the token cannot write check runs; reporting a commit status instead");
  });

  it("still writes every report file and returns the policy's exit code when GitHub is unreachable", async () => {
    const summary = besideRepo("summary.md");
    const result = await prReport(
      options({
        findingsFiles: [await withFindings(1)],
        github: { token: TOKEN, apiUrl: await unreachableUrl(), repo: REPO, pr: 7 },
        stepSummaryFile: summary,
      }),
    );
    expect(result.exitCode).toBe(1);
    expect(result.github?.checkRun).toBeNull();
    expect(result.github?.comment).toBeNull();
    expect(result.github?.problems).toHaveLength(1);
    expect(result.github?.problems[0]).toMatch(/^create check run: POST \/repos\/homelab\/cluster\/check-runs: .*\(GitHub unreachable\)$/);
    expect(result.github?.published).toBe(false);
    expect((await readdir(path.join(repo.dir, "out"))).sort()).toEqual(["report.json", "report.junit.xml", "report.md", "report.sarif"]);
    const md = await readFile(result.files.markdown, "utf8");
    expect(md).toContain("## ❌ policy failed: 1 error, 0 warnings; 1 affected component");
    expect(await readFile(summary, "utf8")).toBe(`${md}\n`);
    const sarif = JSON.parse(await readFile(result.files.sarif, "utf8"));
    expect(sarif.runs[0].results[0]).toMatchObject({
      ruleId: "forward-auth",
      level: "error",
      locations: [{ physicalLocation: { artifactLocation: { uri: "cluster-init-apps/metallb/values.yaml" }, region: { startLine: 1 } } }],
    });
  });

  it("finishes in bounded time with every file written when GitHub accepts connections and never answers", async () => {
    const summary = besideRepo("summary.md");
    github.hang();
    const started = Date.now();
    const result = await prReport(options({ findingsFiles: [await withFindings(1)], stepSummaryFile: summary, client: { delayUnitMs: 1, timeoutMs: 200 } }));
    // 1 attempt + 3 retries of 200 ms each, then GitHub counts as unreachable and nothing else is tried.
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(github.requests).toHaveLength(4);
    expect(github.requests.every((r) => r.path === `/repos/${REPO}/check-runs` && r.status === 0)).toBe(true);
    expect(result.exitCode).toBe(1);
    expect(result.github).toMatchObject({ published: false, checkRun: null, comment: null });
    expect(result.github?.problems).toEqual([
      expect.stringMatching(/^create check run: POST \/repos\/homelab\/cluster\/check-runs: no answer within 200 ms \(GitHub unreachable\)$/),
    ]);
    expect((await readdir(path.join(repo.dir, "out"))).sort()).toEqual(["report.json", "report.junit.xml", "report.md", "report.sarif"]);
    expect(await readFile(summary, "utf8")).toContain("policy failed");
  });

  it("writes the files and the job summary before the first request to GitHub", async () => {
    const summary = besideRepo("summary.md");
    github.hang({ method: "POST" }, 1);
    const running = prReport(options({ stepSummaryFile: summary, client: { delayUnitMs: 1, timeoutMs: 1_000 } }));
    // While GitHub sits on the first request, the report is already on disk.
    while (github.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await readdir(path.join(repo.dir, "out"))).sort()).toEqual(["report.json", "report.junit.xml", "report.md", "report.sarif"]);
    expect(await readFile(summary, "utf8")).toContain("policy passed");
    const result = await running;
    // The hung attempt was aborted at its deadline and retried; the run then went through.
    expect(result.github?.published).toBe(true);
    expect(github.requestsTo({ method: "POST", path: `/repos/${REPO}/check-runs` })).toHaveLength(2);
  });

  it("passes with exit code 0 when only warnings remain", async () => {
    const result = await prReport(options({ findingsFiles: [await withFindings(2, "warning")] }));
    expect(result.exitCode).toBe(0);
    expect(github.checkRuns[0]!.conclusion).toBe("success");
  });

  it("never lets the token appear in output, files or request bodies", async () => {
    const summary = besideRepo("summary.md");
    github.failNext({ method: "POST", path: `/repos/${REPO}/check-runs` }, { status: 403, body: { message: `denied for ${TOKEN}` } });
    github.failNext({ method: "GET", path: /\/comments$/ }, { status: 500, body: { message: `echo ${TOKEN}` } }, 10);
    const denied = await prReport(options({ findingsFiles: [await withFindings(5)], stepSummaryFile: summary }));
    const unreachable = await prReport(options({ outDir: "out2", github: { token: TOKEN, apiUrl: await unreachableUrl(), repo: REPO, pr: 7 } }));

    expect(denied.github?.problems.some((p) => p.includes("***"))).toBe(true);
    const everything = [
      warnings.join("\n"),
      JSON.stringify(denied),
      JSON.stringify(unreachable),
      await everythingWritten(path.join(repo.dir, "out")),
      await everythingWritten(path.join(repo.dir, "out2")),
      await readFile(summary, "utf8"),
      github.requests.map((r) => r.rawBody).join("\n"),
    ].join("\n");
    expect(everything).not.toContain(TOKEN);
    // The token did go where it belongs.
    expect(github.requests.every((r) => r.headers.authorization === `token ${TOKEN}`)).toBe(true);
  });
});
