import { describe, expect, it } from "vitest";
import { parsePromql, resolveReferences, type ApplicationInfo, type ClusterObject } from "./index.js";

type Obj = Record<string, unknown>;
let counter = 0;
/** One object in its own file, like a rendered manifest. */
function obj(object: Obj, extra: Partial<ClusterObject> = {}): ClusterObject {
  return { file: `m/${String(object.kind).toLowerCase()}-${counter++}.yaml`, index: 0, object, component: "test", ...extra };
}
const meta = (name: string, namespace?: string, labels?: Record<string, string>, annotations?: Record<string, string>) => ({
  name,
  ...(namespace ? { namespace } : {}),
  ...(labels ? { labels } : {}),
  ...(annotations ? { annotations } : {}),
});
const service = (name: string, namespace: string, labels: Record<string, string>, ports: Obj[], selector?: Record<string, string>) =>
  obj({ apiVersion: "v1", kind: "Service", metadata: meta(name, namespace, labels), spec: { ...(selector ? { selector } : {}), ports } });
const deployment = (name: string, namespace: string, labels: Record<string, string>, containers: Obj[]) =>
  obj({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(name, namespace),
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers } } },
  });
const serviceMonitor = (name: string, namespace: string, spec: Obj, labels?: Record<string, string>) =>
  obj({ apiVersion: "monitoring.coreos.com/v1", kind: "ServiceMonitor", metadata: meta(name, namespace, labels), spec });
const rule = (expr: string, alert = "TestAlert") =>
  obj({
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PrometheusRule",
    metadata: meta("rules", "monitoring"),
    spec: { groups: [{ name: "g", rules: [{ alert, expr }] }] },
  });

const traefikApp = [
  service("traefik-metrics", "traefik", { "homelab.dev/metrics": "traefik" }, [{ name: "metrics", port: 9100, targetPort: "metrics" }], { app: "traefik" }),
  deployment("traefik", "traefik", { app: "traefik" }, [
    {
      name: "traefik",
      image: "docker.io/traefik:v3.6.1",
      ports: [
        { name: "metrics", containerPort: 9100 },
        { name: "web", containerPort: 8000 },
      ],
    },
  ]),
];

const run = (objects: ClusterObject[], options = {}) => resolveReferences(objects, { distribution: "none", ...options });
const codes = (objects: ClusterObject[], options = {}) => run(objects, options).findings.map((f) => `${f.rule}/${f.code}`);

