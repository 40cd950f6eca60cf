import { workersOnly, type ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage } from "@homelab/core";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

const NAMESPACE = "secrets-store-csi-driver";

/** The example's Vault path and file → property map: a reference, the value stays in Vault. */
export const EXAMPLE_SECRET = {
  name: "vault-file-example",
  vaultPath: "platform/examples/file-secret",
  keys: { "api-key": "api-key" },
} as const;

/**
 * Secrets Store CSI driver for applications that read secrets as files.
 * The Vault provider plugin itself is the vault chart's CSI provider
 * (`csi.enabled`); it must run on the same nodes as this DaemonSet.
 *
 * The driver runs on every worker (it is needed wherever a pod mounts a
 * secret volume) but not on the control plane, where no workload runs.
 */
export function secretsStoreCsiDriver(_cluster: ClusterFacts): Component<Values> {
  return {
    ...componentPackage(manifest, valuesSchema),
    layer: "platform",
    namespace: NAMESPACE,
    provides: ["secrets-store.csi.x-k8s.io"],
    instances: [
      {
        name: "secrets-store-csi-driver",
        values: {
          linux: {
            enabled: true,
            crds: { enabled: true },
            // Replaces the chart's virtual-kubelet exclusion (this cluster has none).
            affinity: workersOnly,
          },
          windows: { enabled: false },
          // Mirror mounted secrets into Kubernetes Secrets (SecretProviderClass `secretObjects`), for env vars.
          syncSecret: { enabled: true },
          // Re-read Vault periodically so a rotated secret reaches mounted files and synced Secrets.
          enableSecretRotation: true,
          rotationPollInterval: "2m",
          providerHealthCheck: true,
        },
      },
    ],
    // Example of a file-based secret: core renders it as a SecretProviderClass on the
    // Vault provider. Copy it into an application's namespace and mount it with
    // `csi: {driver: secrets-store.csi.k8s.io, volumeAttributes: {secretProviderClass: <name>}}`.
    secrets: [{ ...EXAMPLE_SECRET, via: "csi" }],
    sync: {
      // The SecretProviderClass's CRD is installed by this same sync.
      extra: ["SkipDryRunOnMissingResource=true"],
    },
  };
}
