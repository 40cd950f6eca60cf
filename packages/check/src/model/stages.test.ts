import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { declaredApplications } from "@homelab/sources";
import { YamlSource } from "@homelab/yaml";
import type { RenderRecord } from "@homelab/layout";
import { policyConfig } from "../check.js";
import { loadTree } from "../load.js";
import { buildModel } from "../model.js";
import { classifyDocuments, documentFacts } from "./documents.js";
import { recordFacts } from "./records.js";
import { applicationComponent, resolveSources, type PlacedApplication } from "./sources.js";
import { DEFAULT_LAYERS, type Place } from "./types.js";

const place: Place = { root: "/repo", layers: DEFAULT_LAYERS, repoRel: (f) => f };
const file = (path: string, text: string) => ({ file: path, source: YamlSource.parse(text, path) });

const app = (spec: string, metadata = "{name: grafana}"): PlacedApplication => {
  const object = YamlSource.parse(`apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: ${metadata}\nspec: ${spec}\n`, "a.yaml").documents[0]!
    .value as Record<string, unknown>;
  const [declared] = declaredApplications(object);
  return { declared: declared!, file: "apps/a.yaml", index: 0, component: applicationComponent(declared!, "apps/a.yaml") };
};

describe("resolveSources", () => {
  it("lists a chart source's chart, its repository value files and its inline values, in order, without reading anything", () => {
    const steps = resolveSources(
      app(`{syncPolicy: {syncOptions: [ServerSideApply=true]}, sources: [
        {repoURL: https://grafana.github.io/helm-charts, chart: grafana, targetRevision: 8.0.0,
         helm: {valueFiles: [$values/cluster-platform-apps/grafana/values.yaml, in-chart.yaml, $other/x.yaml], valuesObject: {replicas: 2}}},
        {repoURL: https://git.example/r.git, ref: values}]}`),
      null,
      place,
    );
    expect(steps.map((s) => s.kind)).toEqual(["chart", "values-file", "inline-values"]);
    expect(steps[0]).toMatchObject({
      chart: {
        chart: "grafana",
        version: "8.0.0",
        path: ["spec", "sources", 0, "targetRevision"],
        component: "grafana",
        // No record: the layer folder of the first value file.
        layerOrder: 3,
        syncOptions: ["ServerSideApply=true"],
        syncOptionsPath: ["spec", "syncPolicy", "syncOptions"],
      },
    });
    expect(steps[1]).toMatchObject({ read: { abs: "/repo/cluster-platform-apps/grafana/values.yaml", nested: [] } });
    expect(steps[2]).toMatchObject({ values: { path: ["spec", "sources", 0, "helm", "valuesObject"], values: { replicas: 2 } } });
  });

  it("takes the render record's layer over folder names", () => {
    const [chart] = resolveSources(app(`{source: {repoURL: https://c.example, chart: c, targetRevision: 1.0.0}}`), 1, place);
    expect(chart).toMatchObject({ chart: { layerOrder: 1 } });
  });

  it("turns a repository folder into a folder step with its value files resolved against the folder, and its owner", () => {
    const [step] = resolveSources(
      app(
        `{source: {repoURL: https://git.example/r.git, path: cluster-workload-apps/wrapper/, helm: {valueFiles: [extra.yaml]}}}`,
        "{name: w, labels: {homelab.dev/instance: one}}",
      ),
      null,
      place,
    );
    expect(step).toEqual({
      kind: "folder",
      folderAbs: "/repo/cluster-workload-apps/wrapper/",
      valueFiles: ["/repo/cluster-workload-apps/wrapper/extra.yaml"],
      app: { component: "w", instance: "one", layerOrder: 4, syncOptions: [], syncOptionsPath: ["spec", "syncPolicy", "syncOptions"] },
      owner: { prefix: "cluster-workload-apps/wrapper", component: "w", instance: "one", layerOrder: 4 },
    });
  });

  it("points a templated version at the list element that set it", () => {
    const set = YamlSource.parse(
      `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata: {name: s, labels: {homelab.dev/component: plat}}
spec:
  goTemplate: true
  generators: [{list: {elements: [{v: 1.2.3}]}}]
  template: {metadata: {name: x}, spec: {source: {repoURL: r, chart: c, targetRevision: "{{.v}}"}}}
`,
      "s.yaml",
    ).documents[0]!.value as Record<string, unknown>;
    const [declared] = declaredApplications(set);
    const placed = { declared: declared!, file: "s.yaml", index: 0, component: applicationComponent(declared!, "s.yaml") };
    expect(placed.component).toBe("plat");
    expect(resolveSources(placed, null, place)[0]).toMatchObject({ chart: { version: "1.2.3", path: ["spec", "generators", 0, "list", "elements", 0, "v"] } });
  });
});

