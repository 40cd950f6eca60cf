export type { Arch, ClusterFacts, ClusterNode, IngressExposure, IngressFacts, LoadBalancerPool, NodeRole, StorageClassFacts } from "./facts.js";
export { hostFor, nodesWhere } from "./facts.js";
export { homelab, labels } from "./homelab.js";
export { haOnWorkers, onNvmeNodes, onVirtualMachines, spreadOverNodes, tolerateControlPlane, workersOnly } from "./placement.js";
