import { HomelabError } from "@homelab/errors";
import { GO_YAML } from "@homelab/yaml";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  DEFAULT_INSTANCE_LABEL_KEY,
  defaultSettings,
  exclusionOf,
  instanceName,
  ruleMatches,
  settingsFromConfigMap,
  trackingOf,
  type ArgoSettings,
  type ConfigPlace,
} from "./argocd.js";
import { withTrackingLabel } from "./layout.js";

const IN_CLUSTER = "https://kubernetes.default.svc";
const settings = (extra: Partial<ArgoSettings>): ArgoSettings => ({
  ...defaultSettings(),
  config: { application: "argocd", file: "argocd-cm.yaml", line: 1 },
  exclusions: [],
  ...extra,
});

describe("resource.exclusions / resource.inclusions matching", () => {
  it("matches groups and clusters as globs, kinds literally or by *, an empty list as everything", () => {
    const rule = { apiGroups: ["*.k8s.io", "cilium.{io,dev}", "kyverno.i?"], kinds: ["Lease", "Cilium*"], clusters: [] };
    expect(ruleMatches(rule, "coordination.k8s.io", "Lease", IN_CLUSTER)).toBe(true);
    expect(ruleMatches(rule, "cilium.dev", "Lease", IN_CLUSTER)).toBe(true);
    expect(ruleMatches(rule, "kyverno.io", "Lease", IN_CLUSTER)).toBe(true);
    expect(ruleMatches(rule, "k8s.io", "Lease", IN_CLUSTER)).toBe(false);
    // A kind is not a glob: `Cilium*` names no kind.
    expect(ruleMatches(rule, "cilium.io", "CiliumIdentity", IN_CLUSTER)).toBe(false);
    expect(ruleMatches({ ...rule, kinds: ["*"] }, "cilium.io", "CiliumIdentity", IN_CLUSTER)).toBe(true);
    expect(ruleMatches({ apiGroups: [], kinds: [], clusters: [] }, "anything.example", "Whatever", "x")).toBe(true);
    // `*` also crosses dots and slashes (no separators), and a class matches one character.
    expect(ruleMatches({ apiGroups: [""], kinds: [], clusters: ["https://*.example.test"] }, "", "Pod", "https://a.b.example.test")).toBe(true);
    expect(ruleMatches({ apiGroups: ["[!a]pps"], kinds: [], clusters: [] }, "apps", "Deployment", IN_CLUSTER)).toBe(false);
  });

  it("excludes what any exclusion or ArgoCD's built-in list matches, per cluster", () => {
    const s = settings({ exclusions: [{ apiGroups: ["policy"], kinds: ["PodDisruptionBudget"], clusters: ["https://kubernetes.*"] }] });
    expect(exclusionOf(s, "policy", "PodDisruptionBudget", IN_CLUSTER)).toBe(
      "resource.exclusions (argocd-cm), entry 1: apiGroups [policy], kinds [PodDisruptionBudget], clusters [https://kubernetes.*]",
    );
    expect(exclusionOf(s, "policy", "PodDisruptionBudget", "https://other.example.test")).toBeNull();
    expect(exclusionOf(s, "apps", "Deployment", IN_CLUSTER)).toBeNull();
    // Built in whatever argocd-cm says.
    expect(exclusionOf(s, "", "Event", IN_CLUSTER)).toMatch(/^ArgoCD's built-in exclusions/);
    expect(exclusionOf(s, "metrics.k8s.io", "PodMetrics", IN_CLUSTER)).toMatch(/^ArgoCD's built-in exclusions/);
  });

  it("with inclusions for the cluster, excludes whatever no inclusion matches; an exclusion still wins", () => {
    const s = settings({
      inclusions: [{ apiGroups: ["", "apps"], kinds: [], clusters: [IN_CLUSTER] }],
      exclusions: [{ apiGroups: [""], kinds: ["Secret"], clusters: [] }],
    });
    expect(exclusionOf(s, "apps", "Deployment", IN_CLUSTER)).toBeNull();
    expect(exclusionOf(s, "", "ConfigMap", IN_CLUSTER)).toBeNull();
    expect(exclusionOf(s, "networking.k8s.io", "Ingress", IN_CLUSTER)).toBe("resource.inclusions (argocd-cm): no entry includes networking.k8s.io/Ingress");
    expect(exclusionOf(s, "", "Secret", IN_CLUSTER)).toMatch(/^resource\.exclusions \(argocd-cm\), entry 1/);
    // Inclusions for another cluster leave this one alone.
    expect(exclusionOf(s, "networking.k8s.io", "Ingress", "https://other.example.test")).toBeNull();
  });

  it("without an argocd-cm, excludes what ArgoCD 3.x's install manifests exclude", () => {
    const s = defaultSettings();
    expect(exclusionOf(s, "discovery.k8s.io", "EndpointSlice", IN_CLUSTER)).toMatch(/^resource\.exclusions \(ArgoCD 3\.x default argocd-cm\)/);
    expect(exclusionOf(s, "cert-manager.io", "CertificateRequest", IN_CLUSTER)).not.toBeNull();
    expect(exclusionOf(s, "cert-manager.io", "Certificate", IN_CLUSTER)).toBeNull();
    expect(s.trackingMethod).toBe("annotation");
    expect(s.instanceLabelKey).toBe(DEFAULT_INSTANCE_LABEL_KEY);
  });
});

describe("resource tracking", () => {
  const object = (extra: Partial<Parameters<typeof trackingOf>[3]> = {}) => ({
    group: "apps",
    kind: "Deployment",
    name: "web",
    namespace: "web" as string | null,
    cluster: false,
    renderedNamespace: null as string | null,
    ...extra,
  });

  it("gives <app>:<group>/<kind>:<namespace>/<name>, with the destination namespace for cluster-scoped objects", () => {
    const s = defaultSettings();
    expect(trackingOf(s, "web", "web", object())).toEqual({ id: "web:apps/Deployment:web/web", label: null });
    expect(trackingOf(s, "web", "web", object({ group: "", kind: "ConfigMap", namespace: "other", renderedNamespace: "other" })).id).toBe(
      "web:/ConfigMap:other/web",
    );
    expect(trackingOf(s, "web", "web", object({ group: "rbac.authorization.k8s.io", kind: "ClusterRole", namespace: null, cluster: true })).id).toBe(
      "web:rbac.authorization.k8s.io/ClusterRole:web/web",
    );
    expect(trackingOf(s, "web", null, object({ kind: "ClusterThing", namespace: null, cluster: true })).id).toBe("web:apps/ClusterThing:/web");
    // The repo-server leaves CRDs untracked; the controller tracks one whose rendered namespace it clears.
    const crd = object({ group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", namespace: null, cluster: true });
    expect(trackingOf(s, "web", "web", crd)).toEqual({ id: null, label: null });
    expect(trackingOf(s, "web", "web", { ...crd, renderedNamespace: "web" }).id).toBe("web:apiextensions.k8s.io/CustomResourceDefinition:web/web");
  });

  it("names an Application outside ArgoCD's namespace <namespace>_<name>", () => {
    expect(instanceName({ name: "web", namespace: "argocd" }, "argocd")).toBe("web");
    expect(instanceName({ name: "web", namespace: null }, "argocd")).toBe("web");
    expect(instanceName({ name: "web", namespace: "team-a" }, "argocd")).toBe("team-a_web");
  });

  it("sets the instance label with label tracking, both with annotation+label (label cut to 63 characters)", () => {
    const label = settings({ trackingMethod: "label", instanceLabelKey: "app.kubernetes.io/instance" });
    expect(trackingOf(label, "web", "web", object())).toEqual({ id: null, label: { key: "app.kubernetes.io/instance", value: "web" } });
    const both = settings({ trackingMethod: "annotation+label" });
    const long = `${"a".repeat(62)}-b`;
    expect(trackingOf(both, long, "web", object())).toEqual({
      id: `${long}:apps/Deployment:web/web`,
      label: { key: DEFAULT_INSTANCE_LABEL_KEY, value: "a".repeat(62) },
    });
    const value = { metadata: { name: "web", labels: { app: "web" } } };
    expect(withTrackingLabel(value, { key: "app.kubernetes.io/instance", value: "web" })).toEqual({
      metadata: { name: "web", labels: { app: "web", "app.kubernetes.io/instance": "web" } },
    });
    expect(value.metadata.labels).toEqual({ app: "web" });
  });
});

describe("settings from a rendered argocd-cm", () => {
  const TEXT = `apiVersion: v1
kind: ConfigMap
metadata:
  name: argocd-cm
  namespace: argocd
data:
  application.instanceLabelKey: app.kubernetes.io/instance
  application.resourceTrackingMethod: annotation+label
  installationID: homelab
  resource.exclusions: |
    ### comment lines as the chart renders them
    - apiGroups:
      - ''
      kinds:
      - Endpoints
    - apiGroups: ["*.example.test"]
      clusters: ["https://kubernetes.default.svc"]
  resource.inclusions: |
    - apiGroups: ["*"]
      kinds: ["*"]
`;
  const place = (text: string): ConfigPlace => ({
    application: "argocd",
    file: "dist/hydrated/argocd/argocd/configmap.argocd.argocd-cm.yaml",
    line: 8,
    text,
    origin: "values x.yaml",
  });
  const data = (text: string) => parse(text, GO_YAML) as Record<string, unknown>;

  it("reads exclusions, inclusions, tracking method, label key and installation ID", () => {
    const s = settingsFromConfigMap(data(TEXT), place(TEXT), "argocd");
    expect(s).toEqual({
      config: { application: "argocd", file: "dist/hydrated/argocd/argocd/configmap.argocd.argocd-cm.yaml", line: 8 },
      namespace: "argocd",
      exclusions: [
        { apiGroups: [""], kinds: ["Endpoints"], clusters: [] },
        { apiGroups: ["*.example.test"], kinds: [], clusters: ["https://kubernetes.default.svc"] },
      ],
      inclusions: [{ apiGroups: ["*"], kinds: ["*"], clusters: [] }],
      trackingMethod: "annotation+label",
      instanceLabelKey: "app.kubernetes.io/instance",
      installationID: "homelab",
    });
    expect(exclusionOf(s, "widgets.example.test", "Widget", IN_CLUSTER)).toMatch(/entry 2/);
  });

  it("takes ArgoCD's defaults for what the ConfigMap leaves out: annotation tracking, app.kubernetes.io/instance, no exclusions", () => {
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\ndata:\n  url: https://argocd.example.test\n";
    const s = settingsFromConfigMap(data(text), place(text), "argocd");
    expect(s).toMatchObject({
      exclusions: [],
      inclusions: [],
      trackingMethod: "annotation",
      instanceLabelKey: DEFAULT_INSTANCE_LABEL_KEY,
      installationID: null,
    });
  });

  const failure = (text: string): HomelabError => {
    try {
      settingsFromConfigMap(data(text), place(text), "argocd");
    } catch (error) {
      if (error instanceof HomelabError) return error;
      throw error;
    }
    throw new Error("no error");
  };

  it("reports malformed exclusions YAML at the hydrated file and line, not with a stack trace", () => {
    const error = failure(TEXT.replace("      kinds:\n      - Endpoints", "      kinds: [Endpoints"));
    expect(error.code).toBe("CONFIG");
    expect(error.message).toMatch(/^argocd-cm of Application argocd: resource\.exclusions is not valid YAML/);
    // The file's line 8 is the object's first line; the error is inside the block, below the key on the text's line 10.
    expect(error.position?.file).toBe("dist/hydrated/argocd/argocd/configmap.argocd.argocd-cm.yaml");
    expect(error.position?.line).toBeGreaterThanOrEqual(8 + 9 + 1);
    expect(error.hint).toContain("values x.yaml");
  });

  it("names the entry's line for an entry ArgoCD would misread, a bad glob, or a tracking method it does not know", () => {
    const misspelt = failure(TEXT.replace("      kinds:\n      - Endpoints", "      kind:\n      - Endpoints"));
    expect(misspelt.message).toContain('resource.exclusions entry 1 has "kind"');
    // The entry starts on the block's second line: the text's line 12, the file's line 8 + 11.
    expect(misspelt.position).toEqual({ file: "dist/hydrated/argocd/argocd/configmap.argocd.argocd-cm.yaml", line: 19 });
    expect(failure(TEXT.replace('["*.example.test"]', '["{unclosed"]')).message).toContain('pattern "{unclosed" is not a valid glob');
    expect(failure(TEXT.replace('kinds: ["*"]', "kinds: Deployment")).message).toContain("resource.inclusions entry 1: kinds must be a list of strings");
    const method = failure(TEXT.replace("annotation+label", "annotations"));
    expect(method.message).toContain('application.resourceTrackingMethod "annotations" is none of annotation, label, annotation+label');
    expect(method.position?.line).toBe(15);
  });
});
