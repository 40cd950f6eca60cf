/** The shape of the facts about one cluster. Components read these instead of repeating literals. */

export type Arch = "arm64" | "amd64";
export type NodeRole = "control-plane" | "worker";

export interface ClusterNode {
  name: string;
  role: NodeRole;
  arch: Arch;
  hardware: "raspberry-pi-4" | "proxmox-vm";
  memoryGiB: number;
  /** Local NVMe that Longhorn may use; only these nodes carry Longhorn replicas. */
  nvme: boolean;
  /** Labels the node provisioning (Ansible) sets; scheduling constraints select on these. */
  labels: Readonly<Record<string, string>>;
}

export interface LoadBalancerPool {
  /** Name of the MetalLB IPAddressPool. */
  name: string;
  vlan: number;
  /** CIDRs or `first-last` ranges, as MetalLB takes them. */
  addresses: readonly string[];
}

export type IngressExposure = "public" | "private";

export interface IngressFacts {
  /** Traefik instance name (the chart instance) serving this exposure. */
  instance: string;
  /** Namespace the Traefik instance runs in; its shared Middlewares live there. */
  namespace: string;
  /** Middlewares (in `namespace`) every route on this exposure passes through, in order, before auth. */
  middlewares: readonly string[];
  /** IngressClass name; also the class the instance's providers watch. */
  className: string;
  /** The TLS entry point routes use. */
  entryPoint: string;
  /** MetalLB pool the instance's LoadBalancer service takes its IP from. */
  pool: LoadBalancerPool;
  /** Base domain of hosts routed through this exposure. */
  domain: string;
}

export interface StorageClassFacts {
  name: string;
  replicas: number;
  default: boolean;
}

export interface ClusterFacts {
  name: string;
  kubernetes: {
    distribution: "k3s";
    /** Kubernetes version the manifests are validated against (schemas are generated for it). */
    version: string;
  };
  git: {
    /** The repository ArgoCD syncs (this repository). */
    repoURL: string;
    revision: string;
  };
  argocd: {
    namespace: string;
    project: string;
  };
  ingress: Readonly<Record<IngressExposure, IngressFacts>>;
  nodes: readonly ClusterNode[];
  storage: {
    classes: readonly StorageClassFacts[];
    /** Longhorn backup target (MinIO on TrueNAS) and where its credentials live in Vault. */
    backup: { target: string; vaultPath: string };
    /** The S3-compatible object store (MinIO on TrueNAS) backups go to, and its credentials in Vault. */
    objectStore: { endpoint: string; vaultPath: string };
  };
  tls: {
    acmeEmail: string;
    /** ClusterIssuer names; routes use `production`. */
    issuers: { production: string; staging: string };
    /** Vault path of the Cloudflare API token used for DNS-01. */
    cloudflareTokenVaultPath: string;
  };
  auth: {
    /** The Traefik Middleware (Authentik forward-auth) public routes reference. */
    forwardAuthMiddleware: { namespace: string; name: string };
  };
  secrets: {
    /** The ClusterSecretStore backed by Vault that ExternalSecrets reference. */
    clusterSecretStore: string;
    vault: { address: string; kubernetesAuthMount: string; kvMount: string };
  };
}

/** Nodes matching a predicate; throws when none match, since an empty placement silently schedules nowhere. */
export function nodesWhere(cluster: ClusterFacts, predicate: (node: ClusterNode) => boolean, what: string): ClusterNode[] {
  const found = cluster.nodes.filter(predicate);
  if (found.length === 0) throw new Error(`cluster ${cluster.name} has no ${what} node`);
  return found;
}

/** A fully qualified host name for a route on the given exposure. */
export function hostFor(cluster: ClusterFacts, exposure: IngressExposure, name: string): string {
  return `${name}.${cluster.ingress[exposure].domain}`;
}
