import type { ClusterFacts } from "@homelab/cluster";
import { lokiEndpoints } from "@homelab/component-loki";
import { type Component, componentPackage } from "@homelab/core";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

const NAMESPACE = "promtail";

/**
 * Promtail: a DaemonSet on every node, control plane included, tailing
 * /var/log/pods and pushing to Loki.
 *
 * Deprecated upstream: the promtail chart is marked `deprecated: true` and
 * Promtail is end of life (Grafana recommends Alloy). It stays because the
 * architecture names it; the replacement is a grafana/alloy component
 * pushing to the same `lokiEndpoints.pushUrl`.
 */
export function promtail(cluster: ClusterFacts): Component<Values> {
  return {
    ...componentPackage(manifest, valuesSchema),
    layer: "platform",
    namespace: NAMESPACE,
    instances: [
      {
        name: "promtail",
        values: {
          daemonset: { enabled: true },
          deployment: { enabled: false },
          // Logs from every node: tolerate every taint (control-plane NoSchedule, k3s
          // CriticalAddonsOnly, NoExecute during node trouble, when the logs matter most).
          tolerations: [{ operator: "Exists" }],
          resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
          config: {
            clients: [{ url: lokiEndpoints.pushUrl, external_labels: { cluster: cluster.name } }],
          },
          serviceMonitor: { enabled: true },
        },
      },
    ],
    // Pushes to Loki; the ServiceMonitor needs the Prometheus Operator CRDs.
  };
}
