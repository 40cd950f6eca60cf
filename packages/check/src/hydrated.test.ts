import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
// The layout module alone (what `hydratedLayout` of @homelab/hydrate re-exports), without loading the engine.
import * as hydratedLayout from "@homelab/hydrate/layout";
import { coreSchemaDir } from "@homelab/kubeconform-wasm";
import { homelab } from "@homelab/cluster";
import { YamlSource } from "@homelab/yaml";
import { check, formatText } from "./index.js";
import { loadHydrated } from "./hydrated.js";
import { loadTree } from "./load.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A hand-written GitOps repo: one Application with a chart (values file) and a folder of manifests. */
const APP = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: web
  namespace: argocd
  annotations: {argocd.argoproj.io/sync-wave: "3"}
spec:
  project: default
  sources:
    - repoURL: https://charts.example.invalid
      chart: web
      targetRevision: 1.2.3
      helm:
        valueFiles: [$values/cluster-workload-apps/web/values.yaml]
    - repoURL: https://git.example.invalid/cluster.git
      targetRevision: main
      ref: values
    - repoURL: https://git.example.invalid/cluster.git
      targetRevision: main
      path: cluster-workload-apps/web/manifests
  destination:
    server: https://kubernetes.default.svc
    namespace: web
  syncPolicy:
    retry: {limit: 5}
`;
const monitor = (port: string) => `apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata:
  name: web
  namespace: web
spec:
  selector:
    matchLabels: {app: web}
  endpoints:
    - port: ${port}
