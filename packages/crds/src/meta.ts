import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";

/** Kubernetes ObjectMeta as kubernetes-models types it (every core kind uses this). */
export type KubernetesObjectMeta = NonNullable<IConfigMap["metadata"]>;

/**
 * ObjectMeta of the manifests we write: the Kubernetes one with `name`
 * required, since every object this repo renders is named (no generateName).
 */
export type ObjectMeta = KubernetesObjectMeta & { name: string };
