import { workersOnly, type ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage } from "@homelab/core";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

const NAMESPACE = "cnpg-system";
const APP_LABEL = { "app.kubernetes.io/name": "cloudnative-pg" };

/**
 * The CloudNativePG operator. Database HA lives in each `Cluster`
 * (spec.instances); the operator itself runs two replicas with leader
 * election (on by default in the operator) so a drained node does not stall
 * failovers and backups. Its images are multi-arch, so it may run on any worker.
 */
export function cloudnativePg(_cluster: ClusterFacts): Component<Values> {
  return {
    ...componentPackage(manifest, valuesSchema),
    layer: "platform",
    namespace: NAMESPACE,
    provides: ["postgresql.cnpg.io"],
    instances: [
      {
        name: "cloudnative-pg",
        values: {
          replicaCount: 2,
          crds: { create: true },
          // Cluster-wide: application databases (Authentik, apps) live in their own namespaces.
          config: { clusterWide: true },
          // Control plane untouched.
          affinity: workersOnly,
          topologySpreadConstraints: [
            { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: APP_LABEL } },
          ],
          resources: { requests: { cpu: "50m", memory: "128Mi" }, limits: { memory: "512Mi" } },
          monitoring: {
            podMonitorEnabled: true,
            // kube-prometheus-stack's Grafana sidecar loads ConfigMaps labelled grafana_dashboard=1 from every namespace.
            grafanaDashboard: { create: true },
          },
        },
      },
    ],
    // The PodMonitor needs the Prometheus Operator CRDs from kube-prometheus-stack.
    sync: {
      // The CRDs (Cluster's especially) exceed the client-side last-applied annotation limit.
      serverSideApply: true,
    },
  };
}
