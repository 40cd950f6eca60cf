/*
 * Core Kubernetes kinds, typed by kubernetes-models 4.5.1 (interfaces only:
 * `import type`, so nothing of it loads at run time). Each kind is reshaped
 * like the generated CRD kinds: metadata required with a name, no status,
 * since these types describe manifests we write, not objects we read back.
 */
import type { IDaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import type { IDeployment } from "kubernetes-models/apps/v1/Deployment";
import type { IStatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import type { ICronJob } from "kubernetes-models/batch/v1/CronJob";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IIngress } from "kubernetes-models/networking.k8s.io/v1/Ingress";
import type { IIngressClass } from "kubernetes-models/networking.k8s.io/v1/IngressClass";
import type { INetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import type { IPodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import type { IClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import type { IClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import type { IRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import type { IRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import type { IStorageClass } from "kubernetes-models/storage.k8s.io/v1/StorageClass";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import type { INamespace } from "kubernetes-models/v1/Namespace";
import type { IPersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import type { ISecret } from "kubernetes-models/v1/Secret";
import type { IService } from "kubernetes-models/v1/Service";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { ObjectMeta } from "./meta.js";

/** A kubernetes-models kind as a manifest to write: named metadata, no status. */
export type Manifest<T extends { metadata?: unknown }> = Omit<T, "metadata" | "status"> & { metadata: ObjectMeta };

export type Namespace = Manifest<INamespace>;
export type Service = Manifest<IService>;
export type ConfigMap = Manifest<IConfigMap>;
/** For completeness of the type set: secret values never live in this repo (ExternalSecret instead). */
export type Secret = Manifest<ISecret>;
export type ServiceAccount = Manifest<IServiceAccount>;
export type PersistentVolumeClaim = Manifest<IPersistentVolumeClaim>;
export type Deployment = Manifest<IDeployment>;
export type StatefulSet = Manifest<IStatefulSet>;
export type DaemonSet = Manifest<IDaemonSet>;
export type Job = Manifest<IJob>;
export type CronJob = Manifest<ICronJob>;
export type PodDisruptionBudget = Manifest<IPodDisruptionBudget>;
export type ClusterRole = Manifest<IClusterRole>;
export type ClusterRoleBinding = Manifest<IClusterRoleBinding>;
export type Role = Manifest<IRole>;
export type RoleBinding = Manifest<IRoleBinding>;
export type Ingress = Manifest<IIngress>;
export type IngressClass = Manifest<IIngressClass>;
export type NetworkPolicy = Manifest<INetworkPolicy>;
export type StorageClass = Manifest<IStorageClass>;

/** Building blocks components spell out often. */
export type { IContainer as Container } from "kubernetes-models/v1/Container";
export type { IPodSpec as PodSpec } from "kubernetes-models/v1/PodSpec";
export type { IPodTemplateSpec as PodTemplateSpec } from "kubernetes-models/v1/PodTemplateSpec";
export type { IServicePort as ServicePort } from "kubernetes-models/v1/ServicePort";
export type { IEnvVar as EnvVar } from "kubernetes-models/v1/EnvVar";
export type { IVolume as Volume } from "kubernetes-models/v1/Volume";
export type { IVolumeMount as VolumeMount } from "kubernetes-models/v1/VolumeMount";
export type { IResourceRequirements as ResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
export type { IToleration as Toleration } from "kubernetes-models/v1/Toleration";
export type { IAffinity as Affinity } from "kubernetes-models/v1/Affinity";
export type { IPolicyRule as PolicyRule } from "kubernetes-models/rbac.authorization.k8s.io/v1/PolicyRule";
export type { ISubject as Subject } from "kubernetes-models/rbac.authorization.k8s.io/v1/Subject";