`;

interface ChartObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string | null;
  template: string;
  text: string;
  /** What hydrate records of ArgoCD's settings for it (excluded, tracking). */
  argocd?: Pick<hydratedLayout.ObjectRecord, "excluded" | "trackingId" | "trackingLabel">;
}

/** An object of the Application's manifest folder as the index records it (hydrate copies it; check reads the folder). */
interface ManifestObject {
  kind: string;
  apiVersion: string;
  name: string;
  namespace: string | null;
  /** Repository-relative manifest file and the line the object starts on. */
  file: string;
  line: number;
  excluded: string | null;
}

/**
 * Writes hydrate's output for the Application as @homelab/hydrate lays it out
 * (index + one file per object); with `parsed`, also objects.json holding
 * what it returns for each object (hydrate writes the parse of the file there);
 * `manifests` are the index records of its manifest folder (source 2).
 */
function hydrate(root: string, objects: ChartObject[], parsed?: (o: ChartObject) => Record<string, unknown>, manifests: ManifestObject[] = []): void {
  const header = hydratedLayout.objectHeader(["Hydrated by test", ""]);
  const entries: hydratedLayout.HydratedObjectEntry[] = [];
  const records = objects.map((o) => {
    const file = `${hydratedLayout.applicationFolder("web", "web")}/${hydratedLayout.objectFileName(o.kind, o.namespace, o.name)}`;
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), header + o.text);
    if (parsed) entries.push({ file, digest: hydratedLayout.contentDigest(header + o.text), value: parsed(o) });
    return {
      apiVersion: o.apiVersion,
      kind: o.kind,
      name: o.name,
      namespace: o.namespace,
      scope: o.namespace ? "Namespaced" : "Cluster",
      file,
      line: header.split("\n").length,
      source: { type: "helm", index: 0, template: o.template, crd: o.kind === "CustomResourceDefinition" },
      hook: null,
      ...o.argocd,
    };
  });
  const manifestRecords = manifests.map((m) => ({
    apiVersion: m.apiVersion,
    kind: m.kind,
    name: m.name,
    namespace: m.namespace,
    scope: m.namespace ? "Namespaced" : "Cluster",
    file: `${hydratedLayout.applicationFolder("web", "web")}/${hydratedLayout.objectFileName(m.kind, m.namespace, m.name)}`,
    line: header.split("\n").length,
    source: { type: "directory", index: 2, file: m.file, line: m.line },
    hook: null,
    excluded: m.excluded,
    trackingId: null,
    trackingLabel: null,
  }));
  const index = {
    schema: hydratedLayout.INDEX_SCHEMA,
    generator: "@homelab/hydrate",
    application: "web",
    component: "web",
    definedIn: { file: "apps-root-config/web.yaml", line: 1, applicationSet: null },
    project: "default",
    destination: { server: "https://kubernetes.default.svc", namespace: "web" },
    syncWave: "3",
    sources: [
      {
        type: "helm",
        index: 0,
        repoURL: "https://charts.example.invalid",
        chart: "web",
        version: "1.2.3",
        digest: null,
        releaseName: "web",
        namespace: "web",
        valueFiles: ["cluster-workload-apps/web/values.yaml"],
        inlineValues: null,
        includeCrds: true,
        kubeVersion: "1.35.4",
        apiVersions: { count: 0, digest: "x" },
        engine: "test",
      },
      { type: "directory", index: 2, repoURL: "https://git.example.invalid/cluster.git", path: "cluster-workload-apps/web/manifests", recurse: false },
    ],
    objects: [...records, ...manifestRecords],
    findings: [],
    warnings: [],
  };
  writeFileSync(join(root, hydratedLayout.indexFile("web", "web")), `${JSON.stringify(index, null, 2)}\n`);
  if (parsed) {
    const sidecar: hydratedLayout.HydratedObjects = { schema: hydratedLayout.OBJECTS_SCHEMA, generator: "@homelab/hydrate", objects: entries };
    writeFileSync(join(root, hydratedLayout.objectsFile("web", "web")), `${JSON.stringify(sidecar)}\n`);
  }
}

const parseYaml = (o: ChartObject): Record<string, unknown> => YamlSource.parse(o.text, "x.yaml").documents[0]!.value as Record<string, unknown>;

function repo(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "check-hydrated-"));
  dirs.push(root);
  mkdirSync(join(root, ".git"));
  writeFileSync(join(root, ".homelabignore"), "dist/\n");
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

const service: ChartObject = {
  kind: "Service",
  apiVersion: "v1",
  name: "web",
  namespace: "web",
  template: "web/templates/service.yaml",
  text: "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: web\n  labels:\n    app: web\nspec:\n  selector:\n    app: web\n  ports:\n    - name: http\n      port: 80\n",
};
const smCrd: ChartObject = {
  kind: "CustomResourceDefinition",
  apiVersion: "apiextensions.k8s.io/v1",
  name: "servicemonitors.monitoring.coreos.com",
  namespace: null,
  template: "web/crds/sm.yaml",
  text: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: servicemonitors.monitoring.coreos.com\nspec:\n  group: monitoring.coreos.com\n  scope: Namespaced\n  names: {kind: ServiceMonitor, plural: servicemonitors}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}\n",
};

const files = (port: string) => ({
  "apps-root-config/web.yaml": APP,
  "cluster-workload-apps/web/values.yaml": "replicas: 2\n",
  "cluster-workload-apps/web/manifests/servicemonitor.yaml": monitor(port),
});

describe("checks on the charts' hydrated objects", () => {
  it("resolves our ServiceMonitor against the chart's Service: a port the Service lacks is a finding at file:line", async () => {
    const root = repo(files("metrics"));
    hydrate(root, [service, smCrd]);
    const result = await check({ dir: root, root, schema: false, policy: false, references: true });
    expect(result.violations.map((v) => [v.rule, v.code, `${v.file}:${v.line}`])).toEqual([
      ["ref-monitor", "port-missing", "cluster-workload-apps/web/manifests/servicemonitor.yaml:10"],
    ]);
    expect(result.violations[0]!.message).toContain("(web has http)");

    const fixed = repo(files("http"));
    hydrate(fixed, [service, smCrd]);
    expect((await check({ dir: fixed, root: fixed, schema: false, policy: false, references: true })).violations).toEqual([]);
    // Without the hydrated objects the chart's Service is unknown, so nothing is claimed about it.
    expect((await check({ dir: root, root, schema: false, policy: false, references: true, hydrated: false })).violations).toEqual([]);
  });

  it("checks one loaded tree twice (the Nx batch: validate, then policy) with the same result: the charts' objects never become files of the tree", async () => {
    const root = repo(files("metrics"));
    const secret: ChartObject = {
      kind: "Secret",
      apiVersion: "v1",
      name: "web-config",
      namespace: "web",
      template: "web/templates/secret.yaml",
      text: "apiVersion: v1\nkind: Secret\nmetadata:\n  name: web-config\n  namespace: web\nstringData:\n  config.yaml: 'log: info'\n",
    };
    hydrate(root, [service, smCrd, secret]);
    const tree = loadTree(root, { root });
    const first = await check({ dir: root, root, tree, schema: false });
    const second = await check({ dir: root, root, tree, schema: false });
    const summary = (r: typeof first) => r.violations.map((v) => [v.rule, v.code, `${v.file}:${v.line}`]);
    // A Secret the chart renders is made at deploy time: not secret data in git.
    expect(summary(first)).toEqual([["ref-monitor", "port-missing", "cluster-workload-apps/web/manifests/servicemonitor.yaml:10"]]);
    expect(summary(second)).toEqual(summary(first));
    expect(second.summary).toEqual(first.summary);
  });

  // An Ingress routing to a Service (web-ui) that no object provides: a ref-backend finding while it is applied.
  const ingress: ChartObject = {
    kind: "Ingress",
    apiVersion: "networking.k8s.io/v1",
    name: "web",
    namespace: "web",
    template: "web/templates/ingress.yaml",
    text: "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n  namespace: web\nspec:\n  rules:\n    - http:\n        paths:\n          - path: /\n            pathType: Prefix\n            backend:\n              service:\n                name: web-ui\n                port: {number: 80}\n",
  };

  it("reports findings on a chart's object at the hydrated file and line, naming Application, chart, template and values file", async () => {
    const root = repo(files("http"));
    const withTls = { ...ingress, text: ingress.text.replace("spec:\n", "spec:\n  tls:\n    - hosts: [web.example.invalid]\n") };
    hydrate(root, [service, smCrd, withTls]);
    const result = await check({ dir: root, root, schema: false, policy: false, references: true });
    const file = `${hydratedLayout.applicationFolder("web", "web")}/ingress.web.web.yaml`;
    expect(result.violations.map((v) => [v.rule, v.code, `${v.file}:${v.line}`, v.component])).toEqual([
      ["ref-backend", "service-missing", `${file}:18`, "web"],
    ]);
    expect(result.violations[0]!.message).toContain("Service web/web-ui, which does not exist");
    expect(result.violations[0]!.message).toContain(
      "[Application web, chart web@1.2.3 (web/templates/ingress.yaml), values cluster-workload-apps/web/values.yaml]",
    );
  });

  it("takes the objects from objects.json while a file has the bytes it was written with, and from the YAML once it is edited by hand", async () => {
    // objects.json says the Service's port is named metrics; the YAML says http. Which one check read shows in the finding.
    const renamed = (o: ChartObject): Record<string, unknown> => {
      const value = parseYaml(o);
      if (o.kind !== "Service") return value;
      return { ...value, spec: { ...(value.spec as object), ports: [{ name: "metrics", port: 80 }] } };
    };
    const root = repo(files("http"));
    hydrate(root, [service, smCrd], renamed);
    const fromSidecar = await check({ dir: root, root, schema: false, policy: false, references: true });
    expect(fromSidecar.violations.map((v) => [v.rule, v.code, `${v.file}:${v.line}`])).toEqual([
      ["ref-monitor", "port-missing", "cluster-workload-apps/web/manifests/servicemonitor.yaml:10"],
    ]);
    expect(fromSidecar.violations[0]!.message).toContain("(web has metrics)");

    const serviceFile = join(root, hydratedLayout.applicationFolder("web", "web"), "service.web.web.yaml");
    writeFileSync(serviceFile, `${readFileSync(serviceFile, "utf8")}# edited by hand\n`);
    expect((await check({ dir: root, root, schema: false, policy: false, references: true })).violations).toEqual([]);

    // A truncated objects.json is a cache miss, not an error.
    writeFileSync(join(root, hydratedLayout.objectsFile("web", "web")), '{"schema": "homelab.dev/hydrated-objects/v1", "obj');
    expect((await check({ dir: root, root, schema: false, policy: false, references: true })).violations).toEqual([]);
  });

  it("places findings on an object taken from objects.json at the same file and line as when its YAML is parsed", async () => {
    const findings = async (parsed?: (o: ChartObject) => Record<string, unknown>) => {
      const root = repo(files("http"));
      hydrate(root, [service, smCrd, ingress], parsed);
      const result = await check({ dir: root, root, schema: false, policy: false, references: true });
      return result.violations.map((v) => [v.rule, v.code, `${v.file}:${v.line}`, v.message]);
    };
    const parsedOnce = await findings();
    expect(parsedOnce.map((f) => f.slice(0, 3))).toEqual([["ref-backend", "service-missing", "dist/hydrated/web/web/ingress.web.web.yaml:16"]]);
    expect(await findings(parseYaml)).toEqual(parsedOnce);
  });

  it("leaves out what ArgoCD's resource.exclusions keep it from applying: not validated, policed nor referenced", async () => {
    const applied = repo(files("http"));
    hydrate(applied, [service, smCrd, ingress]);
    expect((await check({ dir: applied, root: applied, schema: false, references: true })).violations.map((v) => v.rule)).toContain("ref-backend");

    const root = repo(files("http"));
    hydrate(root, [service, smCrd, { ...ingress, argocd: { excluded: "resource.exclusions (argocd-cm), entry 1: apiGroups [networking.k8s.io]" } }]);
    expect((await check({ dir: root, root, schema: false, references: true })).violations).toEqual([]);
    const set = loadHydrated(loadTree(root, { root }))!;
    expect(set.objects.map((o) => o.record.kind)).toEqual(["Service", "CustomResourceDefinition"]);
    expect(set.files.some((f) => f.file.includes("ingress"))).toBe(false);
  });

  it("leaves out our manifests ArgoCD's exclusions keep it from applying, with a warning at their line; the others are still checked", async () => {
    const sm = (excluded: string | null): ManifestObject => ({
      kind: "ServiceMonitor",
      apiVersion: "monitoring.coreos.com/v1",
      name: "web",
      namespace: "web",
      file: "cluster-workload-apps/web/manifests/servicemonitor.yaml",
      line: 1,
      excluded,
    });
    const run = async (root: string) =>
      (await check({ dir: root, root, schema: false, references: true })).violations.map((v) => [v.rule, v.severity, `${v.file}:${v.line}`, v.message]);
    // The ServiceMonitor names a port the chart's Service lacks.
    const applied = repo(files("metrics"));
    hydrate(applied, [service, smCrd], undefined, [sm(null)]);
    expect((await run(applied)).map((v) => v[0])).toEqual(["ref-monitor"]);

    const root = repo(files("metrics"));
    const reason = "resource.exclusions (argocd-cm), entry 1: apiGroups [monitoring.coreos.com]";
    hydrate(root, [service, smCrd], undefined, [sm(reason)]);
    expect(await run(root)).toEqual([
      [
        "hydrate-excluded-resource",
        "warning",
        "cluster-workload-apps/web/manifests/servicemonitor.yaml:1",
        `ServiceMonitor web/web (Application web) is never applied nor tracked by ArgoCD: excluded by ${reason}; the Application only shows an ExcludedResourceWarning, and homelab check leaves it out`,
      ],
    ]);
  });

  it("installs no CRD from our manifests ArgoCD excludes: a custom resource of its kind has none", async () => {
    const manifests = "cluster-workload-apps/web/manifests";
    const crd = smCrd.text
      .replace(/servicemonitors\.monitoring\.coreos\.com/, "widgets.example.test")
      .replace("group: monitoring.coreos.com", "group: example.test")
      .replace("{kind: ServiceMonitor, plural: servicemonitors}", "{kind: Widget, plural: widgets}");
    const tree = {
      "apps-root-config/web.yaml": APP,
      [`${manifests}/widget-crd.yaml`]: crd,
      [`${manifests}/widget.yaml`]: "apiVersion: example.test/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: web\n",
    };
    const record = (excluded: string | null): ManifestObject => ({
      kind: "CustomResourceDefinition",
      apiVersion: "apiextensions.k8s.io/v1",
      name: "widgets.example.test",
      namespace: null,
      file: `${manifests}/widget-crd.yaml`,
      line: 1,
      excluded,
    });
    const run = async (root: string) =>
      (await check({ dir: root, root, schema: false, policy: false, references: true })).violations.map((v) => `${v.rule}/${v.code} ${v.file}:${v.line}`);
    const installed = repo(tree);
    hydrate(installed, [service], undefined, [record(null)]);
    expect(await run(installed)).toEqual([]);

    const root = repo(tree);
    hydrate(root, [service], undefined, [record("resource.exclusions (argocd-cm), entry 1: apiGroups [apiextensions.k8s.io]")]);
    expect(await run(root)).toEqual([`hydrate-excluded-resource/excluded ${manifests}/widget-crd.yaml:1`, `ref-crd/missing ${manifests}/widget.yaml:1`]);
  });

  it("sees the instance label ArgoCD sets with label tracking, though the chart's file lacks it", async () => {
    const files = {
      "apps-root-config/web.yaml": APP,
      "cluster-workload-apps/web/values.yaml": "replicas: 2\n",
      "cluster-workload-apps/web/manifests/servicemonitor.yaml": monitor("http").replace(
        "matchLabels: {app: web}",
        "matchLabels: {app.kubernetes.io/instance: web}",
      ),
    };
    const untracked = repo(files);
    hydrate(untracked, [service, smCrd]);
    const codes = async (root: string) =>
      (await check({ dir: root, root, schema: false, policy: false, references: true })).violations.map((v) => `${v.rule}/${v.code}`);
    expect(await codes(untracked)).toEqual(["ref-monitor/selects-nothing"]);

    const labelled = { ...service, argocd: { excluded: null, trackingId: null, trackingLabel: { key: "app.kubernetes.io/instance", value: "web" } } };
    const fromYaml = repo(files);
    hydrate(fromYaml, [labelled, smCrd]);
    expect(await codes(fromYaml)).toEqual([]);
    // objects.json as hydrate writes it (the label already in the value) gives the same.
    const fromSidecar = repo(files);
    hydrate(fromSidecar, [labelled, smCrd], (o) => hydratedLayout.withTrackingLabel(parseYaml(o), o.argocd?.trackingLabel));
    expect(await codes(fromSidecar)).toEqual([]);
  });

  it("reports a custom resource whose CRD no Application installs", async () => {
    const root = repo(files("http"));
    hydrate(root, [service]);
    const result = await check({ dir: root, root, schema: false, policy: false, references: true });
    // The ServiceMonitor CRD is installed by nothing in the set.
    expect(result.violations.map((v) => [v.rule, v.code])).toEqual([["ref-crd", "missing"]]);
  });

  it("lists a CRD from another Application of the same wave as an ordering it relies on, not a finding", async () => {
    const extra = APP.replace("name: web\n", "name: web-extra\n")
      .replace(/    - repoURL: https:\/\/charts[\s\S]*?ref: values\n/, "")
      .replace("cluster-workload-apps/web/manifests", "cluster-workload-apps/web/extra");
    const root = repo({
      ...files("http"),
      "apps-root-config/web-extra.yaml": extra,
      "cluster-workload-apps/web/extra/servicemonitor.yaml": monitor("http").replace("name: web\n", "name: web-extra\n"),
    });
    hydrate(root, [service, smCrd]);
    const result = await check({ dir: root, root, schema: false, policy: false, references: true });
    expect(result.violations).toEqual([]);
    expect((result.orderings ?? []).map((o) => [o.file, o.line])).toEqual([["cluster-workload-apps/web/extra/servicemonitor.yaml", 1]]);
    expect(result.orderings?.[0]?.message).toContain("relies on web (same wave) installing CRD ServiceMonitor");
    expect(formatText(result)).toContain("Orderings relied on:\n  cluster-workload-apps/web/extra/servicemonitor.yaml:1");
  });

  const core = coreSchemaDir(homelab.kubernetes.version, true);
  describe.runIf(existsSync(core))("schema validation of hydrated objects (needs the built core schemas: npm run build -w @homelab/kubeconform-wasm)", () => {
    it("validates a chart's custom resource against the CRD the chart installs, at the hydrated file and line", async () => {
      const widgetCrd: ChartObject = {
        kind: "CustomResourceDefinition",
        apiVersion: "apiextensions.k8s.io/v1",
        name: "widgets.example.io",
        namespace: null,
        template: "web/crds/widget.yaml",
        text: "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.io\nspec:\n  group: example.io\n  scope: Namespaced\n  names: {kind: Widget, plural: widgets}\n  versions:\n    - name: v1\n      served: true\n      storage: true\n      schema:\n        openAPIV3Schema:\n          type: object\n          properties:\n            spec:\n              type: object\n              properties:\n                size: {type: integer}\n",
      };
      const widget: ChartObject = {
        kind: "Widget",
        apiVersion: "example.io/v1",
        name: "w",
        namespace: "web",
        template: "web/templates/widget.yaml",
        text: "apiVersion: example.io/v1\nkind: Widget\nmetadata:\n  name: w\n  namespace: web\nspec:\n  size: 3\n  colour: red\n",
      };
      const root = repo(files("http"));
      hydrate(root, [service, widgetCrd, widget]);
      const result = await check({ dir: root, root, policy: false, references: false });
      const schema = result.violations.filter((v) => v.rule === "schema");
      expect(schema.map((v) => `${v.file}:${v.line}`)).toEqual([`${hydratedLayout.applicationFolder("web", "web")}/widget.web.w.yaml:10`]);
      expect(schema[0]!.message).toContain("colour");
      expect(schema[0]!.message).toContain("chart web@1.2.3");
    });

    it("does not validate our manifests ArgoCD excludes, and still validates the others of the same file", async () => {
      const pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\n  namespace: web\nspec:\n  maxUnavailable: 1\n  bogus: true\n";
      const config = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n  namespace: web\nbogus: true\n";
      const manifests = "cluster-workload-apps/web/manifests";
      const record = (kind: string, apiVersion: string, file: string, line: number, excluded: string | null): ManifestObject => ({
        kind,
        apiVersion,
        name: "web",
        namespace: "web",
        file: `${manifests}/${file}`,
        line,
        excluded,
      });
      const reason = "resource.exclusions (argocd-cm), entry 1: apiGroups [policy], kinds [PodDisruptionBudget]";
      const tree = { "apps-root-config/web.yaml": APP, [`${manifests}/mixed.yaml`]: `${pdb}---\n${config}`, [`${manifests}/pdb.yaml`]: pdb };
      const records = (excluded: string | null) => [
        record("PodDisruptionBudget", "policy/v1", "mixed.yaml", 1, excluded),
        record("ConfigMap", "v1", "mixed.yaml", 10, null),
        record("PodDisruptionBudget", "policy/v1", "pdb.yaml", 1, excluded),
      ];
      const run = async (root: string) =>
        (await check({ dir: root, root, policy: false, references: false })).violations.map((v) => `${v.rule} ${v.file}:${v.line}`);

      const applied = repo(tree);
      hydrate(applied, [service, smCrd], undefined, records(null));
      expect(await run(applied)).toEqual([`schema ${manifests}/mixed.yaml:8`, `schema ${manifests}/mixed.yaml:15`, `schema ${manifests}/pdb.yaml:8`]);

      const root = repo(tree);
      hydrate(root, [service, smCrd], undefined, records(reason));
      expect(await run(root)).toEqual([
        `hydrate-excluded-resource ${manifests}/mixed.yaml:1`,
        `schema ${manifests}/mixed.yaml:15`,
        `hydrate-excluded-resource ${manifests}/pdb.yaml:1`,
      ]);
    });
  });
});