describe("ServiceMonitor", () => {
  it("resolves when a Service in its namespace has the labels and the port name", () => {
    expect(
      codes([
        ...traefikApp,
        serviceMonitor("traefik", "traefik", { selector: { matchLabels: { "homelab.dev/metrics": "traefik" } }, endpoints: [{ port: "metrics" }] }),
      ]),
    ).toEqual([]);
  });

  it("reports a port no selected Service names, at the endpoint's port, with the ports it has", () => {
    const sm = serviceMonitor("traefik", "traefik", { selector: { matchLabels: { "homelab.dev/metrics": "traefik" } }, endpoints: [{ port: "http-metrics" }] });
    const { findings } = run([...traefikApp, sm]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: "ref-monitor", code: "port-missing", file: sm.file, path: ["spec", "endpoints", 0, "port"] });
    expect(findings[0]!.message).toContain('port "http-metrics"');
    expect(findings[0]!.message).toContain("traefik-metrics has metrics");
  });

  it("reports a selector no Service in its namespaces matches", () => {
    const sm = serviceMonitor("x", "traefik", { selector: { matchLabels: { app: "nope" } }, endpoints: [{ port: "metrics" }] });
    const { findings } = run([...traefikApp, sm]);
    expect(findings.map((f) => [f.code, f.path])).toEqual([["selects-nothing", ["spec", "selector"]]]);
    expect(findings[0]!.message).toContain("app=nope");
  });

  it("looks only in its own namespace unless namespaceSelector says otherwise", () => {
    const selector = { matchLabels: { "homelab.dev/metrics": "traefik" } };
    expect(codes([...traefikApp, serviceMonitor("t", "monitoring", { selector, endpoints: [{ port: "metrics" }] })])).toEqual(["ref-monitor/selects-nothing"]);
    expect(
      codes([...traefikApp, serviceMonitor("t", "monitoring", { selector, namespaceSelector: { matchNames: ["traefik"] }, endpoints: [{ port: "metrics" }] })]),
    ).toEqual([]);
    expect(codes([...traefikApp, serviceMonitor("t", "monitoring", { selector, namespaceSelector: { any: true }, endpoints: [{ port: "metrics" }] })])).toEqual(
      [],
    );
  });

  it("honours matchExpressions", () => {
    const sm = (operator: string) =>
      serviceMonitor("t", "traefik", {
        selector: { matchExpressions: [{ key: "homelab.dev/metrics", operator, values: ["traefik"] }] },
        endpoints: [{ port: "metrics" }],
      });
    expect(codes([...traefikApp, sm("In")])).toEqual([]);
    expect(codes([...traefikApp, sm("NotIn")])).toEqual(["ref-monitor/selects-nothing"]);
  });

  it("is reported when no Prometheus picks it up", () => {
    const prometheus = obj({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "Prometheus",
      metadata: meta("k", "monitoring"),
      spec: { serviceMonitorSelector: { matchLabels: { release: "k" } }, serviceMonitorNamespaceSelector: {} },
    });
    const sm = (labels?: Record<string, string>) =>
      serviceMonitor("t", "traefik", { selector: { matchLabels: { "homelab.dev/metrics": "traefik" } }, endpoints: [{ port: "metrics" }] }, labels);
    expect(codes([...traefikApp, prometheus, sm()])).toEqual(["ref-monitor/not-picked-up"]);
    expect(codes([...traefikApp, prometheus, sm({ release: "k" })])).toEqual([]);
  });
});

describe("PodMonitor", () => {
  const pm = (port: string) =>
    obj({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "PodMonitor",
      metadata: meta("traefik", "traefik"),
      spec: { selector: { matchLabels: { app: "traefik" } }, podMetricsEndpoints: [{ port }] },
    });
  it("resolves a container port name of a selected pod", () => {
    expect(codes([...traefikApp, pm("metrics")])).toEqual([]);
  });
  it("reports a container port name no selected pod has", () => {
    const m = pm("prom");
    const { findings } = run([...traefikApp, m]);
    expect(findings).toMatchObject([{ rule: "ref-monitor", code: "port-missing", path: ["spec", "podMetricsEndpoints", 0, "port"] }]);
    expect(findings[0]!.message).toContain("metrics, web");
  });
});

