import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { HomelabError } from "@homelab/errors";
import { afterAll, beforeAll, expect, it } from "vitest";
import { hydrate } from "./hydrate.js";
import { objectsFile, parseHydratedObjects } from "./layout.js";
import { crdYaml, describeWithEngine, scratchRepository } from "./testing.js";

const REPO_URL = "https://git.example.test/homelab.git";
const ARGOCD_CM = "dist/hydrated/argocd/argocd/configmap.argocd.argocd-cm.yaml";

const CONFIG = `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
data:
  application.resourceTrackingMethod: label
  application.instanceLabelKey: app.kubernetes.io/instance
  resource.exclusions: |
    - apiGroups: [policy]
      kinds: [PodDisruptionBudget]
      clusters: ["https://kubernetes.*"]
`;

const application = (name: string, namespace: string, source: string) => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: argocd
spec:
  project: default
  destination:
    server: https://kubernetes.default.svc
    namespace: ${namespace}
  source:
${source}`;

describeWithEngine("ArgoCD's argocd-cm applied to the hydrated objects", () => {
  const repo = scratchRepository("hydrate-argocd-", "web", REPO_URL);
  const { options, write } = repo;
  let root: string;

  beforeAll(() => {
    root = repo.open();
    write(".charts/web/Chart.yaml", "apiVersion: v2\nname: web\nversion: 1.0.0\n");
    write(
      ".charts/web/templates/objects.yaml",
      [
        "apiVersion: v1",
        "kind: Service",
        "metadata:",
        "  name: web",
        "  labels: { app: web }",
        "spec:",
        "  selector: { app: web }",
        "  ports: [{ name: http, port: 80 }]",
        "---",
        "apiVersion: policy/v1",
        "kind: PodDisruptionBudget",
        "metadata:",
        "  name: web",
        "spec:",
        "  maxUnavailable: 1",
        "  selector: { matchLabels: { app: web } }",
        "---",
        "apiVersion: coordination.k8s.io/v1",
        "kind: Lease",
        "metadata:",
        "  name: web-leader",
        "",
      ].join("\n"),
    );
    write(
      "apps-root-config/applications/web.yaml",
      application("web", "web", "    repoURL: https://charts.example.test\n    chart: web\n    targetRevision: 1.0.0\n"),
    );
    write(
      "apps-root-config/applications/argocd.yaml",
      application("argocd", "argocd", `    repoURL: ${REPO_URL}\n    targetRevision: main\n    path: cluster-init-apps/argocd/manifests\n`),
    );
    write("cluster-init-apps/argocd/manifests/argocd-cm.yaml", CONFIG);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("marks and reports the chart objects argocd-cm's exclusions and ArgoCD's built-in ones keep out, with the rule", async () => {
    const result = await hydrate(options());
    const web = result.applications.find((a) => a.plan.name === "web")!;
    expect(web.index.argocd).toEqual({
      config: { application: "argocd", file: ARGOCD_CM, line: expect.any(Number) },
      instanceName: "web",
      cluster: "https://kubernetes.default.svc",
      tracking: { method: "label", labelKey: "app.kubernetes.io/instance", installationID: null },
      excluded: 2,
    });
    const byKind = (kind: string) => web.objects.find((o) => o.record.kind === kind)!;
    expect(byKind("PodDisruptionBudget").record.excluded).toBe(
      "resource.exclusions (argocd-cm), entry 1: apiGroups [policy], kinds [PodDisruptionBudget], clusters [https://kubernetes.*]",
    );
    expect(byKind("Lease").record.excluded).toMatch(/^ArgoCD's built-in exclusions: apiGroups \[coordination\.k8s\.io\], kinds \[Lease\]/);
    expect(byKind("Service").record.excluded).toBeNull();
    expect(byKind("PodDisruptionBudget").content).toMatch(/^# EXCLUDED: ArgoCD never applies nor tracks this object \(resource\.exclusions/m);
    expect(result.findings.filter((f) => f.rule === "hydrate-excluded-resource")).toEqual([
      expect.objectContaining({
        severity: "warning",
        application: "web",
        object: { apiVersion: "policy/v1", kind: "PodDisruptionBudget", namespace: "web", name: "web" },
        file: "dist/hydrated/web/web/poddisruptionbudget.web.web.yaml",
        message: expect.stringMatching(
          /^PodDisruptionBudget web\/web \(chart template web\/templates\/objects\.yaml\) is never applied .*entry 1.*homelab check leaves it out$/,
        ),
      }),
      expect.objectContaining({ severity: "warning", application: "web", object: expect.objectContaining({ kind: "Lease", name: "web-leader" }) }),
    ]);
    // Warnings: hydrate still succeeds.
    expect(result.findings.some((f) => f.severity === "error")).toBe(false);
  });

  it("with label tracking, gives what check reads the instance label and leaves the chart's file as rendered", async () => {
    const result = await hydrate(options());
    const web = result.applications.find((a) => a.plan.name === "web")!;
    const service = web.objects.find((o) => o.record.kind === "Service")!;
    expect(service.record.trackingId).toBeNull();
    expect(service.record.trackingLabel).toEqual({ key: "app.kubernetes.io/instance", value: "web" });
    expect((service.value.metadata as { labels: unknown }).labels).toEqual({ app: "web", "app.kubernetes.io/instance": "web" });
    expect(readFileSync(path.join(root, service.record.file), "utf8")).not.toContain("app.kubernetes.io/instance");
    const parsed = parseHydratedObjects(readFileSync(path.join(root, objectsFile("web", "web")), "utf8"))!;
    expect((parsed.get(service.record.file)!.value.metadata as { labels: unknown }).labels).toEqual({ app: "web", "app.kubernetes.io/instance": "web" });
    // ArgoCD tracks nothing it never applies.
    expect(web.objects.find((o) => o.record.kind === "Lease")!.record.trackingLabel).toBeNull();
    // One component hydrated alone reads the same settings.
    const alone = await hydrate(options({ components: ["web"], write: false }));
    expect(alone.applications[0]!.index.argocd?.tracking.method).toBe("label");
  });

  it("without an argocd-cm, uses ArgoCD 3.x's defaults: annotation tracking ids, the default exclusions", async () => {
    rmSync(path.join(root, "cluster-init-apps/argocd/manifests/argocd-cm.yaml"));
    write("cluster-init-apps/argocd/manifests/other.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n");
    try {
      const result = await hydrate(options({ write: false }));
      const web = result.applications.find((a) => a.plan.name === "web")!;
      expect(web.index.argocd).toMatchObject({ config: null, tracking: { method: "annotation", labelKey: "app.kubernetes.io/instance" }, excluded: 1 });
      const service = web.objects.find((o) => o.record.kind === "Service")!;
      expect(service.record).toMatchObject({ trackingId: "web:/Service:web/web", trackingLabel: null, excluded: null });
      expect(service.value.metadata).toEqual({ name: "web", labels: { app: "web" } });
      expect(web.objects.find((o) => o.record.kind === "PodDisruptionBudget")!.record).toMatchObject({
        excluded: null,
        trackingId: "web:policy/PodDisruptionBudget:web/web",
      });
    } finally {
      rmSync(path.join(root, "cluster-init-apps/argocd/manifests/other.yaml"));
      write("cluster-init-apps/argocd/manifests/argocd-cm.yaml", CONFIG);
    }
  });

  it("counts no API for a CustomResourceDefinition ArgoCD excludes: it is never applied, so Helm is not told the cluster serves it", async () => {
    // One CRD in a manifests folder, one in the chart's crds/; the chart tests for both.
    write("cluster-init-apps/argocd/manifests/widget-crd.yaml", crdYaml("example.test", "Widget"));
    write(".charts/web/crds/gadget.yaml", crdYaml("example.test", "Gadget"));
    write(
      ".charts/web/templates/capabilities.yaml",
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-apis\ndata:\n  widget: {{ .Capabilities.APIVersions.Has "example.test/v1/Widget" | quote }}\n  gadget: {{ .Capabilities.APIVersions.Has "example.test/v1/Gadget" | quote }}\n',
    );
    // Written, so the settled API list is memoised: an argocd-cm edit in a manifests folder must settle it again.
    const seen = async () => {
      const result = await hydrate(options());
      const web = result.applications.find((a) => a.plan.name === "web")!;
      const crds = result.applications.flatMap((a) => a.objects.filter((o) => o.record.kind === "CustomResourceDefinition").map((o) => o.record.excluded));
      return {
        surface: [result.surface.has("example.test/v1", "Widget"), result.surface.has("example.test/v1", "Gadget")],
        chart: web.objects.find((o) => o.record.name === "web-apis")!.value.data,
        excluded: crds.map((e) => e !== null),
      };
    };
    try {
      expect(await seen()).toEqual({ surface: [true, true], chart: { widget: "true", gadget: "true" }, excluded: [false, false] });
      write("cluster-init-apps/argocd/manifests/argocd-cm.yaml", `${CONFIG}    - apiGroups: [apiextensions.k8s.io]\n      kinds: [CustomResourceDefinition]\n`);
      expect(await seen()).toEqual({ surface: [false, false], chart: { widget: "false", gadget: "false" }, excluded: [true, true] });
    } finally {
      for (const file of ["cluster-init-apps/argocd/manifests/widget-crd.yaml", ".charts/web/crds/gadget.yaml", ".charts/web/templates/capabilities.yaml"])
        rmSync(path.join(root, file));
      write("cluster-init-apps/argocd/manifests/argocd-cm.yaml", CONFIG);
    }
  });

  it("fails on malformed exclusions at the hydrated argocd-cm's file and line", async () => {
    const good = await hydrate(options({ write: false }));
    const cm = good.applications.find((a) => a.plan.name === "argocd")!.objects.find((o) => o.record.name === "argocd-cm")!;
    write("cluster-init-apps/argocd/manifests/argocd-cm.yaml", CONFIG.replace("kinds: [PodDisruptionBudget]", "kinds: [PodDisruptionBudget"));
    try {
      const error = await hydrate(options({ write: false })).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(HomelabError);
      const e = error as HomelabError;
      expect(e.message).toMatch(/^argocd-cm of Application argocd: resource\.exclusions is not valid YAML/);
      expect(e.position?.file).toBe(ARGOCD_CM);
      // The line in the hydrated file that holds the broken entry (or the one after it, where the parser stops).
      const bad = CONFIG.split("\n").findIndex((l) => l.includes("kinds: [PodDisruptionBudget"));
      expect(e.position!.line! - (cm.record.line + bad)).toBeGreaterThanOrEqual(0);
      expect(e.position!.line! - (cm.record.line + bad)).toBeLessThanOrEqual(2);
    } finally {
      write("cluster-init-apps/argocd/manifests/argocd-cm.yaml", CONFIG);
    }
  });
});
