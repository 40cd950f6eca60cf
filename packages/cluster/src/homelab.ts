import type { ClusterFacts, ClusterNode } from "./facts.js";

const STORAGE_LABEL = "homelab.dev/storage";
const HARDWARE_LABEL = "homelab.dev/hardware";
const LONGHORN_DISK_LABEL = "node.longhorn.io/create-default-disk";

function pi(name: string, role: ClusterNode["role"], nvme: boolean): ClusterNode {
  return {
    name,
    role,
    arch: "arm64",
    hardware: "raspberry-pi-4",
    memoryGiB: 8,
    nvme,
    // Longhorn creates its default disk only on nodes labelled create-default-disk (createDefaultDiskLabeledNodes).
    labels: { [HARDWARE_LABEL]: "raspberry-pi", ...(nvme ? { [STORAGE_LABEL]: "nvme", [LONGHORN_DISK_LABEL]: "true" } : {}) },
  };
}

function vm(name: string): ClusterNode {
  return { name, role: "worker", arch: "amd64", hardware: "proxmox-vm", memoryGiB: 16, nvme: false, labels: { [HARDWARE_LABEL]: "proxmox-vm" } };
}

const publicPool = { name: "public-vlan", vlan: 20, addresses: ["192.168.20.200-192.168.20.220"] } as const;
const privatePool = { name: "private-vlan", vlan: 30, addresses: ["192.168.30.200-192.168.30.240"] } as const;

/** The homelab cluster described in docs/cluster-architecture: 3 Pi servers, 4 Pi NVMe workers, 3 Proxmox VMs. */
export const homelab: ClusterFacts = {
  name: "homelab",
  kubernetes: { distribution: "k3s", version: "1.35.4" },
  git: { repoURL: "https://github.com/homelab/k3s-cluster-infra-apps.git", revision: "main" },
  argocd: { namespace: "argocd", project: "default" },
  ingress: {
    public: {
      instance: "public",
      namespace: "traefik",
      middlewares: ["public-rate-limit", "public-security-headers"],
      className: "traefik-public",
      entryPoint: "websecure",
      pool: publicPool,
      domain: "example.com",
    },
    private: {
      instance: "private",
      namespace: "traefik",
      middlewares: ["private-security-headers"],
      className: "traefik-private",
      entryPoint: "websecure",
      pool: privatePool,
      domain: "home.example.com",
    },
  },
  nodes: [
    pi("k3s-server-1", "control-plane", false),
    pi("k3s-server-2", "control-plane", false),
    pi("k3s-server-3", "control-plane", false),
    pi("k3s-worker-1", "worker", true),
    pi("k3s-worker-2", "worker", true),
    pi("k3s-worker-3", "worker", true),
    pi("k3s-worker-4", "worker", true),
    vm("k3s-vm-1"),
    vm("k3s-vm-2"),
    vm("k3s-vm-3"),
  ],
  storage: {
    classes: [
      { name: "longhorn", replicas: 3, default: true },
      { name: "longhorn-single", replicas: 1, default: false },
    ],
    backup: { target: "s3://longhorn-backups@us-east-1/", vaultPath: "infra/longhorn/backup-target" },
    objectStore: { endpoint: "https://minio.home.example.com", vaultPath: "infra/minio/backup-writer" },
  },
  tls: {
    acmeEmail: "admin@example.com",
    issuers: { production: "letsencrypt-production", staging: "letsencrypt-staging" },
    cloudflareTokenVaultPath: "infra/cert-manager/cloudflare",
  },
  auth: { forwardAuthMiddleware: { namespace: "authentik", name: "authentik-forward-auth" } },
  secrets: {
    clusterSecretStore: "vault",
    vault: { address: "http://vault-active.vault.svc:8200", kubernetesAuthMount: "kubernetes", kvMount: "secret" },
  },
};

export const labels = { storage: STORAGE_LABEL, hardware: HARDWARE_LABEL, longhornDisk: LONGHORN_DISK_LABEL } as const;