describe("alert rules against scrape targets", () => {
  const sm = serviceMonitor("traefik", "traefik", { selector: { matchLabels: { "homelab.dev/metrics": "traefik" } }, endpoints: [{ port: "metrics" }] });

  it("accepts matchers a target has: job is the Service name, container the one with the target port", () => {
    expect(codes([...traefikApp, sm, rule('up{job="traefik-metrics", namespace="traefik", container="traefik", service="traefik-metrics"} == 0')])).toEqual([]);
    expect(codes([...traefikApp, sm, rule('sum by (job) (up{pod=~"traefik-.*"}) == 0')])).toEqual([]);
  });

  it("reports a matcher no target has, at the expr, naming the selector and the jobs there are", () => {
    const r = rule('sum by (job) (up{job="traefik"}) == 0', "TraefikDown");
    const { findings } = run([...traefikApp, sm, r]);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: "ref-alert-target", code: "matches-no-target", file: r.file, path: ["spec", "groups", 0, "rules", 0, "expr"] });
    expect(findings[0]!.message).toContain('alert TraefikDown: up{job="traefik"}');
    expect(findings[0]!.message).toContain("jobs: traefik-metrics");
  });

  it("reports matchers that each match some target but no single one", () => {
    const other = service("vault", "vault", {}, [{ name: "http", port: 8200 }]);
    const vsm = serviceMonitor("vault", "vault", { selector: {}, endpoints: [{ port: "http" }] });
    const { findings } = run([...traefikApp, sm, other, vsm, rule('up{job="vault", namespace="traefik"} == 0')]);
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('no single scrape target has job="vault" and namespace="traefik"')]);
  });

  it("uses jobLabel, as the operator does", () => {
    const labelled = service("traefik-metrics", "traefik", { "homelab.dev/metrics": "traefik", "app.kubernetes.io/name": "traefik" }, [
      { name: "metrics", port: 9100 },
    ]);
    const withJobLabel = serviceMonitor("traefik", "traefik", {
      jobLabel: "app.kubernetes.io/name",
      selector: { matchLabels: { "homelab.dev/metrics": "traefik" } },
      endpoints: [{ port: "metrics" }],
    });
    expect(codes([labelled, withJobLabel, rule('up{job="traefik"} == 0')])).toEqual([]);
    expect(codes([labelled, withJobLabel, rule('up{job="traefik-metrics"} == 0')])).toEqual(["ref-alert-target/matches-no-target"]);
  });

  it("leaves labels to the metric where the target does not set them or honors the metric's", () => {
    // The API server has no pods behind its Service: `namespace` of a workload metric comes from the metric.
    const api = service("kubernetes", "default", { component: "apiserver" }, [{ name: "https", port: 443 }]);
    const apiSm = serviceMonitor("apiserver", "monitoring", {
      jobLabel: "component",
      namespaceSelector: { matchNames: ["default"] },
      selector: { matchLabels: { component: "apiserver" } },
      endpoints: [{ port: "https" }],
    });
    expect(codes([api, apiSm, rule('apiserver_request_total{job="apiserver", pod="x"} > 0')])).toEqual([]);
    // ...but `up` has exactly the target's labels.
    expect(codes([api, apiSm, rule('up{job="apiserver", pod="x"} == 0')])).toEqual(["ref-alert-target/matches-no-target"]);
    const ksm = service("ksm", "monitoring", {}, [{ name: "http", port: 8080 }]);
    const ksmSm = serviceMonitor("ksm", "monitoring", { selector: {}, endpoints: [{ port: "http", honorLabels: true }] });
    expect(codes([ksm, ksmSm, rule('kube_pod_status_ready{namespace="vault"} == 0')])).toEqual([]);
    expect(codes([ksm, ksmSm, rule('up{namespace="vault"} == 0')])).toEqual(["ref-alert-target/matches-no-target"]);
  });

  it("reports an expression that does not parse", () => {
    expect(codes([...traefikApp, sm, rule('sum(up{job="traefik-metrics"}')])).toEqual(["ref-alert-target/invalid-expr"]);
  });

  it("finds the k3s built-ins and the operator's kubelet Service", () => {
    const operator = obj({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("operator", "monitoring"),
      spec: { template: { metadata: { labels: { app: "op" } }, spec: { containers: [{ name: "op", args: ["--kubelet-service=kube-system/kps-kubelet"] }] } } },
    });
    const kubelet = serviceMonitor("kubelet", "monitoring", {
      jobLabel: "k8s-app",
      namespaceSelector: { matchNames: ["kube-system"] },
      selector: { matchLabels: { "k8s-app": "kubelet" } },
      endpoints: [{ port: "https-metrics", honorLabels: true }],
    });
    const coredns = serviceMonitor("coredns", "monitoring", {
      jobLabel: "k8s-app",
      namespaceSelector: { matchNames: ["kube-system"] },
      selector: { matchLabels: { "k8s-app": "kube-dns" } },
      endpoints: [{ port: "metrics" }],
    });
    const alerts = rule('up{job="kubelet"} == 0 or up{job="kube-dns", container="coredns"} == 0');
    expect(resolveReferences([operator, kubelet, coredns, alerts], { distribution: "k3s" }).findings).toEqual([]);
    expect(
      resolveReferences([kubelet, coredns, alerts], { distribution: "k3s" })
        .findings.map((f) => f.code)
        .sort(),
    ).toEqual(["matches-no-target", "selects-nothing"]);
  });

  it("parses selectors with Prometheus's grammar", () => {
    expect(
      parsePromql('sum by (namespace) (rate(x{job=~"a|b", pod!=""}[5m])) / on(job) y').selectors.map((s) => [
        s.metric,
        s.matchers.map((m) => `${m.label}${m.op}${m.value}`),
      ]),
    ).toEqual([
      ["x", ["job=~a|b", "pod!="]],
      ["y", []],
    ]);
  });
});

