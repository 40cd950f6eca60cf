import { readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordFixtureText } from "@homelab/layout/testing";
import { createTempGitRepo, startFakeGitHub, unreachableUrl, type FakeGitHub, type TempGitRepo } from "@homelab/test-fixtures";
import { main } from "../main.js";

const TOKEN = "test-token-not-a-secret";
const REPO = "homelab/cluster";

let repo: TempGitRepo;
let github: FakeGitHub;
let base: string;
let head: string;

function rendered(replicas: number): Record<string, string> {
  const values = `controller:\n  replicas: ${replicas}\n`;
  const file = "cluster-init-apps/metallb/values.yaml";
  const record = recordFixtureText({
    component: "metallb",
    layer: "init",
    chart: { repoURL: "https://metallb.github.io/metallb", chart: "metallb", version: "0.14.9" },
    contents: { [file]: values },
  });
  return { [file]: values, ".homelab/rendered/metallb.json": record };
}

beforeEach(async () => {
  repo = await createTempGitRepo("cli-pr-report-");
  github = await startFakeGitHub({ token: TOKEN, repo: REPO });
  base = await repo.commit("base", rendered(1));
  head = await repo.commit("head", rendered(2));
});
afterEach(async () => {
  await github.close();
  await repo.cleanup();
  for (const file of beside.splice(0)) await rm(file, { force: true });
});

/** Files the tests write beside the repository (not in it, where they would be untracked files); removed after each test. */
const beside: string[] = [];
function besideRepo(suffix: string): string {
  const file = path.join(repo.dir, "..", `${path.basename(repo.dir)}-${suffix}`);
  beside.push(file);
  return file;
}

async function run(argv: string[], env: Record<string, string>) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { cwd: repo.dir, env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

async function actionsEnv(apiUrl: string): Promise<Record<string, string>> {
  const event = besideRepo("event.json");
  await writeFile(event, JSON.stringify({ pull_request: { number: 12, head: { sha: head }, base: { sha: base } } }));
  return {
    GITHUB_TOKEN: TOKEN,
    GITHUB_REPOSITORY: REPO,
    GITHUB_EVENT_PATH: event,
    GITHUB_API_URL: apiUrl,
    GITHUB_SERVER_URL: "https://github.invalid",
    GITHUB_RUN_ID: "99",
    GITHUB_SHA: "0000000000000000000000000000000000000001",
  };
}

describe("homelab pr-report", () => {
  it("takes repository, PR and SHAs from the GitHub Actions event and publishes there", async () => {
    const findings = besideRepo("findings.json");
    await writeFile(
      findings,
      JSON.stringify({
        violations: [
          { rule: "replica-count", severity: "error", component: "metallb", file: "metallb/values.yaml", line: 2, message: "controller needs 2 replicas" },
        ],
        summary: {},
      }),
    );
    const { code, stdout, stderr } = await run(
      ["pr-report", "--root", repo.dir, "--findings", findings, "--findings-base", "cluster-init-apps", "--retry-delay-ms", "1"],
      await actionsEnv(github.url),
    );
    expect(stderr).toBe("");
    expect(code).toBe(1);
    expect(stdout.split("\n")[0]).toBe("pr-report: ❌ policy failed: 1 error, 0 warnings; 1 affected component");
    expect(github.checkRuns.map((r) => [r.head_sha, r.conclusion, r.annotations.map((a) => `${a.path}:${a.start_line}`)])).toEqual([
      [head, "failure", ["cluster-init-apps/metallb/values.yaml:2"]],
    ]);
    expect(github.comments.map((c) => c.issue)).toEqual([12]);
    expect(github.problems).toEqual([]);
    expect(await readFile(path.join(repo.dir, ".tmp/pr-report/report.md"), "utf8")).toContain("controller needs 2 replicas");
  });

  it("writes the files, exits 2 and never prints the token when GitHub is unreachable", async () => {
    const { code, stdout, stderr } = await run(
      ["pr-report", "--root", repo.dir, "--out", "reports", "--retry-delay-ms", "1"],
      await actionsEnv(await unreachableUrl()),
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /^pr-report: GitHub: create check run: POST \/repos\/homelab\/cluster\/check-runs: .*\(GitHub unreachable\)\npr-report: GitHub: the result did not reach GitHub \(policy result 0, in the report files\)\n$/,
    );
    expect(`${stdout}${stderr}`).not.toContain(TOKEN);
    expect(await readFile(path.join(repo.dir, "reports/report.json"), "utf8")).not.toContain(TOKEN);
  });

  it("asks for a base revision outside GitHub Actions", async () => {
    const { code, stderr } = await run(["pr-report", "--root", repo.dir], {});
    expect(code).toBe(2);
    expect(stderr).toBe("homelab: no base revision; pass --base REV (GitHub Actions and nx-set-shas provide it)\n");
  });

  it("reports an unknown revision as bad input", async () => {
    const { code, stderr } = await run(["pr-report", "--root", repo.dir, "--base", "no-such-branch"], {});
    expect(code).toBe(2);
    expect(stderr).toContain('unknown git revision "no-such-branch"');
  });
});
