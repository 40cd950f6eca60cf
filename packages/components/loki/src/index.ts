import { onVirtualMachines, type ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage } from "@homelab/core";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

const NAMESPACE = "loki";
const HTTP_PORT = 3100;

/**
 * Where Loki listens: the single-binary Service the chart names after the
 * release. Promtail pushes here; Grafana's datasource queries here.
 */
export const lokiEndpoints = {
  namespace: NAMESPACE,
  service: "loki",
  port: HTTP_PORT,
  url: `http://loki.${NAMESPACE}.svc.cluster.local:${HTTP_PORT}`,
  pushUrl: `http://loki.${NAMESPACE}.svc.cluster.local:${HTTP_PORT}/loki/api/v1/push`,
} as const;

/** Days of logs kept; the volume is sized for it. */
export const RETENTION_DAYS = 31;

/**
 * Loki in single-binary mode: one pod on a Proxmox VM writing chunks and the
 * TSDB index to a Longhorn volume (Longhorn keeps 3 replicas, so Loki's own
 * replication is 1). A homelab's log volume does not justify the
 * simple-scalable read/write/backend split, its memcached caches or an
 * object store; if the pod's node dies, Longhorn re-attaches the volume on
 * another VM. Multi-tenancy is off: one cluster, one tenant.
 */
export function loki(cluster: ClusterFacts): Component<Values> {
  const storageClass = cluster.storage.classes.find((c) => c.default) ?? cluster.storage.classes[0]!;
  return {
    ...componentPackage(manifest, valuesSchema),
    layer: "platform",
    namespace: NAMESPACE,
    instances: [
      {
        name: "loki",
        values: {
          deploymentMode: "SingleBinary",
          loki: {
            auth_enabled: false,
            commonConfig: { replication_factor: 1 },
            storage: { type: "filesystem" },
            // The chart requires a schema; TSDB v13 is the current store, dated before the first install.
            schemaConfig: {
              configs: [{ from: "2024-04-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } }],
            },
            // The compactor deletes chunks older than the retention period.
            limits_config: { retention_period: `${RETENTION_DAYS * 24}h` },
            compactor: {
              working_directory: "/var/loki/compactor",
              retention_enabled: true,
              delete_request_store: "filesystem",
            },
          },
          singleBinary: {
            replicas: 1,
            nodeSelector: onVirtualMachines,
            resources: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "2Gi" } },
            persistence: {
              enabled: true,
              storageClass: storageClass.name,
              size: "50Gi",
              // Deleting the Application must not delete a month of logs.
              whenDeleted: "Retain",
            },
          },
          // Simple-scalable targets off.
          write: { replicas: 0 },
          read: { replicas: 0 },
          backend: { replicas: 0 },
          // Clients talk to the single binary directly; no nginx in between.
          gateway: { enabled: false },
          // The memcached caches default to 8 GiB + 1 GiB of reserved memory.
          chunksCache: { enabled: false },
          resultsCache: { enabled: false },
          // The canary is a DaemonSet on every node; the Helm test needs it, so both go.
          lokiCanary: { enabled: false },
          test: { enabled: false },
          monitoring: {
            serviceMonitor: { enabled: true, metricsInstance: { enabled: false } },
            // The chart builds its rule groups from src/*.yaml.tpl, which the chart package we render does not
            // contain: both PrometheusRules come out with `groups: null`, which the CRD (and the operator's
            // admission webhook) rejects, so the sync would fail. Loki's health is alerted on through its ServiceMonitor.
            rules: { enabled: false },
            dashboards: { enabled: true },
          },
        },
      },
    ],
    // ServiceMonitor and PrometheusRule need the Prometheus Operator CRDs; the volume needs Longhorn.
  };
}