describe("IngressRoute and Ingress", () => {
  const svc = service("whoami", "apps", {}, [{ name: "http", port: 80 }], { app: "whoami" });
  const traefikDeploy = (args: string[]) =>
    obj({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("traefik-public", "traefik"),
      spec: { template: { metadata: { labels: { app: "t" } }, spec: { containers: [{ name: "traefik", image: "docker.io/traefik:v3.6.1", args }] } } },
    });
  const mw = (name: string, namespace: string) =>
    obj({ apiVersion: "traefik.io/v1alpha1", kind: "Middleware", metadata: meta(name, namespace), spec: { headers: {} } });
  const route = (services: Obj[], middlewares: Obj[] = [], annotations?: Record<string, string>) =>
    obj({
      apiVersion: "traefik.io/v1alpha1",
      kind: "IngressRoute",
      metadata: meta("whoami", "apps", undefined, annotations),
      spec: { routes: [{ match: "Host(`w`)", services, middlewares }] },
    });

  it("resolves Service, port (name or number) and a Middleware of its namespace", () => {
    expect(
      codes([
        svc,
        mw("headers", "apps"),
        route(
          [
            { name: "whoami", port: 80 },
            { name: "whoami", port: "http" },
          ],
          [{ name: "headers" }],
        ),
      ]),
    ).toEqual([]);
  });

  it("reports a missing Service, a missing port and a missing Middleware at their fields", () => {
    const r = route(
      [
        { name: "whoami", port: 8080 },
        { name: "gone", port: 80 },
      ],
      [{ name: "nope" }],
    );
    const { findings } = run([svc, r]);
    expect(findings.map((f) => [f.code, f.path])).toEqual([
      ["port-missing", ["spec", "routes", 0, "services", 0, "port"]],
      ["service-missing", ["spec", "routes", 0, "services", 1, "name"]],
      ["missing", ["spec", "routes", 0, "middlewares", 0, "name"]],
    ]);
    expect(findings[0]!.message).toContain("http/80");
  });

  it("allows a cross-namespace Middleware only when the serving Traefik allows cross-namespace references", () => {
    const objects = [
      svc,
      mw("forward-auth", "authentik"),
      route([{ name: "whoami", port: 80 }], [{ name: "forward-auth", namespace: "authentik" }], { "kubernetes.io/ingress.class": "traefik-public" }),
    ];
    const base = ["--entryPoints.web.address=:8000", "--providers.kubernetescrd", "--providers.kubernetescrd.ingressClass=traefik-public"];
    expect(codes([...objects, traefikDeploy(base)])).toEqual(["ref-middleware/cross-namespace"]);
    expect(codes([...objects, traefikDeploy([...base, "--providers.kubernetesCRD.allowCrossNamespace=true"])])).toEqual([]);
    // A class no instance serves.
    expect(
      codes([
        ...objects,
        traefikDeploy([
          "--providers.kubernetescrd",
          "--providers.kubernetescrd.ingressClass=traefik-private",
          "--providers.kubernetescrd.allowCrossNamespace=true",
        ]),
      ]),
    ).toEqual(["ref-ingress-class/route-unserved"]);
  });

  it("checks Ingress backends, class, middleware annotation and issuer annotation", () => {
    const ingress = (spec: Obj, annotations?: Record<string, string>) =>
      obj({ apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: meta("w", "apps", undefined, annotations), spec });
    const cls = obj({
      apiVersion: "networking.k8s.io/v1",
      kind: "IngressClass",
      metadata: meta("traefik-public"),
      spec: { controller: "traefik.io/ingress-controller" },
    });
    const good = ingress(
      {
        ingressClassName: "traefik-public",
        rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "whoami", port: { name: "http" } } } }] } }],
      },
      { "traefik.ingress.kubernetes.io/router.middlewares": "apps-headers@kubernetescrd" },
    );
    expect(codes([svc, cls, mw("headers", "apps"), good])).toEqual([]);
    const bad = ingress(
      {
        ingressClassName: "nginx",
        rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "whoami", port: { number: 81 } } } }] } }],
      },
      { "traefik.ingress.kubernetes.io/router.middlewares": "apps-nope@kubernetescrd", "cert-manager.io/cluster-issuer": "letsencrypt" },
    );
    expect(codes([svc, cls, bad]).sort()).toEqual([
      "ref-backend/port-missing",
      "ref-ingress-class/class-missing",
      "ref-issuer/missing",
      "ref-middleware/missing",
    ]);
  });
});

