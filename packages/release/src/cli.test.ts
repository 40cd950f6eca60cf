import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createTempGitRepo, type TempGitRepo } from "@homelab/test-fixtures";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { renderedDiff } from "@homelab/git";
import { configFile, REPO_ROOT, renderWorkspace, workspaceFiles } from "./testing.js";

const BIN = path.join(REPO_ROOT, "packages/cli/bin/homelab.js");

let repo: TempGitRepo;

/** The real `homelab` binary, outside GitHub Actions (no GITHUB_* or NX_* variables). */
function homelab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args, "--root", repo.dir],
      { cwd: repo.dir, env: { PATH: process.env.PATH ?? "", HOME: repo.dir } },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeEach(async () => {
  repo = await createTempGitRepo("homelab-release-cli-");
  await repo.write(workspaceFiles());
  await renderWorkspace(repo.dir);
  await repo.commit("base");
});
afterEach(async () => {
  await repo.cleanup();
});

describe("homelab release", () => {
  it("gate exits 1 naming the component, changeset adds the fix, then the gate exits 0; tag lists per-component tags", async () => {
    await repo.write({ "packages/components/beta/values.json": `${JSON.stringify({ replicaCount: 4 })}\n` });
    await renderWorkspace(repo.dir);
    await repo.commit("beta: four replicas");

    const failing = await homelab("release", "gate", "--base", "HEAD~1");
    expect(failing.code).toBe(1);
    expect(failing.stderr).toContain("beta (@homelab/component-beta): rendered output changed (1 file) without a changeset");
    expect(failing.stderr).toContain("add one: npx changeset  (select @homelab/component-beta");
    const annotated = await homelab("release", "gate", "--base", "HEAD~1", "--format", "github");
    expect(annotated.code).toBe(1);
    expect(annotated.stdout).toBe(
      "::error title=changeset missing: beta::rendered output changed (1 file) without a changeset for @homelab/component-beta. Add one: npx changeset (select @homelab/component-beta)\n",
    );

    const added = await homelab("release", "changeset", "beta", "--bump", "minor", "--summary", "Four replicas for beta");
    expect(added).toEqual({ code: 0, stdout: "changeset: wrote .changeset/four-replicas-for-beta.md (@homelab/component-beta minor)\n", stderr: "" });
    expect(await readFile(path.join(repo.dir, ".changeset/four-replicas-for-beta.md"), "utf8")).toBe(
      '---\n"@homelab/component-beta": minor\n---\n\nFour replicas for beta\n',
    );
    await repo.commit("changeset");
    const passing = await homelab("release", "gate", "--base", "HEAD~2", "--format", "json");
    expect(passing.code).toBe(0);
    expect(JSON.parse(passing.stdout).components).toEqual([
      {
        component: "beta",
        package: "@homelab/component-beta",
        change: "changed",
        files: 1,
        covered: true,
        by: "changeset",
        changesets: ["four-replicas-for-beta"],
        reason: null,
      },
    ]);

    const tags = await homelab("release", "tag", "--dry-run");
    expect(tags.code).toBe(0);
    expect(tags.stdout.split("\n").slice(1)).toEqual(["  would tag @homelab/core@0.1.0", "  would tag alpha@0.1.0", "  would tag beta@0.1.0", ""]);
    expect(await repo.git("tag", "--list")).toBe("");
  });

  it("chart-upgrade after Renovate's pin bump: re-renders and adds a changeset, so the gate passes", async () => {
    await repo.commit("config", { "homelab.config.ts": configFile() });
    const manifestFile = path.join(repo.dir, "packages/components/alpha/package.json");
    // What Renovate's regex manager writes: the new version where the old one was matched.
    await repo.write({ "packages/components/alpha/package.json": (await readFile(manifestFile, "utf8")).replace('"version": "1.2.3"', '"version": "1.3.0"') });

    const upgraded = await homelab("release", "chart-upgrade", "packages/components/alpha", "--skip-codegen", "--bump", "minor");
    expect(upgraded.stderr).toBe("");
    expect(upgraded.code).toBe(0);
    expect(upgraded.stdout.split("\n").slice(1)).toEqual(["changeset: wrote .changeset/chart-demo-1-3-0.md (@homelab/component-alpha minor)", ""]);
    const head = await repo.commit("Update chart demo to 1.3.0");

    const gate = await homelab("release", "gate", "--base", "HEAD~1");
    expect(gate.code).toBe(0);
    const diffs = await renderedDiff({ root: repo.dir, base: `${head}~1`, head });
    expect(diffs.filter((d) => d.change !== "unchanged").map((d) => [d.component, d.chartChanged, d.head?.chart?.version])).toEqual([["alpha", true, "1.3.0"]]);
  });

  it("bad input is a usage error with exit code 2", async () => {
    const unknown = await homelab("release", "changeset", "gamma", "--summary", "x");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("homelab: not a workspace package or component: gamma; components: alpha, beta\n");
    const noBase = await homelab("release", "gate");
    expect(noBase.code).toBe(2);
    expect(noBase.stderr).toContain("no base revision");
  });
});
