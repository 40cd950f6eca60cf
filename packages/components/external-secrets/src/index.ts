import { workersOnly, type ClusterFacts } from "@homelab/cluster";
import { ANNOTATIONS, type Component, componentPackage } from "@homelab/core";
import { clusterSecretStore } from "@homelab/crds";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

const NAMESPACE = "external-secrets";
/** Service account of the controller; Vault's Kubernetes auth role is bound to it. */
const SERVICE_ACCOUNT = "external-secrets";
/** Vault role for the store: by convention the component name (core names CSI roles the same way). */
const VAULT_ROLE = "external-secrets";

/** One replica per node, so losing a node never takes every replica. */
function spread(name: string): unknown[] {
  return [
    {
      maxSkew: 1,
      topologyKey: "kubernetes.io/hostname",
      whenUnsatisfiable: "DoNotSchedule",
      labelSelector: { matchLabels: { "app.kubernetes.io/name": name, "app.kubernetes.io/instance": "external-secrets" } },
      matchLabelKeys: ["pod-template-hash"],
    },
  ];
}

/**
 * External Secrets Operator, HA, with the ClusterSecretStore every
 * ExternalSecret in the cluster references: Vault's KV v2 mount, logged in
 * with Kubernetes auth as the controller's service account.
 */
export function externalSecrets(cluster: ClusterFacts): Component<Values> {
  const vault = cluster.secrets.vault;
  return {
    ...componentPackage(manifest, valuesSchema),
    layer: "platform",
    namespace: NAMESPACE,
    provides: ["external-secrets.io", "generators.external-secrets.io"],
    instances: [
      {
        name: "external-secrets",
        values: {
          installCRDs: true,
          replicaCount: 2,
          // Two controllers without leader election would both reconcile every ExternalSecret.
          leaderElect: true,
          serviceAccount: { create: true, name: SERVICE_ACCOUNT },
          // Every deployment (controller, webhook, cert controller) off the control plane.
          global: { affinity: workersOnly },
          topologySpreadConstraints: spread("external-secrets"),
          podDisruptionBudget: { enabled: true, minAvailable: 1 },
          resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } },
          // Reuse Vault tokens instead of logging in on every refresh.
          vault: { enableTokenCache: true },
          // Every ExternalSecret in the cluster is admitted by this webhook: two replicas, one per node.
          webhook: {
            replicaCount: 2,
            topologySpreadConstraints: spread("external-secrets-webhook"),
            podDisruptionBudget: { enabled: true, minAvailable: 1 },
          },
          // The cert controller only rotates the webhook's certificate; one replica is enough.
          certController: { replicaCount: 1 },
          // skipIfMissing: rendered once kube-prometheus-stack's CRDs exist (ArgoCD passes the
          // cluster's API versions to Helm), so the first sync does not wait for monitoring.
          serviceMonitor: { enabled: true, renderMode: "skipIfMissing" },
          grafanaDashboard: { enabled: true },
        },
        manifests: [
          clusterSecretStore({
            metadata: {
              name: cluster.secrets.clusterSecretStore,
              // After the chart's CRDs and webhook (wave 0) are up: the webhook validates stores.
              annotations: { [ANNOTATIONS.syncWave]: "1" },
            },
            spec: {
              provider: {
                vault: {
                  server: vault.address,
                  path: vault.kvMount,
                  version: "v2",
                  auth: {
                    kubernetes: {
                      mountPath: vault.kubernetesAuthMount,
                      role: VAULT_ROLE,
                      serviceAccountRef: { name: SERVICE_ACCOUNT, namespace: NAMESPACE },
                    },
                  },
                },
              },
            },
          }),
        ],
      },
    ],
    sync: {
      // The CRDs exceed the client-side last-applied annotation limit.
      serverSideApply: true,
      // The ClusterSecretStore's CRD is created by this same sync.
      extra: ["SkipDryRunOnMissingResource=true"],
    },
  };
}
