import { describe, expect, it } from "vitest";
import { declaredApplications, readApplication, readChart, valueFileTarget } from "./index.js";

const chartApp = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: {
    name: "grafana",
    labels: { "homelab.dev/component": "monitoring", "homelab.dev/instance": "main" },
    annotations: { "argocd.argoproj.io/sync-wave": "3" },
  },
  spec: {
    destination: { namespace: "monitoring" },
    syncPolicy: { syncOptions: ["ServerSideApply=true", 7], retry: { limit: 5 } },
    sources: [
      {
        repoURL: "https://grafana.github.io/helm-charts",
        chart: "grafana",
        targetRevision: "8.0.0",
        helm: { releaseName: "g", valueFiles: ["$values/apps/grafana/values.yaml", "values-prod.yaml", "$other/x.yaml", 42], valuesObject: { a: 1 } },
      },
      { repoURL: "https://git.example/repo.git", targetRevision: "main", ref: "values" },
      { repoURL: "https://git.example/repo.git", path: "apps/grafana/extra" },
    ],
  },
};

describe("readApplication", () => {
  it("reads labels, wave, sync policy, destination and every source with its path in the Application", () => {
    const app = readApplication(chartApp);
    expect(app).toMatchObject({
      name: "grafana",
      component: "monitoring",
      instance: "main",
      wave: 3,
      syncOptions: ["ServerSideApply=true"],
      retry: true,
      namespace: "monitoring",
    });
    expect([...app.refs]).toEqual(["values"]);
    expect(app.sources.map((s) => [s.at, s.chart, s.path, s.ref])).toEqual([
      [["spec", "sources", 0], "grafana", null, null],
      [["spec", "sources", 1], null, null, "values"],
      [["spec", "sources", 2], null, "apps/grafana/extra", null],
    ]);
    expect(app.sources[0]!.helm).toEqual({
      releaseName: "g",
      valueFiles: [
        { index: 0, entry: "$values/apps/grafana/values.yaml", target: { kind: "repository", ref: "values", path: "apps/grafana/values.yaml" } },
        { index: 1, entry: "values-prod.yaml", target: { kind: "chart", path: "values-prod.yaml" } },
        { index: 2, entry: "$other/x.yaml", target: { kind: "unknown-ref", ref: "other", path: "x.yaml" } },
      ],
      values: null,
      valuesObject: { a: 1 },
      parameters: 0,
    });
    expect(app.skipped).toEqual([{ at: ["spec", "sources", 0, "helm", "valueFiles", 3], why: "value file 42 is not a path" }]);
  });

  it("uses `source` when `sources` is absent or empty, as ArgoCD does", () => {
    const single = { spec: { sources: [], source: { repoURL: "r", chart: "c", targetRevision: "1.0.0", helm: { values: "a: 1\n", parameters: [{}, {}] } } } };
    const app = readApplication(single);
    expect(app.sources).toHaveLength(1);
    expect(app.sources[0]).toMatchObject({ at: ["spec", "source"], chart: "c", targetRevision: "1.0.0" });
    expect(app.sources[0]!.helm).toMatchObject({ values: "a: 1\n", parameters: 2 });
  });

  it("reads a malformed Application as absent fields, never throws", () => {
    const app = readApplication({ metadata: "x", spec: { sources: "y", syncPolicy: { syncOptions: "z" } } });
    expect(app).toMatchObject({ name: null, component: null, wave: null, syncOptions: [], retry: false, namespace: null, sources: [] });
    expect(readApplication({ metadata: { name: "", annotations: { "argocd.argoproj.io/sync-wave": "soon" } } })).toMatchObject({ name: null, wave: null });
  });
});

describe("declaredApplications", () => {
  const set = {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "ApplicationSet",
    metadata: { name: "traefik", labels: { "homelab.dev/component": "traefik" }, annotations: { "argocd.argoproj.io/sync-wave": "2" } },
    spec: {
      goTemplate: true,
      generators: [{ list: { elements: [{ instance: "public", version: "41.0.0" }, "junk", { instance: "private", version: "41.0.0" }] } }, { git: {} }],
      template: {
        metadata: { name: "traefik-{{.instance}}" },
        spec: { source: { repoURL: "https://traefik.github.io/charts", chart: "traefik", targetRevision: "{{ .version }}" } },
      },
    },
  };

  it("makes one Application per list element, rendered, with the set that made it; what it cannot read offline it skips", () => {
    const apps = declaredApplications(set);
    expect(apps.map((a) => a.application.name)).toEqual(["traefik-public", "traefik-private"]);
    expect(apps[1]!.set).toEqual({ name: "traefik", component: "traefik", wave: 2, element: ["spec", "generators", 0, "list", "elements", 2] });
    expect(apps[0]!.application.component).toBeNull();
    expect(apps[0]!.application.sources[0]!.targetRevision).toBe("41.0.0");
  });

  it("maps paths into the template, and a templated field to the list element that set it", () => {
    const [first] = declaredApplications(set);
    expect(first!.at(["spec", "source", "targetRevision"])).toEqual(["spec", "template", "spec", "source", "targetRevision"]);
    expect(first!.origin(["spec", "source", "targetRevision"])).toEqual(["spec", "generators", 0, "list", "elements", 0, "version"]);
    expect(first!.origin(["spec", "source", "chart"])).toBeNull();
  });

  it("is the document itself for an Application, and nothing for other objects", () => {
    const [app] = declaredApplications(chartApp);
    expect(app!.set).toBeNull();
    expect(app!.at(["spec", "source"])).toEqual(["spec", "source"]);
    expect(app!.object).toBe(chartApp);
    expect(declaredApplications({ apiVersion: "v1", kind: "ConfigMap" })).toEqual([]);
    expect(declaredApplications({ apiVersion: "example.com/v1", kind: "Application" })).toEqual([]);
  });
});

describe("valueFileTarget", () => {
  it("tells repository, chart and unknown-ref value files apart", () => {
    const refs = new Set(["values"]);
    expect(valueFileTarget("$values/a/b.yaml", refs)).toEqual({ kind: "repository", ref: "values", path: "a/b.yaml" });
    expect(valueFileTarget("$nope/a.yaml", refs)).toEqual({ kind: "unknown-ref", ref: "nope", path: "a.yaml" });
    expect(valueFileTarget("values-prod.yaml", refs)).toEqual({ kind: "chart", path: "values-prod.yaml" });
  });
});

describe("readChart", () => {
  it("reads a wrapper chart's dependencies with their key (alias, else name) and their place in the list", () => {
    const chart = readChart({
      name: "wrapper",
      version: "0.1.0",
      dependencies: [
        { name: "cloudnative-pg", version: "0.22.0", repository: "https://cloudnative-pg.github.io/charts", alias: "cnpg" },
        "junk",
        { name: "redis", version: 1.5 },
      ],
    });
    expect(chart).toEqual({
      name: "wrapper",
      version: "0.1.0",
      dependencies: [
        { index: 0, name: "cloudnative-pg", alias: "cnpg", key: "cnpg", version: "0.22.0", repository: "https://cloudnative-pg.github.io/charts" },
        { index: 2, name: "redis", alias: null, key: "redis", version: "1.5", repository: null },
      ],
    });
  });

  it("is undefined for what is not a chart", () => {
    expect(readChart(null)).toBeUndefined();
    expect(readChart({ version: "1.0.0" })).toBeUndefined();
    expect(readChart({ name: "" })).toBeUndefined();
  });
});