describe("stores, issuers, storage classes", () => {
  const es = (storeRef: Obj) =>
    obj({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: meta("s", "apps"),
      spec: { secretStoreRef: storeRef, target: { name: "s" } },
    });
  const css = obj({ apiVersion: "external-secrets.io/v1", kind: "ClusterSecretStore", metadata: meta("vault"), spec: {} });
  const cert = (issuerRef: Obj) =>
    obj({ apiVersion: "cert-manager.io/v1", kind: "Certificate", metadata: meta("c", "apps"), spec: { secretName: "c", issuerRef } });
  const ci = obj({ apiVersion: "cert-manager.io/v1", kind: "ClusterIssuer", metadata: meta("letsencrypt-production"), spec: {} });

  it("ExternalSecret store", () => {
    expect(codes([css, es({ name: "vault", kind: "ClusterSecretStore" })])).toEqual([]);
    // Default kind is SecretStore in the ExternalSecret's namespace.
    expect(codes([css, es({ name: "vault" })])).toEqual(["ref-secret-store/missing"]);
  });

  it("Certificate issuer (external issuer groups are not judged)", () => {
    expect(codes([ci, cert({ name: "letsencrypt-production", kind: "ClusterIssuer" })])).toEqual([]);
    expect(codes([ci, cert({ name: "letsencrypt-prod", kind: "ClusterIssuer" })])).toEqual(["ref-issuer/missing"]);
    expect(codes([ci, cert({ name: "step", kind: "StepClusterIssuer", group: "certmanager.step.sm" })])).toEqual([]);
  });

  it("StorageClass from cluster facts or rendered objects, in claims, claim templates and operator specs", () => {
    const pvc = (storageClassName: string) => obj({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: meta("p", "apps"), spec: { storageClassName } });
    const sts = obj({
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta("s", "apps"),
      spec: { volumeClaimTemplates: [{ metadata: { name: "d" }, spec: { storageClassName: "fast" } }] },
    });
    const prom = obj({
      apiVersion: "monitoring.coreos.com/v1",
      kind: "Prometheus",
      metadata: meta("k", "monitoring"),
      spec: { storage: { volumeClaimTemplate: { spec: { storageClassName: "longhorn" } } } },
    });
    expect(codes([pvc("longhorn"), prom], { storageClasses: ["longhorn"] })).toEqual([]);
    const { findings } = run([pvc("longhorn-ssd"), sts, prom], { storageClasses: ["longhorn"] });
    expect(findings.map((f) => [f.code, f.path])).toEqual([
      ["missing", ["spec", "storageClassName"]],
      ["missing", ["spec", "volumeClaimTemplates", 0, "spec", "storageClassName"]],
    ]);
    const fast = obj({ apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: meta("fast"), provisioner: "x" });
    expect(codes([sts, fast])).toEqual([]);
  });
});

