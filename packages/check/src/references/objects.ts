import type { JsonPath } from "@homelab/yaml";
import { labelsOf, type Labels } from "./selectors.js";

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The Application that syncs an object: what ordering and retries it gets from ArgoCD. */
export interface ApplicationInfo {
  name: string;
  /** Layer order (= the root Application's sync wave of its ApplicationSet); null when unknown. */
  wave: number | null;
  /** `syncPolicy.retry` is set: a failed sync is retried with back-off. */
  retry: boolean;
  syncOptions: readonly string[];
}

/** One object of the whole cluster: a chart's hydrated object, one of our manifests, or a built-in. */
export interface ClusterObject {
  /** File the object is in (relative to the checked directory, `/`-separated); "" for built-ins. */
  file: string;
  index: number;
  object: Obj;
  component: string | null;
  /** Namespace ArgoCD gives a namespaced object that names none (the Application's destination). */
  defaultNamespace?: string | null;
  application?: ApplicationInfo | null;
  /** Set for objects the cluster has without any file (k3s built-ins, operator-made Services): never reported on. */
  builtin?: string;
}

/** What the API server treats as cluster-scoped among the kinds references look at (others: from CRDs, else namespaced). */
const CLUSTER_SCOPED = new Set([
  "/Namespace",
  "/Node",
  "/PersistentVolume",
  "storage.k8s.io/StorageClass",
  "networking.k8s.io/IngressClass",
  "apiextensions.k8s.io/CustomResourceDefinition",
  "rbac.authorization.k8s.io/ClusterRole",
  "rbac.authorization.k8s.io/ClusterRoleBinding",
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
  "admissionregistration.k8s.io/MutatingWebhookConfiguration",
  "scheduling.k8s.io/PriorityClass",
  "cert-manager.io/ClusterIssuer",
  "external-secrets.io/ClusterSecretStore",
  "external-secrets.io/ClusterExternalSecret",
  "apiregistration.k8s.io/APIService",
]);

export const groupOf = (apiVersion: unknown): string =>
  typeof apiVersion === "string" && apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
export const versionOf = (apiVersion: unknown): string => (typeof apiVersion === "string" ? apiVersion.slice(apiVersion.indexOf("/") + 1) : "");

/** An object with what every check reads, computed once. */
export interface Entry {
  o: ClusterObject;
  group: string;
  kind: string;
  name: string;
  /** Effective namespace; null for cluster-scoped kinds. */
  namespace: string | null;
  labels: Labels;
}

export function entryOf(o: ClusterObject, clusterScoped: (group: string, kind: string) => boolean): Entry | undefined {
  const kind = str(o.object.kind);
  const metadata = isObj(o.object.metadata) ? o.object.metadata : {};
  const name = str(metadata.name);
  if (!kind || !name) return undefined;
  const group = groupOf(o.object.apiVersion);
  const namespace = clusterScoped(group, kind) ? null : (str(metadata.namespace) ?? o.defaultNamespace ?? "default");
  return { o, group, kind, name, namespace, labels: labelsOf(metadata) };
}

export const builtinScoped = (group: string, kind: string): boolean | undefined => (CLUSTER_SCOPED.has(`${group}/${kind}`) ? true : undefined);

/** `namespace/name` or `name`, for messages. */
export const ref = (namespace: string | null, name: string): string => (namespace ? `${namespace}/${name}` : name);

export interface ReferenceFinding {
  rule: string;
  code: string;
  severity: "error" | "warning";
  file: string;
  index: number;
  /** Path of the offending field inside the document, for the line. */
  path: JsonPath;
  message: string;
}

/** A reference that resolves only through ArgoCD's ordering (retries, sync waves): reported, not a finding. */
export interface Ordering {
  file: string;
  index: number;
  path: JsonPath;
  kind: string;
  name: string;
  namespace: string | null;
  message: string;
}
