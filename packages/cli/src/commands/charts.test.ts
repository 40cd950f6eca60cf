import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCK_FILE, packageChart } from "@homelab/helm";
import { helmRepo, type HelmRepo } from "@homelab/test-fixtures/helm-repo";
import { describeWithMirror } from "@homelab/test-fixtures/mirrors";
import { main } from "../main.js";
import { LOCK_FILE_NAME } from "./charts.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const work = mkdtempSync(path.join(tmpdir(), "homelab-cli-charts-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(argv: string[], env: Record<string, string> = {}, cwd = repoRoot) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { cwd, env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("homelab charts", () => {
  it("names the lock file in its help as @homelab/helm does", () => {
    expect(LOCK_FILE_NAME).toBe(LOCK_FILE);
  });

  it("the committed lock matches every component's chart pin", async () => {
    const result = await run(["charts", "verify", "--no-cache"]);
    expect(result.stdout).toMatch(/^charts\.lock\.yaml: 13 chart\(s\) locked, matching the pins\n$/);
    expect(result.code).toBe(0);
  });

  it("offline with a cold cache: one clear error naming the fetch command, exit 2", async () => {
    const result = await run(["charts", "fetch", "--offline"], { HOMELAB_CHART_CACHE: path.join(work, "cold") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^homelab: chart \S+ \S+ is not in the chart cache \(.*cold\) and offline mode is on\n {2}hint: run `npx homelab charts fetch`/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("verify lists every chart missing from the cache, exit 1", async () => {
    const result = await run(["charts", "verify"], { HOMELAB_CHART_CACHE: path.join(work, "empty") });
    expect(result.code).toBe(1);
    expect(result.stdout.trim().split("\n")).toHaveLength(13);
    expect(result.stdout).toContain("traefik@41.3.0: not in the chart cache");
  });
});

describeWithMirror("chart-packages", "homelab charts against the loopback mirror", (mirror) => {
  let repo: HelmRepo;
  beforeAll(async () => {
    repo = await helmRepo(mirror, { packageChart });
  }, 300_000);
  afterAll(() => repo.close());

  it("the committed lock holds the digests of the mirror's reproducible packages: fetch verifies all 13, then works offline", async () => {
    const env = { HOMELAB_CHART_CACHE: path.join(work, "warm") };
    const fetched = await run(["charts", "fetch", "--repo-override", repo.url], env);
    expect(fetched.stderr).toBe(
      fetched.stderr
        .split("\n")
        .filter((l) => l === "" || l.startsWith("charts: fetched "))
        .join("\n"),
    );
    expect(fetched.stdout).toMatch(/^13 chart\(s\) verified in .*warm \(13 downloaded, 0 already cached\)\n$/);
    expect(fetched.code).toBe(0);
    const before = repo.requests.length;
    const offline = await run(["charts", "fetch"], { ...env, HOMELAB_OFFLINE: "1" });
    expect(offline.stdout).toMatch(/\(0 downloaded, 13 already cached\)/);
    expect((await run(["charts", "verify"], env)).code).toBe(0);
    expect(repo.requests.length).toBe(before);
  });

  it("lock in a copy of the repository: a new pin is resolved, the others keep their digests", async () => {
    const copy = path.join(work, "repo");
    for (const file of ["package.json", "homelab.config.ts", "charts.lock.yaml"]) cpSync(path.join(repoRoot, file), path.join(copy, file));
    cpSync(path.join(repoRoot, "packages/components"), path.join(copy, "packages/components"), {
      recursive: true,
      filter: (source) => !source.includes("node_modules"),
    });
    const lockFile = path.join(copy, "charts.lock.yaml");
    const original = readFileSync(lockFile, "utf8");
    // Forget metallb: `lock` must resolve it again from the mirror and leave every other entry as it was.
    writeFileSync(lockFile, original.replace(/ {2}- chart: metallb\n(?: {4}.*\n){3}/, ""));
    expect(readFileSync(lockFile, "utf8")).not.toContain("metallb");
    const env = { HOMELAB_CHART_CACHE: path.join(work, "lock-cache") };
    const result = await run(["charts", "lock", "--repo-override", repo.url, "--root", copy], env, copy);
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(/^charts: locked metallb \S+ sha256:[0-9a-f]{64} \(from http:\/\/127\.0\.0\.1:\d+\/charts\)$/),
    ]);
    expect(readFileSync(lockFile, "utf8")).toBe(original);
  });
});
