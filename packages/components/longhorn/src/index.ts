import type { ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage } from "@homelab/core";
import { recurringJob, storageClass, type RecurringJob } from "@homelab/crds";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

const NAMESPACE = "longhorn-system";
const BACKUP_SECRET = "longhorn-backup-target";

/** Snapshots often, backups to TrueNAS daily and weekly; volumes join through the `default` group. */
const JOBS: readonly { name: string; task: "snapshot" | "backup"; cron: string; retain: number }[] = [
  { name: "snapshot-hourly", task: "snapshot", cron: "7 * * * *", retain: 24 },
  { name: "backup-daily", task: "backup", cron: "30 2 * * *", retain: 7 },
  { name: "backup-weekly", task: "backup", cron: "0 4 * * 0", retain: 4 },
];

function jobs(): RecurringJob[] {
  return JOBS.map((job) =>
    recurringJob({
      metadata: { name: job.name, namespace: NAMESPACE },
      spec: { name: job.name, task: job.task, cron: job.cron, retain: job.retain, concurrency: 2, groups: ["default"], labels: { schedule: job.name } },
    }),
  );
}

/**
 * Longhorn on the NVMe workers: three replicas for the default class, a
 * single-replica class for workloads that replicate themselves (Vault raft,
 * CNPG), backups to MinIO on TrueNAS on a schedule.
 */
export function longhorn(cluster: ClusterFacts): Component<Values> {
  const defaultClass = cluster.storage.classes.find((c) => c.default);
  if (!defaultClass) throw new Error("cluster facts name no default storage class");
  const extraClasses = cluster.storage.classes.filter((c) => c !== defaultClass);
  return {
    ...componentPackage(manifest, valuesSchema, {
      allowLaterLayerDependencies: {
        "kube-prometheus-stack":
          "Prometheus scrapes it once kube-prometheus-stack (platform layer) brings the ServiceMonitor CRD; the ServiceMonitor is synced with that layer",
        "external-secrets":
          "the backup target credentials arrive once External Secrets (platform layer) syncs them from Vault; volumes work, without backups, until then",
      },
    }),
    layer: "critical",
    namespace: NAMESPACE,
    provides: ["longhorn.io"],
    instances: [
      {
        name: "longhorn",
        values: {
          // Its pre-upgrade hook Job blocks ArgoCD syncs (it runs as a Helm hook ArgoCD cannot order); Longhorn documents turning it off.
          preUpgradeChecker: { jobEnabled: false },
          persistence: { defaultClass: true, defaultClassReplicaCount: defaultClass.replicas, reclaimPolicy: "Retain" },
          defaultSettings: {
            // Disks only where the node carries `node.longhorn.io/create-default-disk` (the NVMe workers).
            createDefaultDiskLabeledNodes: true,
            defaultReplicaCount: defaultClass.replicas,
            replicaSoftAntiAffinity: false,
            storageMinimalAvailablePercentage: 15,
            nodeDownPodDeletionPolicy: "delete-both-statefulset-and-deployment-pod",
            upgradeChecker: false,
            allowCollectingLonghornUsageMetrics: false,
          },
          defaultBackupStore: { backupTarget: cluster.storage.backup.target, backupTargetCredentialSecret: BACKUP_SECRET },
          longhornUI: { replicas: 2 },
        },
        manifests: [
          ...extraClasses.map((c) =>
            storageClass({
              metadata: { name: c.name },
              provisioner: "driver.longhorn.io",
              allowVolumeExpansion: true,
              reclaimPolicy: "Delete",
              volumeBindingMode: "Immediate",
              parameters: { numberOfReplicas: String(c.replicas), staleReplicaTimeout: "30", dataLocality: "best-effort", fsType: "ext4" },
            }),
          ),
          ...jobs(),
        ],
      },
    ],
    routes: [{ name: "longhorn", exposure: "private", admin: true, auth: "forward-auth", service: { name: "longhorn-frontend", port: 80 } }],
    secrets: [
      {
        name: BACKUP_SECRET,
        vaultPath: cluster.storage.backup.vaultPath,
        keys: { AWS_ACCESS_KEY_ID: "access-key-id", AWS_SECRET_ACCESS_KEY: "secret-access-key", AWS_ENDPOINTS: "endpoint" },
      },
    ],
    metrics: [{ name: "longhorn-manager", selector: { app: "longhorn-manager" }, port: "manager" }],
    // The ExternalSecret's CRD comes with a later layer; ArgoCD retries until it exists.
    sync: { extra: ["SkipDryRunOnMissingResource=true"] },
  };
}