describe("applicationComponent", () => {
  it("is the label, else the set's label, else the name, else the set's name, else the file", () => {
    const of = (metadata: string) => app("{}", metadata).component;
    expect(of("{name: a, labels: {homelab.dev/component: c}}")).toBe("c");
    expect(of("{name: a}")).toBe("a");
    expect(of("{}")).toBe("apps/a.yaml");
  });
});

describe("recordFacts", () => {
  const record = {
    version: 1,
    component: "traefik",
    layer: "critical",
    layerOrder: 2,
    chart: { chart: "traefik", version: "41.3.0", repoURL: "https://traefik.github.io/charts" },
    instances: [
      { name: "public", valuesFile: "cluster-critical-apps/traefik/public/values.yaml", manifestsDir: "cluster-critical-apps/traefik/public/manifests" },
    ],
    deferred: [{ layer: "platform", layerOrder: 3, instance: "public", manifestsDir: "cluster-critical-apps/traefik/public/manifests-platform" }],
    files: { "cluster-critical-apps/traefik/public/manifests/a.yaml": "x", "cluster-critical-apps/traefik/public/manifests-platform/sm.yaml": "y" },
    dependsOn: ["cert-manager"],
    waivers: [{ rule: "replica-count", reason: "one is enough", expires: "2099-01-01" }],
  } as unknown as RenderRecord;

  it("gives each file its owner, a deferred part the later layer, and names the rendered values file with the record's chart", () => {
    const facts = recordFacts(record, ".homelab/rendered/traefik.json");
    expect(facts.fileOwners).toEqual([
      ["cluster-critical-apps/traefik/public/manifests/a.yaml", { component: "traefik", layerOrder: 2, instance: "public" }],
      ["cluster-critical-apps/traefik/public/manifests-platform/sm.yaml", { component: "traefik", layerOrder: 3, instance: "public" }],
    ]);
    expect(facts.values).toEqual([
      {
        path: "cluster-critical-apps/traefik/public/values.yaml",
        read: {
          chart: { name: "traefik", version: "41.3.0", repoURL: "https://traefik.github.io/charts" },
          component: "traefik",
          instance: "public",
          nested: [],
        },
      },
    ]);
    expect(facts.component).toMatchObject({ component: "traefik", layerOrder: 2, dependsOn: ["cert-manager"], allowLaterLayerDependencies: {} });
    expect(facts.waivers).toEqual([
      {
        rule: "replica-count",
        component: "traefik",
        match: {},
        reason: "one is enough",
        expires: "2099-01-01",
        declaredIn: { file: ".homelab/rendered/traefik.json", index: 0, path: ["waivers", 0] },
      },
    ]);
  });
});

