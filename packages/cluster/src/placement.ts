import { labels } from "./homelab.js";

/** Kubernetes affinity and selector snippets; plain objects so any chart's values can take them. */

const CONTROL_PLANE = "node-role.kubernetes.io/control-plane";

/** Keeps a workload off the k3s servers (Raspberry Pis that also run etcd). */
export const workersOnly = {
  nodeAffinity: {
    requiredDuringSchedulingIgnoredDuringExecution: {
      nodeSelectorTerms: [{ matchExpressions: [{ key: CONTROL_PLANE, operator: "DoesNotExist" as const }] }],
    },
  },
};

/** For heavy workloads: the amd64 Proxmox VMs. */
export const onVirtualMachines = { [labels.hardware]: "proxmox-vm" };

/** For storage: the Raspberry Pi workers with NVMe. */
export const onNvmeNodes = { [labels.storage]: "nvme" };

/** Lets a DaemonSet (log shipping, CSI node plugins) run on the servers too. */
export const tolerateControlPlane = [{ key: CONTROL_PLANE, operator: "Exists" as const, effect: "NoSchedule" as const }];

/** Spreads replicas of one workload over different nodes, preferring but not requiring it. */
export function spreadOverNodes(matchLabels: Record<string, string>) {
  return {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels } } },
      ],
    },
  };
}

/** Workers only, and replicas on different nodes. */
export function haOnWorkers(matchLabels: Record<string, string>) {
  return { ...workersOnly, ...spreadOverNodes(matchLabels) };
}
