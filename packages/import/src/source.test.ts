import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readSource } from "./source.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), "homelab-import-source-"));
  dirs.push(root);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), text);
  }
  return root;
}

const application = (sources: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
spec:
  destination:
    namespace: web
  sources:
${sources}`;

const chartSource = (valueFile: string) => `    - repoURL: https://charts.example.com
      chart: web
      targetRevision: 1.0.0
      helm:
        valueFiles:
          - ${valueFile}
          - in-chart.yaml
          - 7
    - repoURL: https://git.example/gitops.git
      ref: values
`;

describe("readSource of an Application folder", () => {
  it("merges the repository value files, notes the ones it cannot carry over, and takes the destination namespace", () => {
    const root = repo({
      "apps/web/application.yaml": application(chartSource("$values/apps/web/values.yaml")),
      "apps/web/values.yaml": "replicas: 2\n",
    });
    const source = readSource({ folder: path.join(root, "apps/web"), sourceRoot: root });
    expect(source).toMatchObject({ kind: "application", chart: { name: "web", version: "1.0.0" }, namespace: "web", values: { replicas: 2 } });
    expect(source.notes).toEqual([
      "apps/web/application.yaml: value file 7 is not a path: not carried over",
      'apps/web/application.yaml: value file "in-chart.yaml" is not a `$ref/` path into this repository: not carried over',
    ]);
  });

  it("refuses a value file that climbs out of the source repository, at the Application's line, before reading it", () => {
    const root = repo({ "apps/web/application.yaml": application(chartSource("$values/../outside.yaml")) });
    expect(() => readSource({ folder: path.join(root, "apps/web"), sourceRoot: root })).toThrow(
      expect.objectContaining({
        code: "PATH_OUTSIDE",
        message: 'value file "../outside.yaml" leaves the source repository',
        position: expect.objectContaining({ file: "apps/web/application.yaml", line: 14 }),
      }),
    );
  });

  it("refuses a directory source that climbs out of the source repository", () => {
    const root = repo({
      "apps/web/application.yaml": application(`${chartSource("$values/apps/web/values.yaml")}    - repoURL: https://git.example/gitops.git
      path: ../../etc
`),
      "apps/web/values.yaml": "replicas: 2\n",
    });
    expect(() => readSource({ folder: path.join(root, "apps/web"), sourceRoot: root })).toThrow(
      expect.objectContaining({ code: "PATH_OUTSIDE", message: 'source path "../../etc" leaves the source repository' }),
    );
  });
});

describe("readSource of a wrapper chart", () => {
  it("names the dependency's own place in the list when it lacks a version, even after entries that are not mappings", () => {
    const root = repo({
      "apps/db/Chart.yaml":
        "apiVersion: v2\nname: db\nversion: 0.1.0\ndependencies:\n  - junk\n  - name: postgresql\n    repository: https://charts.example.com\n",
    });
    expect(() => readSource({ folder: path.join(root, "apps/db"), sourceRoot: root })).toThrow(
      expect.objectContaining({ code: "CHART_INVALID", position: expect.objectContaining({ file: "apps/db/Chart.yaml", line: 6 }) }),
    );
  });
});