describe("classifyDocuments and documentFacts", () => {
  const files = [
    file("notes.yaml", "just: data\n"),
    file(
      "cluster-workload-apps/web/app.yaml",
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: web}\nspec: {source: {repoURL: r, path: cluster-workload-apps/web/manifests}}\n",
    ),
    file("cluster-workload-apps/web/manifests/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: n}\n"),
    file("cluster-init-apps/loose/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: d, labels: {homelab.dev/instance: i}}\n"),
    file("kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"),
  ];

  it("keeps the files holding Kubernetes objects (not tool configs) and the Applications they declare", () => {
    const { kubernetesFiles, applications } = classifyDocuments(files);
    expect(kubernetesFiles.map((f) => f.file)).toEqual([
      "cluster-workload-apps/web/app.yaml",
      "cluster-workload-apps/web/manifests/cm.yaml",
      "cluster-init-apps/loose/cm.yaml",
    ]);
    expect(applications.map((a) => [a.file, a.component])).toEqual([["cluster-workload-apps/web/app.yaml", "web"]]);
  });

  it("gives each document its component by label, record, Application folder or layer folder, and its layer", () => {
    const { kubernetesFiles } = classifyDocuments(files);
    const { documents, docs } = documentFacts(
      kubernetesFiles,
      {
        fileOwners: new Map(),
        owners: [{ prefix: "cluster-workload-apps/web/manifests", component: "web", instance: null, layerOrder: 4 }],
        recordLayers: new Map([["loose", 0]]),
      },
      place,
    );
    expect(documents.map((d) => [d.file, d.component, d.instance, d.layerOrder])).toEqual([
      ["cluster-workload-apps/web/app.yaml", "web", null, 4],
      ["cluster-workload-apps/web/manifests/cm.yaml", "web", null, 4],
      ["cluster-init-apps/loose/cm.yaml", "loose", "i", 0],
    ]);
    expect(docs.get("cluster-workload-apps/web/manifests/cm.yaml#0")).toEqual({
      component: "web",
      instance: null,
      kind: "ConfigMap",
      name: "c",
      namespace: "n",
    });
  });
});

describe("buildModel's chart stages on a tree", () => {
  const write = (files: Record<string, string>): string => {
    const dir = mkdtempSync(path.join(tmpdir(), "homelab-model-stages-"));
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      writeFileSync(path.join(dir, f), text);
    }
    return dir;
  };
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("links a wrapper chart an Application syncs once, with its sync options; an umbrella chart no Application names gets none", () => {
    const dir = write({
      "apps/db.yaml":
        "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata: {name: db}\nspec:\n  syncPolicy: {syncOptions: [ServerSideApply=true]}\n  source: {repoURL: r, path: cluster-platform-apps/db}\n",
      // No values.yaml: the Application's link is what says it is taken, not a values file.
      "cluster-platform-apps/db/Chart.yaml":
        "apiVersion: v2\nname: db\nversion: 0.1.0\ndependencies:\n  - {name: postgresql, version: 1.0.0, repository: https://c.example, alias: pg}\n",
      "cluster-workload-apps/umbrella/Chart.yaml":
        "apiVersion: v2\nname: umbrella\nversion: 0.1.0\ndependencies:\n  - {name: sub, version: 2.0.0, repository: https://c.example}\n",
      "cluster-workload-apps/umbrella/values.yaml": "sub: {replicas: 2}\nother: {x: 1}\n",
    });
    dirs.push(dir);
    const model = buildModel(loadTree(dir, { root: dir }), policyConfig());
    expect(model.input.charts.map((c) => [c.file, c.chart, c.version, c.component, c.layerOrder, c.syncOptionsPath])).toEqual([
      ["cluster-platform-apps/db/Chart.yaml", "postgresql", "1.0.0", "db", 3, ["spec", "syncPolicy", "syncOptions"]],
      ["cluster-workload-apps/umbrella/Chart.yaml", "sub", "2.0.0", "umbrella", 4, null],
    ]);
    expect(model.input.values.map((v) => [v.file, v.path, v.chart.name, v.values])).toEqual([
      ["cluster-workload-apps/umbrella/values.yaml", ["sub"], "sub", { replicas: 2 }],
    ]);
  });
});
