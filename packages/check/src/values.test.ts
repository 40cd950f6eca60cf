import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { recordFixtureText } from "@homelab/layout/testing";
import { check } from "./index.js";

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "homelab-check-values-"));
  temps.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

const APP = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: metallb
  namespace: argocd
spec:
  project: default
  source:
    repoURL: https://metallb.github.io/metallb
    chart: metallb
    targetRevision: VERSION
    helm:
      valuesObject:
        speaker:
          tolerateMastr: true
  destination:
    server: https://kubernetes.default.svc
    namespace: metallb-system
`;

describe("rule values", () => {
  it("validates an Application's valuesObject against the chart's generated schema, at the key's line", async () => {
    const dir = tree({ "cluster-init-apps/metallb.yaml": APP.replace("VERSION", "0.16.1") });
    const result = await check({ dir, root: dir, schema: false });
    expect(result.violations.map((v) => `${v.rule} ${v.code} ${v.file}:${v.line}:${v.column} ${v.message}`)).toEqual([
      'values unknown-key cluster-init-apps/metallb.yaml:15:11 speaker.tolerateMastr: unknown key "tolerateMastr"; did you mean "tolerateMaster"? (chart metallb@0.16.1)',
    ]);
  });

  it("leaves charts and versions without a schema here to the policies", async () => {
    const dir = tree({ "cluster-init-apps/metallb.yaml": APP.replace("VERSION", "0.15.0") });
    const result = await check({ dir, root: dir, schema: false });
    expect(result.violations).toEqual([]);
    expect(result.rules.find((r) => r.id === "values")?.severity).toBe("error");
  });

  it("does not re-validate values files render wrote (render validated them), and is off with values: false", async () => {
    const record = recordFixtureText({
      component: "metallb",
      layer: "init",
      chart: { repoURL: "https://metallb.github.io/metallb", chart: "metallb", version: "0.16.1" },
      instances: [{ name: "metallb", releaseName: "metallb", namespace: "metallb", valuesFile: "cluster-init-apps/metallb/values.yaml", manifestsDir: null }],
    });
    const dir = tree({
      ".homelab/rendered/metallb.json": record,
      "cluster-init-apps/metallb/values.yaml": "speaker:\n  tolerateMastr: true\n",
    });
    expect((await check({ dir, root: dir, schema: false })).violations).toEqual([]);
    const app = tree({ "cluster-init-apps/metallb.yaml": APP.replace("VERSION", "0.16.1") });
    expect((await check({ dir: app, root: app, schema: false, values: false })).violations).toEqual([]);
  });
});