describe("CRD ordering", () => {
  const app = (name: string, wave: number, retry = true): ApplicationInfo => ({ name, wave, retry, syncOptions: [] });
  const crd = (application: ApplicationInfo) =>
    obj(
      {
        apiVersion: "apiextensions.k8s.io/v1",
        kind: "CustomResourceDefinition",
        metadata: meta("servicemonitors.monitoring.coreos.com"),
        spec: { group: "monitoring.coreos.com", scope: "Namespaced", names: { kind: "ServiceMonitor" }, versions: [{ name: "v1", served: true }] },
      },
      { application },
    );
  const sm = (application: ApplicationInfo, apiVersion = "monitoring.coreos.com/v1") =>
    obj({ apiVersion, kind: "ServiceMonitor", metadata: meta("x", "x"), spec: { selector: {}, endpoints: [] } }, { application });
  const svc = service("s", "x", {}, [{ name: "m", port: 1 }]);
  const kps = app("kube-prometheus-stack", 3);

  it("accepts a CRD from the same Application or an earlier wave", () => {
    expect(codes([svc, crd(kps), sm(kps)], { crdsComplete: true })).toEqual([]);
    expect(codes([svc, crd(app("kps", 2)), sm(app("loki", 3))], { crdsComplete: true })).toEqual([]);
  });

  it("reports a CRD from a later wave, a missing CRD and an unserved version", () => {
    const { findings } = run([svc, crd(kps), sm(app("traefik", 2))], { crdsComplete: true });
    expect(findings.map((f) => f.code)).toEqual(["later-wave"]);
    expect(findings[0]!.message).toContain("kube-prometheus-stack in the later wave 3");
    expect(codes([svc, sm(app("traefik", 2))], { crdsComplete: true })).toEqual(["ref-crd/missing"]);
    expect(codes([svc, crd(kps), sm(kps, "monitoring.coreos.com/v2")], { crdsComplete: true })).toEqual(["ref-crd/version-not-served"]);
    // Without the charts' CRDs in the set, nothing is judged.
    expect(codes([svc, sm(app("traefik", 2))])).toEqual([]);
  });

  it("lists a same-wave dependency as the ordering it relies on, and reports it without retries", () => {
    const result = run([svc, crd(kps), sm(app("traefik-platform", 3))], { crdsComplete: true });
    expect(result.findings).toEqual([]);
    expect(result.orderings.map((o) => o.message)).toEqual([
      expect.stringContaining("relies on kube-prometheus-stack (same wave) installing CRD ServiceMonitor"),
    ]);
    expect(codes([svc, crd(kps), sm(app("traefik-platform", 3, false))], { crdsComplete: true })).toEqual(["ref-crd/same-wave-no-retry"]);
  });
});

describe("objects missing from the set (charts not hydrated)", () => {
  const opaque = { namespaces: ["traefik"], reason: "test" };
  it("does not report what it cannot see, but still reports what it can", () => {
    const sm = serviceMonitor("t", "traefik", { selector: { matchLabels: { app: "chart-made" } }, endpoints: [{ port: "metrics" }] });
    const route = obj({
      apiVersion: "traefik.io/v1alpha1",
      kind: "IngressRoute",
      metadata: meta("r", "traefik"),
      spec: { routes: [{ match: "Host(`x`)", services: [{ name: "chart-svc", port: 80 }] }] },
    });
    const es = obj({ apiVersion: "external-secrets.io/v1", kind: "ExternalSecret", metadata: meta("s", "apps"), spec: { secretStoreRef: { name: "local" } } });
    expect(codes([sm, route, es, rule('up{job="x"} == 0')], { opaque })).toEqual(["ref-secret-store/missing"]);
    expect(codes([sm, route, es, rule('up{job="x"} == 0')]).sort()).toEqual([
      "ref-alert-target/matches-no-target",
      "ref-backend/service-missing",
      "ref-monitor/selects-nothing",
      "ref-secret-store/missing",
    ]);
  });
});
