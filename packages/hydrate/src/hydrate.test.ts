import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { HomelabError } from "@homelab/errors";
import { afterAll, beforeAll, expect, it } from "vitest";
import { hydrate, lanes } from "./hydrate.js";
import { contentDigest, indexFile, objectsFile, parseHydratedIndex, parseHydratedObjects } from "./layout.js";
import { crdYaml, describeWithEngine, scratchRepository } from "./testing.js";

const REPO_URL = "https://git.example.test/homelab.git";

/** A tiny chart whose templates show what ArgoCD's settings do. */
function writeChart(dir: string): void {
  mkdirSync(path.join(dir, "templates"), { recursive: true });
  mkdirSync(path.join(dir, "crds"), { recursive: true });
  writeFileSync(path.join(dir, "Chart.yaml"), "apiVersion: v2\nname: probe\nversion: 1.0.0\n");
  writeFileSync(path.join(dir, "values.yaml"), "order: chart\nfromFile: chart\nkept: chart\nrandom: false\n");
  writeFileSync(
    path.join(dir, "templates", "config.yaml"),
    [
      "{{- if .Values.fail }}{{ fail .Values.fail }}{{ end }}",
      "apiVersion: v1",
      "kind: ConfigMap",
      "metadata:",
      "  name: {{ .Release.Name }}-config",
      "data:",
      "  order: {{ .Values.order | quote }}",
      "  fromFile: {{ .Values.fromFile | quote }}",
      "  kept: {{ .Values.kept | quote }}",
      "  namespace: {{ .Release.Namespace | quote }}",
      "  kube: {{ .Capabilities.KubeVersion.Version | quote }}",
      '  monitoring: {{ .Capabilities.APIVersions.Has "monitoring.example.test/v1/Probe" | quote }}',
      "",
    ].join("\n"),
  );
  writeFileSync(
    path.join(dir, "templates", "secret.yaml"),
    [
      "{{- if .Values.random }}",
      "apiVersion: v1",
      "kind: Secret",
      "metadata:",
      "  name: {{ .Release.Name }}-password",
      "stringData:",
      "  password: {{ randAlphaNum 16 | quote }}",
      "{{- end }}",
      "",
    ].join("\n"),
  );
  writeFileSync(
    path.join(dir, "templates", "hook.yaml"),
    [
      "apiVersion: batch/v1",
      "kind: Job",
      "metadata:",
      "  name: {{ .Release.Name }}-migrate",
      "  annotations:",
      '    "helm.sh/hook": pre-install,pre-upgrade',
      '    "helm.sh/hook-weight": "-5"',
      "spec:",
      "  template:",
      "    spec:",
      "      restartPolicy: Never",
      "      containers: [{ name: migrate, image: busybox:1.37 }]",
      "",
    ].join("\n"),
  );
  writeFileSync(
    path.join(dir, "templates", "test.yaml"),
    [
      "apiVersion: v1",
      "kind: Pod",
      "metadata:",
      "  name: {{ .Release.Name }}-test",
      "  annotations:",
      '    "helm.sh/hook": test',
      "spec:",
      "  restartPolicy: Never",
      "  containers: [{ name: t, image: busybox:1.37 }]",
      "",
    ].join("\n"),
  );
  // A CRD in crds/: installed unless skipCrds, and it adds its API to what every chart sees.
  writeFileSync(path.join(dir, "crds", "probe.yaml"), crdYaml("monitoring.example.test", "Probe"));
}

function applicationSet(elements: string, sourcesExtra = "", templatePatch = ""): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: probe
  namespace: argocd
  labels:
    homelab.dev/component: probe
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
    - list:
        elements:
${elements}
  template:
    metadata:
      name: "{{.application}}"
      namespace: argocd
    spec:
      project: default
      destination:
        server: https://kubernetes.default.svc
        namespace: "{{.namespace}}"
      sources:
        - repoURL: https://charts.example.test
          chart: probe
          targetRevision: 1.0.0
          helm:
            valueFiles:
              - $values/cluster-init-apps/probe/base.yaml
              - $values/cluster-init-apps/probe/{{.instance}}.yaml
