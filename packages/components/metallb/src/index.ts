import type { ClusterFacts, LoadBalancerPool } from "@homelab/cluster";
import { type Component, componentPackage, type KubernetesObject } from "@homelab/core";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };

const NAMESPACE = "metallb-system";

function pool(pool: LoadBalancerPool, autoAssign: boolean): KubernetesObject[] {
  return [
    {
      apiVersion: "metallb.io/v1beta1",
      kind: "IPAddressPool",
      metadata: { name: pool.name, namespace: NAMESPACE },
      spec: { addresses: [...pool.addresses], autoAssign, avoidBuggyIPs: true },
    } as KubernetesObject,
    {
      apiVersion: "metallb.io/v1beta1",
      kind: "L2Advertisement",
      metadata: { name: pool.name, namespace: NAMESPACE },
      spec: { ipAddressPools: [pool.name] },
    } as KubernetesObject,
  ];
}

/**
 * MetalLB in layer 2 mode. Services ask for a pool by annotation
 * (`metallb.io/address-pool`); only the private pool is handed out
 * automatically, so nothing lands on the public VLAN by accident.
 */
export function metallb(cluster: ClusterFacts): Component<Values> {
  return {
    ...componentPackage(manifest, valuesSchema),
    layer: "init",
    namespace: NAMESPACE,
    provides: ["metallb.io"],
    instances: [
      {
        name: "metallb",
        values: {
          crds: { enabled: true },
          // L2 mode only: the bundled frr-k8s BGP backend (on by default in 0.16) is not needed.
          frrk8s: { enabled: false },
          speaker: { frr: { enabled: false }, tolerateMaster: true },
          controller: { logLevel: "info" },
        },
        manifests: [...pool(cluster.ingress.public.pool, false), ...pool(cluster.ingress.private.pool, true)],
      },
    ],
    sync: {
      // The chart's CRDs carry a caBundle the controller injects at run time; ArgoCD must not revert it.
      ignoreDifferences: [
        { group: "apiextensions.k8s.io", kind: "CustomResourceDefinition", jqPathExpressions: [".spec.conversion.webhook.clientConfig.caBundle"] },
      ],
    },
  };
}
