// Integration: the release package's changeset gate plugged into the report, as the CLI plugs it in.
import { readFile } from "node:fs/promises";
import { createTempGitRepo, startFakeGitHub, type FakeGitHub, type TempGitRepo } from "@homelab/test-fixtures";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { changesetGate } from "@homelab/release";
import { renderWorkspace, workspaceFiles } from "@homelab/release/testing";
import { prReport } from "./report.js";

const TOKEN = "test-token-not-a-secret";
const REPO = "homelab/cluster";

let repo: TempGitRepo;
let github: FakeGitHub;
let base: string;

beforeEach(async () => {
  repo = await createTempGitRepo("homelab-release-report-");
  github = await startFakeGitHub({ token: TOKEN, repo: REPO });
  await repo.write(workspaceFiles());
  await renderWorkspace(repo.dir);
  base = await repo.commit("base");
  await repo.write({ "packages/components/alpha/values.json": `${JSON.stringify({ replicaCount: 3 })}\n` });
  await renderWorkspace(repo.dir);
});
afterEach(async () => {
  await github.close();
  await repo.cleanup();
});

function report(head: string) {
  return prReport({
    root: repo.dir,
    base,
    head,
    outDir: "out",
    github: { token: TOKEN, apiUrl: github.url, repo: REPO, pr: 7 },
    client: { delayUnitMs: 1 },
    changesetGate: (range) => changesetGate({ ...range, mergeBase: false }),
  });
}

describe("the changeset gate in the pull-request report", () => {
  it("fails the check run and lists the component without a changeset, while the exit code stays the policy's", async () => {
    const head = await repo.commit("alpha: three replicas");
    const result = await report(head);
    expect(result.exitCode).toBe(0);
    expect(result.report.conclusion).toBe("failure");
    expect(result.report.changesets?.uncovered.map((c) => c.component)).toEqual(["alpha"]);
    const run = github.checkRuns[0]!;
    expect(run.conclusion).toBe("failure");
    const summary = String(run.output?.summary);
    expect(summary).toContain("❌ 1 component changed without a changeset");
    expect(summary).toContain(
      "### Components changed without a changeset\n\n| component | package | why |\n|---|---|---|\n| alpha | `@homelab/component-alpha` | rendered output changed (1 file) without a changeset for @homelab/component-alpha |",
    );
    expect(summary).toContain('npx homelab release changeset alpha --bump patch --summary "<what changed>"');
    const markdown = await readFile(result.files.markdown, "utf8");
    expect(markdown).toContain("## Components changed without a changeset");
    expect(github.problems).toEqual([]);
  });

  it("passes with a changeset for the component", async () => {
    const head = await repo.commit("alpha: three replicas", { ".changeset/alpha.md": '---\n"@homelab/component-alpha": patch\n---\n\nThree replicas.\n' });
    const result = await report(head);
    expect(result.report.conclusion).toBe("success");
    expect(result.report.changesets?.ok).toBe(true);
    expect(String(github.checkRuns[0]!.output?.summary)).not.toContain("without a changeset");
    expect(github.problems).toEqual([]);
  });
});