${sourcesExtra}
        - repoURL: ${REPO_URL}
          targetRevision: main
          ref: values
        - repoURL: ${REPO_URL}
          targetRevision: main
          path: cluster-init-apps/probe/manifests
${templatePatch}`;
}

describeWithEngine("hydrate with Helm's engine", () => {
  const repo = scratchRepository("hydrate-", "probe", REPO_URL);
  const { options, write } = repo;
  let root: string;

  beforeAll(() => {
    root = repo.open();
    writeChart(repo.chartDir());
    write("cluster-init-apps/probe/base.yaml", "order: base\nfromFile: base\n");
    write("cluster-init-apps/probe/one.yaml", "order: one\n");
    write("cluster-init-apps/probe/two.yaml", "order: two\nrandom: true\n");
    write(
      "cluster-init-apps/probe/manifests/hook.yaml",
      "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: smoke\n  annotations:\n    argocd.argoproj.io/hook: PostSync\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{ name: smoke, image: busybox:1.37 }]\n",
    );
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("renders value files in order, valuesObject last, release name, namespace, kube version and CRDs as ArgoCD does", async () => {
    write(
      "apps-root-config/applications/probe.yaml",
      applicationSet(
        "          - { instance: one, application: probe-one, namespace: space-one }\n          - { instance: two, application: probe-two, namespace: space-two }",
        "            releaseName: custom\n            valuesObject: { kept: inline }\n",
        '  templatePatch: |\n    {{- if eq .instance "two" }}\n    spec:\n      sources:\n        - {"repoURL":"https://charts.example.test","chart":"probe","targetRevision":"1.0.0","helm":{"skipCrds":true,"valueFiles":["$values/cluster-init-apps/probe/base.yaml","$values/cluster-init-apps/probe/two.yaml"],"values":"kept: fromValuesString"}}\n        - {"repoURL":"' +
          REPO_URL +
          '","targetRevision":"main","ref":"values"}\n    {{- end }}\n',
      ),
    );
    const result = await hydrate(options());
    const one = result.applications.find((a) => a.plan.name === "probe-one")!;
    const two = result.applications.find((a) => a.plan.name === "probe-two")!;
    const config = (app: typeof one) => app.objects.find((o) => o.record.kind === "ConfigMap")!;

    // helm.releaseName wins over the Application name; the destination namespace is .Release.Namespace.
    expect(config(one).record.name).toBe("custom-config");
    expect(config(one).value.data).toEqual({
      order: "one", // the later value file wins
      fromFile: "base",
      kept: "inline", // valuesObject comes after every file
      namespace: "space-one",
      kube: "v1.35.4",
      monitoring: "true", // the chart's own CRD is in the cluster's API list (second pass)
    });
    expect(config(one).record.namespace).toBe("space-one");
    // Without helm.releaseName the release is named after the Application; `values` (a string) applies too.
    expect(config(two).record.name).toBe("probe-two-config");
    expect(config(two).value.data).toMatchObject({ order: "two", kept: "fromValuesString" });

    // --include-crds unless skipCrds; CRDs are cluster-scoped.
    const crd = (app: typeof one) => app.objects.filter((o) => o.record.kind === "CustomResourceDefinition");
    expect(crd(one).map((o) => [o.record.name, o.record.namespace, o.record.source])).toEqual([
      ["probes.monitoring.example.test", null, { type: "helm", index: 0, template: "probe/crds/probe.yaml", crd: true }],
    ]);
    expect(crd(two)).toEqual([]);
    expect(result.surface.has("monitoring.example.test/v1", "Probe")).toBe(true);
    expect(result.passes).toBe(2);

    // The index on disk is the same as in memory, parses, and points at files holding the object at that line.
    const index = parseHydratedIndex(readFileSync(path.join(root, indexFile("probe", "probe-one")), "utf8"), "index.json");
    expect(index.sources[0]).toMatchObject({
      type: "helm",
      releaseName: "custom",
      namespace: "space-one",
      valueFiles: ["cluster-init-apps/probe/base.yaml", "cluster-init-apps/probe/one.yaml"],
      inlineValues: "valuesObject",
      includeCrds: true,
    });
    for (const object of index.objects) {
      const lines = readFileSync(path.join(root, object.file), "utf8").split("\n");
      expect(lines[object.line - 1]).toMatch(/^apiVersion: /);
    }

    // objects.json holds every object as hydrate parsed it, tied to the bytes of its file.
    const parsed = parseHydratedObjects(readFileSync(path.join(root, objectsFile("probe", "probe-one")), "utf8"))!;
    expect([...parsed.keys()]).toEqual(index.objects.map((o) => o.file));
    for (const object of one.objects) {
      expect(parsed.get(object.record.file)!.digest).toBe(contentDigest(readFileSync(path.join(root, object.record.file), "utf8")));
      expect(parsed.get(object.record.file)!.value).toEqual(object.value);
    }
  });

  it("reuses the settled API list for the same inputs, and settles it again when any release's inputs change", async () => {
    const first = await hydrate(options({ components: ["probe"] }));
    expect(first.passes).toBe(0);
    const firstFiles = first.applications.flatMap((a) => a.objects.map((o) => o.content));
    write("cluster-init-apps/probe/base.yaml", "order: base\nfromFile: changed\n");
    try {
      const changed = await hydrate(options({ components: ["probe"] }));
      expect(changed.passes).toBe(2);
    } finally {
      write("cluster-init-apps/probe/base.yaml", "order: base\nfromFile: base\n");
    }
    const again = await hydrate(options({ components: ["probe"] }));
    expect(again.passes).toBe(0);
    expect(again.surface.apiVersions()).toEqual(first.surface.apiVersions());
    expect(again.applications.flatMap((a) => a.objects.map((o) => o.content)).filter((c) => !c.includes("password"))).toEqual(
      firstFiles.filter((c) => !c.includes("password")),
    );
  });

  it("marks Helm and ArgoCD hooks in the index and in the file header", async () => {
    const result = await hydrate(options());
    const one = result.applications.find((a) => a.plan.name === "probe-one")!;
    const helmHook = one.objects.find((o) => o.record.name === "custom-migrate")!;
    expect(helmHook.record.hook).toEqual({
      types: ["pre-install", "pre-upgrade"],
      annotation: "helm.sh/hook",
      weight: "-5",
      deletePolicy: [],
      phases: ["PreSync"],
    });
    expect(helmHook.content).toMatch(/^# HOOK: pre-install,pre-upgrade \(helm\.sh\/hook, weight -5\): ArgoCD runs it as PreSync/m);
    // The annotation stays on the object.
    expect(helmHook.content).toMatch(/"?helm\.sh\/hook"?: pre-install,pre-upgrade/);
    const argoHook = one.objects.find((o) => o.record.name === "smoke")!;
    expect(argoHook.record).toMatchObject({
      namespace: "space-one",
      source: { type: "directory", file: "cluster-init-apps/probe/manifests/hook.yaml", line: 1 },
    });
    expect(argoHook.record.hook).toMatchObject({ types: ["PostSync"], annotation: "argocd.argoproj.io/hook", phases: ["PostSync"] });
    // A Helm test hook has no ArgoCD phase: ArgoCD never runs it.
    const test = one.objects.find((o) => o.record.name === "custom-test")!;
    expect(test.record.hook).toMatchObject({ types: ["test"], phases: [] });
    expect(test.content).toMatch(/^# HOOK: test \(helm\.sh\/hook\): never run by ArgoCD/m);
    const plain = one.objects.find((o) => o.record.kind === "ConfigMap")!;
    expect(plain.record.hook).toBeNull();
    expect(plain.content).not.toMatch(/HOOK/);
  });

  it("reports an object that renders differently twice as a finding naming Application, object and field", async () => {
    const result = await hydrate(options());
    const drift = result.findings.filter((f) => f.rule === "hydrate-nondeterministic");
    expect(drift).toEqual([
      expect.objectContaining({
        application: "probe-two",
        object: { apiVersion: "v1", kind: "Secret", namespace: "space-two", name: "probe-two-password" },
        path: "stringData.password",
        file: "dist/hydrated/probe/probe-two/secret.space-two.probe-two-password.yaml",
      }),
    ]);
    // Findings are data: everything else was still written.
    expect(result.applications.find((a) => a.plan.name === "probe-two")!.index.findings).toHaveLength(1);
  });

  it("replaces a component's folder whole and prunes removed components only when hydrating everything", async () => {
    const gone = path.join(root, "dist/hydrated/gone");
    mkdirSync(gone, { recursive: true });
    writeFileSync(path.join(gone, "hydrate.json"), "{}\n");
    const stale = path.join(root, "dist/hydrated/probe/probe-one/configmap.old.stale.yaml");
    writeFileSync(stale, "stale\n");
    await hydrate(options({ components: ["probe"] }));
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(gone)).toBe(true);
    await hydrate(options());
    expect(existsSync(gone)).toBe(false);
    expect(existsSync(path.join(root, "dist/hydrated/probe/hydrate.json"))).toBe(true);
  });

  it("fails with the release, chart and Helm's message when a template fails", async () => {
    write("cluster-init-apps/probe/one.yaml", "order: one\nfail: the values ask for it\n");
    try {
      await expect(hydrate(options({ write: false }))).rejects.toSatisfy((error: unknown) => {
        const e = error as HomelabError;
        return (
          e instanceof HomelabError &&
          e.code === "CHART_INVALID" &&
          e.details.some((d) => /^probe-one: chart probe@1\.0\.0 \(probe\/templates\/config\.yaml:1\): .*the values ask for it/.test(d))
        );
      });
    } finally {
      write("cluster-init-apps/probe/one.yaml", "order: one\n");
    }
  });

  it("refuses a value file that leaves the repository, before reading it", async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), "hydrate-outside-"));
    writeFileSync(path.join(outside, "values.yaml"), "order: stolen\n");
    symlinkSync(path.join(outside, "values.yaml"), path.join(root, "cluster-init-apps/probe/one.yaml.link"));
    const original = readFileSync(path.join(root, "apps-root-config/applications/probe.yaml"), "utf8");
    write("apps-root-config/applications/probe.yaml", original.replace("probe/{{.instance}}.yaml", "probe/{{.instance}}.yaml.link"));
    try {
      await expect(hydrate(options({ write: false }))).rejects.toMatchObject({ code: "PATH_OUTSIDE" });
      write("apps-root-config/applications/probe.yaml", original.replace("probe/{{.instance}}.yaml", "probe/../../../etc/{{.instance}}"));
      await expect(hydrate(options({ write: false }))).rejects.toMatchObject({ code: "PATH_OUTSIDE" });
    } finally {
      write("apps-root-config/applications/probe.yaml", original);
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

it("splits renders into lanes of about equal cost: round-robin before any render, costliest first after one", () => {
  const requests = ["a", "b", "c", "d", "e"].map((id) => ({ id }));
  const ids = (batches: { id: string }[][]) => batches.map((b) => b.map((r) => r.id));
  expect(ids(lanes(requests, 2, new Map()))).toEqual([
    ["a", "c", "e"],
    ["b", "d"],
  ]);
  const weights = new Map([
    ["a", 1],
    ["b", 9],
    ["c", 5],
    ["d", 4],
    ["e", 1],
  ]);
  // b alone (9) against c + d (9), then the two light ones to whichever is lighter.
  expect(ids(lanes(requests, 2, weights))).toEqual([
    ["b", "a"],
    ["c", "d", "e"],
  ]);
  expect(ids(lanes(requests.slice(0, 1), 2, weights))).toEqual([["a"]]);
});
