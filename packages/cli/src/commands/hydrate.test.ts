import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { main } from "../main.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");

async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { cwd: repoRoot, env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("homelab hydrate", () => {
  it("is listed in the help with its flags", async () => {
    const help = await run(["hydrate", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: homelab hydrate \[components\.\.\.\] \[options\]/);
    expect(help.stdout).toContain("--charts-dir DIR");
    expect(help.stdout).toMatch(/--offline\s+never touch the network/);
    expect(help.stdout).toMatch(/--no-cache\s+render every release again/);
  });

  it("names the components it knows when given one without Applications, exit 2 before rendering anything", async () => {
    const result = await run(["hydrate", "no-such-component", "--charts-dir", repoRoot]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^homelab: no Application belongs to component no-such-component/);
    expect(result.stderr).toMatch(/traefik/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports a chart the mirror lacks with the flag that fixes it, exit 2", async () => {
    const result = await run(["hydrate", "metallb"], { HOMELAB_CHART_PACKAGES_DIR: path.join(repoRoot, "packages") });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the chart mirror .* has no /);
    expect(result.stderr).toContain("--charts-dir");
  });

  it("without --charts-dir hydrates through the chart lock: a chart missing from the cache offline is one clear error naming the fetch command, exit 2", async () => {
    const cold = path.join(os.tmpdir(), `homelab-hydrate-cold-${process.pid}`);
    const result = await run(["hydrate", "metallb"], { HOMELAB_CHART_CACHE: cold, HOMELAB_OFFLINE: "1" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^homelab: chart \S+ \S+ is not in the chart cache \(.*homelab-hydrate-cold-\d+\) and offline mode is on\n {2}hint: run `npx homelab charts fetch`/,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("--offline is the same offline mode without the environment variable", async () => {
    const cold = path.join(os.tmpdir(), `homelab-hydrate-cold-flag-${process.pid}`);
    const result = await run(["hydrate", "metallb", "--offline"], { HOMELAB_CHART_CACHE: cold });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^homelab: chart \S+ \S+ is not in the chart cache \(.*homelab-hydrate-cold-flag-\d+\) and offline mode is on\n/);
  });
});
