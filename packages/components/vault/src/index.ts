import { workersOnly, type ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage } from "@homelab/core";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

const NAMESPACE = "vault";
const RELEASE = "vault";
const REPLICAS = 3;

/** Raft storage joined through the headless service; listener without TLS inside the cluster, Traefik terminates TLS. */
function raftConfig(): string {
  const joins = Array.from({ length: REPLICAS }, (_, i) => `  retry_join {\n    leader_api_addr = "http://${RELEASE}-${i}.${RELEASE}-internal:8200"\n  }`);
  return [
    "ui = true",
    "",
    'listener "tcp" {',
    "  tls_disable = 1",
    '  address = "[::]:8200"',
    '  cluster_address = "[::]:8201"',
    "  telemetry {",
    '    unauthenticated_metrics_access = "true"',
    "  }",
    "}",
    "",
    'storage "raft" {',
    '  path = "/vault/data"',
    ...joins,
    "}",
    "",
    'service_registration "kubernetes" {}',
    "",
    "telemetry {",
    '  prometheus_retention_time = "30s"',
    "  disable_hostname = true",
    "}",
    "",
  ].join("\n");
}

/**
 * Vault in HA with integrated raft storage on three workers, the CSI provider
 * for file-mounted secrets, and the UI only on the private ingress.
 * Unsealing stays manual (Shamir keys held offline): no cloud KMS in a homelab.
 */
export function vault(cluster: ClusterFacts): Component<Values> {
  // Raft already keeps three copies; one Longhorn replica per volume is enough underneath.
  const storageClass = cluster.storage.classes.find((c) => c.replicas === 1)?.name;
  return {
    ...componentPackage(manifest, valuesSchema, {
      allowLaterLayerDependencies: {
        "kube-prometheus-stack":
          "Prometheus scrapes it once kube-prometheus-stack (platform layer) brings the ServiceMonitor CRD; the ServiceMonitor is synced with that layer",
      },
    }),
    layer: "critical",
    namespace: NAMESPACE,
    instances: [
      {
        name: "vault",
        releaseName: RELEASE,
        values: {
          // The injector is not needed: workloads get secrets through External Secrets or the CSI driver.
          injector: { enabled: false },
          server: {
            ha: {
              enabled: true,
              replicas: REPLICAS,
              raft: { enabled: true, setNodeId: true, config: raftConfig() },
              disruptionBudget: { enabled: true, maxUnavailable: 1 },
            },
            dataStorage: { enabled: true, size: "10Gi", ...(storageClass ? { storageClass } : {}) },
            affinity: {
              ...workersOnly,
              // A raft peer per node: losing one node must not lose quorum.
              podAntiAffinity: {
                requiredDuringSchedulingIgnoredDuringExecution: [
                  {
                    topologyKey: "kubernetes.io/hostname",
                    labelSelector: { matchLabels: { "app.kubernetes.io/name": "vault", "app.kubernetes.io/instance": RELEASE, component: "server" } },
                  },
                ],
              },
            },
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
          },
          ui: { enabled: true, serviceType: "ClusterIP" },
          csi: { enabled: true },
          serverTelemetry: { serviceMonitor: { enabled: false } },
        },
      },
    ],
    routes: [
      {
        name: "vault",
        exposure: "private",
        admin: true,
        auth: "forward-auth",
        service: { name: `${RELEASE}-ui`, port: 8200 },
      },
    ],
    // The active node's telemetry; the listener allows unauthenticated metrics (see raftConfig).
    metrics: [
      {
        name: "vault",
        selector: { "app.kubernetes.io/name": "vault", "vault-active": "true" },
        port: "http",
        path: "/v1/sys/metrics",
        params: { format: ["prometheus"] },
      },
    ],
    sync: {
      // The chart's mutating webhook config gets a caBundle injected; the StatefulSet's PVC templates are defaulted.
      ignoreDifferences: [
        { group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration", jqPathExpressions: [".webhooks[]?.clientConfig.caBundle"] },
      ],
    },
  };
}
