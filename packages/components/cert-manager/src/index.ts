import type { ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage, type KubernetesObject } from "@homelab/core";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

const NAMESPACE = "cert-manager";
const TOKEN_SECRET = "cloudflare-api-token";
const ACME = {
  production: "https://acme-v02.api.letsencrypt.org/directory",
  staging: "https://acme-staging-v02.api.letsencrypt.org/directory",
} as const;

function clusterIssuer(cluster: ClusterFacts, name: string, server: string): KubernetesObject {
  return {
    apiVersion: "cert-manager.io/v1",
    kind: "ClusterIssuer",
    metadata: { name },
    spec: {
      acme: {
        email: cluster.tls.acmeEmail,
        server,
        privateKeySecretRef: { name: `${name}-account-key` },
        solvers: [
          {
            dns01: { cloudflare: { apiTokenSecretRef: { name: TOKEN_SECRET, key: "api-token" } } },
            selector: { dnsZones: [...new Set([cluster.ingress.public.domain, cluster.ingress.private.domain])] },
          },
        ],
      },
    },
  } as KubernetesObject;
}

/**
 * cert-manager with its CRDs and Let's Encrypt ClusterIssuers solving DNS-01
 * through Cloudflare; the API token comes from Vault via an ExternalSecret.
 */
export function certManager(cluster: ClusterFacts): Component<Values> {
  return {
    ...componentPackage(manifest, valuesSchema, {
      allowLaterLayerDependencies: {
        "kube-prometheus-stack":
          "Prometheus scrapes it once kube-prometheus-stack (platform layer) brings the ServiceMonitor CRD; the ServiceMonitor is synced with that layer",
        "external-secrets":
          "cert-manager and its CRDs must exist before Traefik (critical layer); only the ClusterIssuers wait, not-ready, until External Secrets (platform layer) syncs the Cloudflare token from Vault",
      },
    }),
    layer: "init",
    namespace: NAMESPACE,
    provides: ["cert-manager.io", "acme.cert-manager.io"],
    instances: [
      {
        name: "cert-manager",
        values: {
          // keep: the CRDs survive an uninstall, so deleting the Application never deletes every Certificate.
          crds: { enabled: true, keep: true },
          replicaCount: 2,
          podDisruptionBudget: { enabled: true, minAvailable: 1 },
          webhook: { replicaCount: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } },
          cainjector: { replicaCount: 2, podDisruptionBudget: { enabled: true, minAvailable: 1 } },
          // Check DNS-01 propagation against public resolvers, not the split-horizon home DNS.
          dns01RecursiveNameservers: "1.1.1.1:53,9.9.9.9:53",
          dns01RecursiveNameserversOnly: true,
        },
        manifests: [clusterIssuer(cluster, cluster.tls.issuers.staging, ACME.staging), clusterIssuer(cluster, cluster.tls.issuers.production, ACME.production)],
      },
    ],
    secrets: [{ name: TOKEN_SECRET, vaultPath: cluster.tls.cloudflareTokenVaultPath, keys: { "api-token": "api-token" } }],
    // The chart's controller Service names its metrics port http-metrics (tcp-prometheus-servicemonitor is the pod's port name).
    metrics: [
      { name: "cert-manager", selector: { "app.kubernetes.io/name": "cert-manager", "app.kubernetes.io/component": "controller" }, port: "http-metrics" },
    ],
    sync: {
      serverSideApply: true,
      // The ExternalSecret's CRD arrives with External Secrets in a later layer; until then ArgoCD retries.
      extra: ["SkipDryRunOnMissingResource=true"],
    },
  };
}
