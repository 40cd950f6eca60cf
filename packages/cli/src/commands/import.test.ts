import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { Io } from "../spec.js";
import { main } from "../main.js";

// Targets inside the repository (gitignored .tmp/) so the written package resolves @homelab/* when it is rendered.
const TMP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../.tmp");
mkdirSync(TMP, { recursive: true });
const dir = mkdtempSync(path.join(TMP, "cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function wrapper(name: string, values: string): string {
  const folder = path.join(dir, "gitops", "cluster-init-apps", name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    path.join(folder, "Chart.yaml"),
    "apiVersion: v2\nname: lb\nversion: 1.0.0\ndependencies:\n  - name: metallb\n    version: 0.16.1\n    repository: https://metallb.github.io/metallb\n",
  );
  writeFileSync(path.join(folder, "values.yaml"), values);
  return folder;
}

function io(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { cwd: dir, env: {}, stdout: (t) => out.push(t), stderr: (t) => err.push(t), out, err };
}

describe("homelab import (command)", () => {
  it("exit 0 and says so when the render is semantically equal", async () => {
    const folder = wrapper("lb-equal", "metallb:\n  controller:\n    logLevel: info\n");
    const captured = io();
    const code = await main(["import", folder, "--root", path.join(dir, "root"), "--source-root", path.join(dir, "gitops")], captured);
    expect(code).toBe(0);
    const text = captured.out.join("");
    expect(text).toContain("imported wrapper chart as component lb-equal (@homelab/component-lb-equal) in packages/components/lb-equal\n");
    expect(text).toContain("\nrender: semantically equal to the original (chart, values, manifests)\n");
    expect(text).toContain('homelab.config.ts: import { lbEqual } from "@homelab/component-lb-equal";  and add lbEqual to components (layer init)');
  }, 60_000);

  it("exit 1 with the differences when the original values cannot render as they are", async () => {
    const folder = wrapper("lb-bad", "metallb:\n  controller:\n    logLevel: loud\n");
    const captured = io();
    const code = await main(["import", folder, "--root", path.join(dir, "root"), "--source-root", path.join(dir, "gitops"), "--format", "json"], captured);
    expect(code).toBe(1);
    const result = JSON.parse(captured.out.join("")) as { valueIssues: string[]; comparison: { equal: boolean; differences: string[] } };
    expect(result.valueIssues).toEqual([expect.stringMatching(/^cluster-init-apps\/lb-bad\/values\.yaml:3:5: controller\.logLevel: must be/)]);
    expect(result.comparison.equal).toBe(false);
    expect(result.comparison.differences[0]).toBe("render fails: values of component lb-bad do not match chart metallb@0.16.1");
  }, 60_000);
});
