import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { HomelabError } from "@homelab/errors";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Application, DefinedApplication } from "./applications.js";
import { parseValuesYaml, planApplication } from "./plan.js";

const REPO_URL = "https://git.example.test/homelab.git";

describe("parseValuesYaml", () => {
  it("reads values as Helm's YAML library does", () => {
    expect(parseValuesYaml("a: yes\nb: 10:30\nc: 2001-12-14\nd: 0777\ne: on\nf: '007'\n", "v.yaml")).toEqual({
      a: true,
      b: "10:30",
      c: "2001-12-14",
      d: 511,
      e: true,
      f: "007",
    });
    expect(parseValuesYaml("", "v.yaml")).toEqual({});
  });

  it("names file and line of a duplicate key or a non-mapping", () => {
    expect(() => parseValuesYaml("a: 1\na: 2\n", "v.yaml")).toThrow(HomelabError);
    try {
      parseValuesYaml("a: 1\nb: [\n", "v.yaml");
      expect.unreachable();
    } catch (error) {
      expect((error as HomelabError).position?.file).toBe("v.yaml");
    }
    expect(() => parseValuesYaml("- a\n", "v.yaml")).toThrow(/mapping at the top level/);
  });
});

describe("planApplication", () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), "hydrate-plan-"));
    mkdirSync(path.join(root, "vals"), { recursive: true });
    writeFileSync(path.join(root, "vals/a.yaml"), "x: a\n");
    writeFileSync(path.join(root, "vals/b.yaml"), "x: b\n");
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const defined = (helm: Record<string, unknown>, extra: Partial<Application["spec"]> = {}): DefinedApplication => ({
    application: {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name: "demo" },
      spec: {
        destination: { server: "https://kubernetes.default.svc", namespace: "dest" },
        sources: [
          { repoURL: "https://charts.example.test", chart: "demo", targetRevision: "1.0.0", helm },
          { repoURL: REPO_URL, targetRevision: "main", ref: "values" },
        ],
        ...extra,
      },
    },
    origin: { file: "apps-root-config/applications/demo.yaml", line: 3, applicationSet: "demo", component: "demo" },
  });
  const plan = async (helm: Record<string, unknown>) => {
    const p = await planApplication(defined(helm), { root, repoURL: `${REPO_URL.toUpperCase()}/` });
    const source = p.sources[0]!;
    if (source.type !== "helm") throw new Error("expected a chart source");
    return source;
  };

  it("keeps value files in order, puts valuesObject after them and prefers it to values", async () => {
    const source = await plan({ valueFiles: ["$values/vals/b.yaml", "$values/vals/a.yaml"], values: "x: str\n", valuesObject: { x: "obj" } });
    expect(source.valueFiles.map((f) => f.file)).toEqual(["vals/b.yaml", "vals/a.yaml"]);
    expect(source.inline).toEqual({ kind: "valuesObject", values: { x: "obj" } });
    expect((await plan({ values: "x: str\n" })).inline).toEqual({ kind: "values", values: { x: "str" } });
  });

  it("names the release after the Application unless helm.releaseName, and uses helm.namespace over the destination", async () => {
    expect(await plan({})).toMatchObject({ releaseName: "demo", namespace: "dest", includeCrds: true });
    expect(await plan({ releaseName: "other", namespace: "elsewhere", skipCrds: true })).toMatchObject({
      releaseName: "other",
      namespace: "elsewhere",
      includeCrds: false,
    });
  });

  it("refuses what it would render differently from ArgoCD, with the Application's position", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ parameters: [{ name: "a", value: "b" }] }, /helm\.parameters/],
      [{ valueFiles: ["values-prod.yaml"] }, /relative to the chart/],
      [{ valueFiles: ["$other/vals/a.yaml"] }, /no source has ref: other/],
      [{ valueFiles: ["https://example.test/v.yaml"] }, /remote value file/],
      [{ valueFiles: ["$values/vals/missing.yaml"] }, /does not exist/],
      [{ releaseName: "x".repeat(54) }, /not a valid Helm release name/],
    ];
    for (const [helm, message] of cases) {
      await expect(plan(helm)).rejects.toSatisfy((error: unknown) => {
        const e = error as HomelabError;
        return e instanceof HomelabError && message.test(e.message) && e.position?.file === "apps-root-config/applications/demo.yaml" && e.position.line === 3;
      });
    }
    expect(
      (await plan({ valueFiles: ["$values/vals/missing.yaml", "$values/vals/a.yaml"], ignoreMissingValueFiles: true })).valueFiles.map((f) => f.file),
    ).toEqual(["vals/a.yaml"]);
  });

  it("reads a path source only from this repository", async () => {
    const app = defined({}, { sources: [{ repoURL: "https://elsewhere.test/x.git", targetRevision: "main", path: "vals" }] });
    await expect(planApplication(app, { root, repoURL: REPO_URL })).rejects.toThrow(/not this repository/);
    const ours = defined({}, { sources: [{ repoURL: REPO_URL, targetRevision: "main", path: "vals" }] });
    const planned = await planApplication(ours, { root, repoURL: REPO_URL });
    expect(planned.sources).toEqual([{ type: "directory", index: 0, repoURL: REPO_URL, path: "vals", recurse: false, files: ["vals/a.yaml", "vals/b.yaml"] }]);
  });
});
