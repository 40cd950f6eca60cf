import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packageChart, parseLock } from "@homelab/helm";
import { createTempGitRepo, type TempGitRepo } from "@homelab/test-fixtures";
import { helmRepo, type HelmRepo } from "@homelab/test-fixtures/helm-repo";
import { configFile, REPO_ROOT, renderWorkspace, workspaceFiles } from "./testing.js";

const BIN = path.join(REPO_ROOT, "packages/cli/bin/homelab.js");
const work = mkdtempSync(path.join(tmpdir(), "homelab-chart-upgrade-"));
let repo: TempGitRepo;
let charts: HelmRepo;

function homelab(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args, "--root", repo.dir],
      { cwd: repo.dir, env: { PATH: process.env.PATH ?? "", HOME: work, HOMELAB_CHART_CACHE: path.join(work, "cache") } },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

beforeAll(async () => {
  // Two versions of a small chart, served by a loopback Helm repository as a real one serves them.
  const packages = path.join(work, "chart-packages");
  for (const version of ["1.2.3", "1.3.0"]) {
    const dir = path.join(packages, "demo", version);
    mkdirSync(path.join(dir, "templates"), { recursive: true });
    writeFileSync(path.join(dir, "Chart.yaml"), `apiVersion: v2\nname: demo\nversion: ${version}\n`);
    writeFileSync(path.join(dir, "templates", "cm.yaml"), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo-${version}\n`);
  }
  charts = await helmRepo(packages, { packageChart });
  repo = await createTempGitRepo("homelab-chart-upgrade-repo-");
  const files = workspaceFiles();
  for (const [file, text] of Object.entries(files)) files[file] = text.replaceAll("https://charts.example.invalid", charts.url);
  await repo.write({ ...files, "homelab.config.ts": configFile() });
  await renderWorkspace(repo.dir);
  await repo.commit("base");
}, 120_000);
afterAll(async () => {
  await charts?.close();
  await repo?.cleanup();
  rmSync(work, { recursive: true, force: true });
});

describe("homelab release chart-upgrade with a chart lock", () => {
  it("locks the new pin in the same change, fetched from the pinned repository; the old pin another component uses stays", async () => {
    const locked = await homelab("charts", "lock");
    expect(locked.code).toBe(0);
    const before = parseLock(await readFile(path.join(repo.dir, "charts.lock.yaml"), "utf8"), "charts.lock.yaml");
    const digest = (version: string) => `sha256:${charts.charts.find((c) => c.version === version)!.digest}`;
    expect(before.charts).toEqual([{ chart: "demo", version: "1.2.3", repository: charts.url, digest: digest("1.2.3") }]);
    await repo.commit("lock");

    const manifestFile = path.join(repo.dir, "packages/components/alpha/package.json");
    await repo.write({ "packages/components/alpha/package.json": (await readFile(manifestFile, "utf8")).replace('"version": "1.2.3"', '"version": "1.3.0"') });
    const upgraded = await homelab("release", "chart-upgrade", "packages/components/alpha", "--skip-codegen", "--bump", "minor");
    expect(upgraded.code).toBe(0);
    expect(upgraded.stdout.split("\n")[0]).toBe(`charts: wrote charts.lock.yaml (demo 1.3.0 ${digest("1.3.0")})`);
    expect(upgraded.stderr).toBe(`charts: locked demo 1.3.0 ${digest("1.3.0")} (from ${charts.url})\n`);
    const after = parseLock(await readFile(path.join(repo.dir, "charts.lock.yaml"), "utf8"), "charts.lock.yaml");
    expect(after.charts).toEqual([before.charts[0], { chart: "demo", version: "1.3.0", repository: charts.url, digest: digest("1.3.0") }]);
    expect(charts.requests).toContain("/charts/demo-1.3.0.tgz");

    // The lock is part of the same change: verify (offline) agrees with the pins.
    const verify = await homelab("charts", "verify");
    expect(verify).toMatchObject({ code: 0, stdout: "charts.lock.yaml: 2 chart(s) locked, matching the pins, all cached with their digests\n" });
  });
});
