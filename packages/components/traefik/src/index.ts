import { haOnWorkers, type ClusterFacts, type IngressExposure, type IngressFacts } from "@homelab/cluster";
import { type Component, componentPackage, type Instance } from "@homelab/core";
import { middleware, type Middleware } from "@homelab/crds";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

/** Label on the metrics Services the ServiceMonitor selects. */
const METRICS_LABEL = "homelab.dev/metrics";

/** The shared Middlewares the cluster facts route every request of an exposure through. */
const MIDDLEWARES: Readonly<Record<string, Middleware["spec"]>> = {
  // Per client IP; the Service keeps client IPs (externalTrafficPolicy Local) so this is the real one.
  "public-rate-limit": { rateLimit: { average: 50, period: "1s", burst: 100 } },
  "public-security-headers": {
    headers: {
      stsSeconds: 31536000,
      stsIncludeSubdomains: true,
      stsPreload: true,
      contentTypeNosniff: true,
      browserXssFilter: true,
      frameDeny: true,
      referrerPolicy: "strict-origin-when-cross-origin",
    },
  },
  "private-security-headers": { headers: { stsSeconds: 31536000, contentTypeNosniff: true, frameDeny: true } },
};

function middlewares(ingress: IngressFacts): Middleware[] {
  return ingress.middlewares.map((name) => {
    const spec = MIDDLEWARES[name];
    if (!spec) throw new Error(`cluster facts name middleware ${name}, which the traefik component does not define`);
    return middleware({ metadata: { name, namespace: ingress.namespace }, spec });
  });
}

function instance(cluster: ClusterFacts, exposure: IngressExposure): Instance<Values> {
  const ingress = cluster.ingress[exposure];
  const releaseName = `traefik-${ingress.instance}`;
  return {
    name: ingress.instance,
    releaseName,
    namespace: ingress.namespace,
    // One release owns the CRDs; two owners would fight over them on every sync.
    skipCrds: exposure === "private",
    values: {
      deployment: { replicas: 2 },
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      affinity: haOnWorkers({ "app.kubernetes.io/instance": `${releaseName}-${ingress.namespace}` }),
      // Only one default class: an Ingress without a class lands on the private side, never on the internet.
      ingressClass: { enabled: true, isDefaultClass: exposure === "private", name: ingress.className },
      providers: {
        // Each instance serves only routes of its own class; cross-namespace for the Authentik middleware.
        kubernetesCRD: { enabled: true, ingressClass: ingress.className, allowCrossNamespace: true, allowEmptyServices: true },
        kubernetesIngress: { enabled: true, ingressClass: ingress.className },
      },
      ports: {
        web: { http: { redirections: { entryPoint: { to: "websecure", scheme: "https", permanent: true } } } },
        websecure: { http: { tls: { enabled: true } } },
      },
      service: {
        annotations: { "metallb.io/address-pool": ingress.pool.name },
        spec: { externalTrafficPolicy: "Local" },
      },
      // JSON access logs on the internet-facing side, where they feed Loki for incident review.
      accessLog: exposure === "public" ? { enabled: true, format: "json" } : { enabled: false },
      // The chart's own IngressRoute for the dashboard would bypass the route model; the private instance exposes it below.
      ingressRoute: { dashboard: { enabled: false } },
      resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
      metrics: { prometheus: { service: { enabled: true, labels: { [METRICS_LABEL]: "traefik" } } } },
    },
    manifests: middlewares(ingress),
  };
}

/**
 * Two Traefik releases of one chart: public (internet-facing, rate limited,
 * Authentik forward-auth available) and private (admin dashboards, internal
 * APIs), each with its own IngressClass and MetalLB pool.
 */
export function traefik(cluster: ClusterFacts): Component<Values> {
  return {
    ...componentPackage(manifest, valuesSchema, {
      allowLaterLayerDependencies: {
        "kube-prometheus-stack":
          "Prometheus scrapes it once kube-prometheus-stack (platform layer) brings the ServiceMonitor CRD; the ServiceMonitor is synced with that layer",
      },
    }),
    layer: "critical",
    namespace: cluster.ingress.public.namespace,
    provides: ["traefik.io"],
    instances: [instance(cluster, "public"), instance(cluster, "private")],
    routes: [
      {
        name: "traefik",
        exposure: "private",
        admin: true,
        auth: "forward-auth",
        instance: cluster.ingress.private.instance,
        service: { name: "api@internal", kind: "TraefikService" },
      },
    ],
    // Both instances' metrics Services carry the label; they share the namespace.
    metrics: [{ name: "traefik", selector: { [METRICS_LABEL]: "traefik" }, port: "metrics" }],
  };
}
