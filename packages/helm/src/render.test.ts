import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeWithMirror } from "@homelab/test-fixtures/mirrors";
import { engineVersion, packageChart, renderReleases, type ReleaseRequest, type RenderedObject } from "./index.js";

const kubeVersion = "1.35.4";
const work = mkdtempSync(path.join(tmpdir(), "homelab-helm-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A small chart written at test time, for behaviour no real chart isolates. */
function writeChart(name: string, files: Record<string, string>): string {
  const dir = path.join(work, name);
  for (const [file, text] of Object.entries({ "Chart.yaml": `apiVersion: v2\nname: ${name}\nversion: 1.0.0\n`, ...files })) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function release(id: string, chart: string, extra: Partial<ReleaseRequest> = {}): ReleaseRequest {
  return { id, chart, releaseName: id, namespace: "ns", values: [], kubeVersion, apiVersions: [], includeCrds: false, ...extra };
}

function kinds(objects: RenderedObject[]): string[] {
  return objects.map((o) => /^kind: (\S+)$/m.exec(o.content)?.[1] ?? "?");
}

describe("renderReleases (Helm's engine, small charts)", () => {
  let chart: string;
  beforeAll(() => {
    chart = writeChart("demo", {
      "values.yaml": "greeting: hello\nextra:\n  keep: 1\n  drop: 2\n",
      "templates/cm.yaml": [
        "apiVersion: v1",
        "kind: ConfigMap",
        "metadata:",
        "  name: {{ .Release.Name }}",
        "  namespace: {{ .Release.Namespace }}",
        "data:",
        "  greeting: {{ .Values.greeting | quote }}",
        "  extra: {{ .Values.extra | toJson | quote }}",
        "  kube: {{ .Capabilities.KubeVersion.Version | quote }}",
        "  install: {{ .Release.IsInstall | quote }}",
        "---",
        "apiVersion: v1",
        "kind: ServiceAccount",
        "metadata:",
        "  name: second",
        "",
      ].join("\n"),
      "templates/gated.yaml":
        '{{- if .Capabilities.APIVersions.Has "example.com/v1/Widget" }}\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n{{- end }}\n',
      "templates/hook.yaml":
        'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: migrate\n  annotations:\n    "helm.sh/hook": pre-install,pre-upgrade\nspec: {}\n',
      "templates/NOTES.txt": "notes are not objects\n",
      "crds/widget.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n",
      "crds/licensed.yaml":
        "# Copyright the gadget authors\n\n--- # gadgets\n# the gadget\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: gadgets.example.com\n",
      "crds/pair.yaml": "---\nkind: A\n---\nkind: B\n",
    });
  });

  it("splits documents per template, marks hooks, layers values like -f (null deletes), returns CRDs apart", async () => {
    const [result] = await renderReleases([
      release("one", chart, { namespace: "apps", values: [{ greeting: "hi", extra: { drop: 3 } }, { extra: { drop: null } }], includeCrds: true }),
    ]);
    expect(result!.error).toBeNull();
    const resources = result!.objects.filter((o) => o.hook === null);
    expect(resources.map((o) => o.template)).toEqual(["demo/templates/cm.yaml", "demo/templates/cm.yaml"]);
    expect(kinds(resources)).toEqual(["ServiceAccount", "ConfigMap"]); // Helm's install order
    const cm = resources.find((o) => o.content.includes("kind: ConfigMap"))!.content;
    expect(cm).toContain("namespace: apps");
    expect(cm).toContain('greeting: "hi"');
    expect(cm).toContain(`extra: "{\\"keep\\":1}"`);
    expect(cm).toContain(`kube: "v${kubeVersion}"`);
    expect(cm).toContain('install: "true"');
    const hooks = result!.objects.filter((o) => o.hook !== null);
    expect(hooks).toEqual([expect.objectContaining({ template: "demo/templates/hook.yaml", hook: ["pre-install", "pre-upgrade"] })]);
    const crd = (name: string) => ({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", metadata: { name } });
    // Converted natively when the file is one document (after one leading `---` line); several documents: text only.
    expect(result!.crds).toEqual([
      { file: "demo/crds/licensed.yaml", content: expect.stringContaining("gadgets.example.com"), value: crd("gadgets.example.com") },
      { file: "demo/crds/pair.yaml", content: "---\nkind: A\n---\nkind: B\n" },
      { file: "demo/crds/widget.yaml", content: expect.stringContaining("widgets.example.com"), value: crd("widgets.example.com") },
    ]);
    expect(result!.objects.some((o) => o.content.includes("notes are not objects"))).toBe(false);
  });

  it("passes API versions and the upgrade flag to the templates; CRDs only when asked", async () => {
    const [without, withApi] = await renderReleases([
      release("without", chart),
      release("with", chart, { apiVersions: ["example.com/v1", "example.com/v1/Widget"], isUpgrade: true }),
    ]);
    expect(kinds(without!.objects)).not.toContain("Widget");
    expect(without!.crds).toEqual([]);
    expect(kinds(withApi!.objects)).toContain("Widget");
    expect(withApi!.objects.find((o) => o.content.includes("kind: ConfigMap"))!.content).toContain('install: "false"');
  });

  it("keeps one release's error to itself, with the template and line from Helm's message", async () => {
    const broken = writeChart("broken", {
      "templates/ok.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n",
      "templates/bad.yaml": 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ required "name is required" .Values.name }}\n',
    });
    const [bad, good, missing] = await renderReleases([release("bad", broken), release("good", chart), release("missing", path.join(work, "nope"))]);
    expect(bad!.error).toEqual({ message: expect.stringContaining("name is required"), template: "broken/templates/bad.yaml", line: 4 });
    expect(bad!.objects).toEqual([]);
    expect(good!.error).toBeNull();
    expect(good!.objects.length).toBeGreaterThan(0);
    expect(missing!.error).toEqual({ message: expect.stringContaining("nope"), template: null, line: null });
  });

  it("names the template of a YAML error without pretending to know the template line", async () => {
    const chartDir = writeChart("badyaml", { "templates/x.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n   bad: indent\n" });
    const [result] = await renderReleases([release("y", chartDir)]);
    expect(result!.error).toEqual({ message: expect.stringContaining("YAML parse error"), template: "badyaml/templates/x.yaml", line: null });
  });

  it("hands each document back as JSON read as Kubernetes clients read YAML, keys in document order, or not at all when it cannot", async () => {
    const converts = writeChart("converts", {
      "templates/cm.yaml":
        "# a comment before the object\nkind: ConfigMap\napiVersion: v1\nmetadata:\n  name: c\ndata:\n  z: 'last key first'\n  mode: {{ 0755 }}\n  on: yes\n  script: |\n    echo hi\n",
      "templates/dup.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: d\ndata:\n  a: 1\n  a: 2\n",
      "templates/empty.yaml": "# only a comment\n",
    });
    const [result] = await renderReleases([release("converts", converts)]);
    const byTemplate = new Map(result!.objects.map((o) => [o.template.split("/").pop(), o]));
    const cm = byTemplate.get("cm.yaml")!.value as Record<string, Record<string, unknown>>;
    // go-yaml's YAML 1.1: `on` and `yes` are booleans (the key becomes "true"), 0755 is octal; the block scalar keeps its line break.
    expect(cm).toEqual({
      kind: "ConfigMap",
      apiVersion: "v1",
      metadata: { name: "c" },
      data: { z: "last key first", mode: 493, true: true, script: "echo hi\n" },
    });
    expect(Object.keys(cm)).toEqual(["kind", "apiVersion", "metadata", "data"]);
    expect(Object.keys(cm.data!)).toEqual(["z", "mode", "true", "script"]);
    // A duplicate key is left to the caller's parser, which reports it; a comment-only document is null.
    expect(byTemplate.get("dup.yaml")!.value).toBeUndefined();
    expect(byTemplate.get("empty.yaml")!.value).toBeNull();
  });

  it("reports the engine the helper was built from", () => {
    expect(engineVersion()).toBe("helm.sh/helm/v3@v3.22.0");
  });

  it("refuses a batch with the same id twice", async () => {
    await expect(renderReleases([release("a", chart), release("a", chart)])).rejects.toThrow(/appears twice/);
  });

  it("is cancelled by its signal", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(renderReleases([release("a", chart)], { signal: controller.signal })).rejects.toThrow(/cancelled/);
  });

  it("installs the crds/ of enabled subcharts only, as --include-crds does after Helm drops disabled dependencies", async () => {
    const parent = writeChart("parent", {
      "Chart.yaml": [
        "apiVersion: v2",
        "name: parent",
        "version: 1.0.0",
        "dependencies:",
        "  - name: sub",
        "    version: 1.0.0",
        "    condition: sub.enabled",
        "",
      ].join("\n"),
      "values.yaml": "sub:\n  enabled: false\n",
      "crds/own.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: owns.example.com\n",
      "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
      "charts/sub/crds/sub.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: subs.example.com\n",
    });
    const [off, on] = await renderReleases([
      release("off", parent, { includeCrds: true }),
      release("on", parent, { includeCrds: true, values: [{ sub: { enabled: true } }] }),
    ]);
    expect(off!.crds.map((c) => c.file)).toEqual(["parent/crds/own.yaml"]);
    expect(on!.crds.map((c) => c.file)).toEqual(["parent/crds/own.yaml", "parent/charts/sub/crds/sub.yaml"]);
  });

  it("does not convert again what an earlier batch of the run converted: the values come from `converted`, the results are the same", async () => {
    const converted = new Map<string, unknown>();
    const [first] = await renderReleases([release("one", chart, { includeCrds: true })], { converted });
    const held = converted.size;
    expect(held).toBeGreaterThan(0);
    const [again] = await renderReleases([release("one", chart, { includeCrds: true })], { converted });
    const [alone] = await renderReleases([release("one", chart, { includeCrds: true })]);
    expect(again).toEqual(first);
    expect(again).toEqual(alone);
    expect(converted.size).toBe(held);
    // The very objects of the first batch: the helper sent no value for these texts, so none was parsed anew.
    const cm = (r: typeof first) => r!.objects.find((o) => o.content.includes("kind: ConfigMap"))!;
    expect(cm(again).value).toBe(cm(first).value);
    expect(cm(alone).value).not.toBe(cm(first).value);
    expect(again!.crds.find((c) => c.file.endsWith("widget.yaml"))!.value).toBe(first!.crds.find((c) => c.file.endsWith("widget.yaml"))!.value);
    expect(Object.keys(cm(again))).not.toContain("digest");
  });
});

describeWithMirror("chart-packages", "renderReleases on real chart packages", (mirror) => {
  const packaged: Record<string, string> = {};
  beforeAll(async () => {
    for (const name of ["traefik", "argo-cd", "vault"]) {
      const version = readdirSync(path.join(mirror, name))[0]!;
      packaged[name] = (await packageChart(path.join(mirror, name, version), path.join(work, "packages"))).path;
    }
  }, 120_000);

  it("packages reproducibly: the same chart, packaged three times, has one digest (subcharts in a fixed order, fixed times)", async () => {
    // kube-prometheus-stack has four subcharts: Helm's loader hands them over in map order.
    const dir = path.join(mirror, "kube-prometheus-stack", readdirSync(path.join(mirror, "kube-prometheus-stack"))[0]!);
    const digests = new Set<string>();
    for (const i of [1, 2, 3]) {
      const packaged = await packageChart(dir, path.join(work, `repro-${i}`));
      digests.add(createHash("sha256").update(readFileSync(packaged.path)).digest("hex"));
    }
    expect(digests.size).toBe(1);
  }, 120_000);

  it("traefik's crds/ files come back apart when asked for, as --include-crds prints them", async () => {
    const [withCrds, without] = await renderReleases([release("t1", packaged.traefik!, { includeCrds: true }), release("t2", packaged.traefik!)]);
    expect(withCrds!.crds.length).toBe(readdirSync(path.join(mirror, "traefik", readdirSync(path.join(mirror, "traefik"))[0]!, "crds")).length);
    expect(withCrds!.crds.every((c) => c.file.startsWith("traefik/crds/") && c.content.includes("kind: CustomResourceDefinition"))).toBe(true);
    expect(without!.crds).toEqual([]);
    expect(withCrds!.objects).toEqual(
      without!.objects.map((o) => ({ ...o, content: o.content.replaceAll("t2", "t1"), value: JSON.parse(JSON.stringify(o.value).replaceAll("t2", "t1")) })),
    );
  });

  it("traefik's PodDisruptionBudget follows the API versions it is given", async () => {
    const values = [{ podDisruptionBudget: { enabled: true, minAvailable: 1 } }];
    const [old, current] = await renderReleases([
      release("old", packaged.traefik!, { values }),
      release("current", packaged.traefik!, { values, apiVersions: ["policy/v1", "policy/v1/PodDisruptionBudget"] }),
    ]);
    const pdb = (objects: RenderedObject[]) => objects.find((o) => o.template === "traefik/templates/poddisruptionbudget.yaml")!.content;
    expect(pdb(old!.objects)).toMatch(/^apiVersion: policy\/v1beta1$/m);
    expect(pdb(current!.objects)).toMatch(/^apiVersion: policy\/v1$/m);
  });

  it("argo-cd's redis secret init Job is a hook, with its events", async () => {
    const [result] = await renderReleases([release("argocd", packaged["argo-cd"]!, { namespace: "argocd" })]);
    expect(result!.error).toBeNull();
    const job = result!.objects.find((o) => o.template.endsWith("redis-secret-init/job.yaml"))!;
    expect(job.hook).toEqual(expect.arrayContaining(["pre-install"]));
    expect(result!.objects.filter((o) => o.hook === null).length).toBeGreaterThan(10);
  });

  it("vault's coalesce warning reaches the result, and the map wins", async () => {
    const [result] = await renderReleases([
      release("vault", packaged.vault!, { namespace: "vault", values: [{ server: { affinity: { podAntiAffinity: {} } } }] }),
    ]);
    expect(result!.error).toBeNull();
    expect(result!.warnings.join("\n")).toMatch(/affinity/);
  });

  it("renders byte-identically in two processes", async () => {
    const [first] = await renderReleases([release("traefik", packaged.traefik!)]);
    const [second] = await renderReleases([release("traefik", packaged.traefik!)]);
    expect(first!.objects.length).toBeGreaterThan(3);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });
});
