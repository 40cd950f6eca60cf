/**
 * Typed manifests: custom resources generated from the CRDs of the chart
 * versions in use (generated/, see README), core kinds from kubernetes-models,
 * and the strict CRD JSON schemas that schema validation reads.
 */
import type { Application } from "../generated/types/argoproj.io/application_v1alpha1.js";
import type { ApplicationSet } from "../generated/types/argoproj.io/applicationset_v1alpha1.js";
import type { AppProject } from "../generated/types/argoproj.io/appproject_v1alpha1.js";
import type { Certificate } from "../generated/types/cert-manager.io/certificate_v1.js";
import type { ClusterIssuer } from "../generated/types/cert-manager.io/clusterissuer_v1.js";
import type { Issuer } from "../generated/types/cert-manager.io/issuer_v1.js";
import type { ClusterSecretStore } from "../generated/types/external-secrets.io/clustersecretstore_v1.js";
import type { ExternalSecret } from "../generated/types/external-secrets.io/externalsecret_v1.js";
import type { SecretStore } from "../generated/types/external-secrets.io/secretstore_v1.js";
import type { RecurringJob } from "../generated/types/longhorn.io/recurringjob_v1beta2.js";
import type { IPAddressPool } from "../generated/types/metallb.io/ipaddresspool_v1beta1.js";
import type { L2Advertisement } from "../generated/types/metallb.io/l2advertisement_v1beta1.js";
import type { Alertmanager } from "../generated/types/monitoring.coreos.com/alertmanager_v1.js";
import type { PodMonitor } from "../generated/types/monitoring.coreos.com/podmonitor_v1.js";
import type { Prometheus } from "../generated/types/monitoring.coreos.com/prometheus_v1.js";
import type { PrometheusRule } from "../generated/types/monitoring.coreos.com/prometheusrule_v1.js";
import type { ServiceMonitor } from "../generated/types/monitoring.coreos.com/servicemonitor_v1.js";
import type { Cluster as CnpgCluster } from "../generated/types/postgresql.cnpg.io/cluster_v1.js";
import type { ScheduledBackup } from "../generated/types/postgresql.cnpg.io/scheduledbackup_v1.js";
import type { SecretProviderClass } from "../generated/types/secrets-store.csi.x-k8s.io/secretproviderclass_v1.js";
import type { IngressRoute } from "../generated/types/traefik.io/ingressroute_v1alpha1.js";
import type { Middleware } from "../generated/types/traefik.io/middleware_v1alpha1.js";
import type { TLSOption } from "../generated/types/traefik.io/tlsoption_v1alpha1.js";
import type * as core from "./core.js";

export type { ObjectMeta, KubernetesObjectMeta } from "./meta.js";
export type { CrdCatalogEntry } from "../generated/catalog.js";
export { crdCatalog } from "../generated/catalog.js";
export { crdSchemaDir, crdSchemaLocation, crdSchemaFor, crdEntryFor } from "./schemas.js";
export { validateCustomResource, type CrdSchemaProblem } from "./validate.js";
// The conversion the committed schemas are made with, for CRDs met at check time (the charts' hydrated CRDs).
export { validationSchema } from "../scripts/schemas.js";
export type { CrdVersion } from "../scripts/crd-source.js";
export type * from "./core.js";

// Custom resources (storage version where several are served), with their spec types.
export type { Application, ApplicationSpec } from "../generated/types/argoproj.io/application_v1alpha1.js";
export type { ApplicationSet, ApplicationSetSpec, ApplicationSetTemplate } from "../generated/types/argoproj.io/applicationset_v1alpha1.js";
export type { AppProject, AppProjectSpec } from "../generated/types/argoproj.io/appproject_v1alpha1.js";
export type { Certificate, CertificateSpec } from "../generated/types/cert-manager.io/certificate_v1.js";
export type { ClusterIssuer, ClusterIssuerSpec } from "../generated/types/cert-manager.io/clusterissuer_v1.js";
export type { Issuer, IssuerSpec } from "../generated/types/cert-manager.io/issuer_v1.js";
export type { ClusterSecretStore, ClusterSecretStoreSpec } from "../generated/types/external-secrets.io/clustersecretstore_v1.js";
export type { ExternalSecret, ExternalSecretSpec } from "../generated/types/external-secrets.io/externalsecret_v1.js";
export type { SecretStore, SecretStoreSpec } from "../generated/types/external-secrets.io/secretstore_v1.js";
export type { RecurringJob, RecurringJobSpec } from "../generated/types/longhorn.io/recurringjob_v1beta2.js";
export type { IPAddressPool, IPAddressPoolSpec } from "../generated/types/metallb.io/ipaddresspool_v1beta1.js";
export type { L2Advertisement, L2AdvertisementSpec } from "../generated/types/metallb.io/l2advertisement_v1beta1.js";
export type { Alertmanager, AlertmanagerSpec } from "../generated/types/monitoring.coreos.com/alertmanager_v1.js";
export type { PodMonitor, PodMonitorSpec } from "../generated/types/monitoring.coreos.com/podmonitor_v1.js";
export type { Prometheus, PrometheusSpec } from "../generated/types/monitoring.coreos.com/prometheus_v1.js";
export type { PrometheusRule, PrometheusRuleSpec } from "../generated/types/monitoring.coreos.com/prometheusrule_v1.js";
export type { ServiceMonitor, ServiceMonitorSpec } from "../generated/types/monitoring.coreos.com/servicemonitor_v1.js";
export type { Cluster as CnpgCluster, ClusterSpec as CnpgClusterSpec } from "../generated/types/postgresql.cnpg.io/cluster_v1.js";
export type { ScheduledBackup, ScheduledBackupSpec } from "../generated/types/postgresql.cnpg.io/scheduledbackup_v1.js";
export type { SecretProviderClass, SecretProviderClassSpec } from "../generated/types/secrets-store.csi.x-k8s.io/secretproviderclass_v1.js";
export type { IngressRoute, IngressRouteSpec } from "../generated/types/traefik.io/ingressroute_v1alpha1.js";
export type { Middleware, MiddlewareSpec } from "../generated/types/traefik.io/middleware_v1alpha1.js";
export type { TLSOption, TLSOptionSpec } from "../generated/types/traefik.io/tlsoption_v1alpha1.js";

/** Any kind this package types: a custom resource or a core kind. */
export type KnownManifest =
  | Application
  | ApplicationSet
  | AppProject
  | Certificate
  | ClusterIssuer
  | Issuer
  | ClusterSecretStore
  | ExternalSecret
  | SecretStore
  | RecurringJob
  | IPAddressPool
  | L2Advertisement
  | Alertmanager
  | PodMonitor
  | Prometheus
  | PrometheusRule
  | ServiceMonitor
  | CnpgCluster
  | ScheduledBackup
  | SecretProviderClass
  | IngressRoute
  | Middleware
  | TLSOption
  | core.Namespace
  | core.Service
  | core.ConfigMap
  | core.Secret
  | core.ServiceAccount
  | core.PersistentVolumeClaim
  | core.Deployment
  | core.StatefulSet
  | core.DaemonSet
  | core.Job
  | core.CronJob
  | core.PodDisruptionBudget
  | core.ClusterRole
  | core.ClusterRoleBinding
  | core.Role
  | core.RoleBinding
  | core.Ingress
  | core.IngressClass
  | core.NetworkPolicy
  | core.StorageClass;

/** What a constructor takes: the object without the apiVersion and kind it fills in. */
export type ManifestBody<T extends { apiVersion: string; kind: string }> = Omit<T, "apiVersion" | "kind">;

/**
 * A constructor that fills apiVersion and kind, so callers write only
 * metadata and spec. Keys come out in the conventional order
 * (apiVersion, kind, metadata, ...) for readable YAML.
 */
export function manifest<T extends { apiVersion: string; kind: string }>(apiVersion: T["apiVersion"], kind: T["kind"]): (body: ManifestBody<T>) => T {
  return (body) => ({ apiVersion, kind, ...body }) as T;
}

export const application = manifest<Application>("argoproj.io/v1alpha1", "Application");
export const applicationSet = manifest<ApplicationSet>("argoproj.io/v1alpha1", "ApplicationSet");
export const appProject = manifest<AppProject>("argoproj.io/v1alpha1", "AppProject");
export const certificate = manifest<Certificate>("cert-manager.io/v1", "Certificate");
export const clusterIssuer = manifest<ClusterIssuer>("cert-manager.io/v1", "ClusterIssuer");
export const issuer = manifest<Issuer>("cert-manager.io/v1", "Issuer");
export const clusterSecretStore = manifest<ClusterSecretStore>("external-secrets.io/v1", "ClusterSecretStore");
export const externalSecret = manifest<ExternalSecret>("external-secrets.io/v1", "ExternalSecret");
export const secretStore = manifest<SecretStore>("external-secrets.io/v1", "SecretStore");
export const recurringJob = manifest<RecurringJob>("longhorn.io/v1beta2", "RecurringJob");
export const ipAddressPool = manifest<IPAddressPool>("metallb.io/v1beta1", "IPAddressPool");
export const l2Advertisement = manifest<L2Advertisement>("metallb.io/v1beta1", "L2Advertisement");
export const alertmanager = manifest<Alertmanager>("monitoring.coreos.com/v1", "Alertmanager");
export const podMonitor = manifest<PodMonitor>("monitoring.coreos.com/v1", "PodMonitor");
export const prometheus = manifest<Prometheus>("monitoring.coreos.com/v1", "Prometheus");
export const prometheusRule = manifest<PrometheusRule>("monitoring.coreos.com/v1", "PrometheusRule");
export const serviceMonitor = manifest<ServiceMonitor>("monitoring.coreos.com/v1", "ServiceMonitor");
export const cnpgCluster = manifest<CnpgCluster>("postgresql.cnpg.io/v1", "Cluster");
export const scheduledBackup = manifest<ScheduledBackup>("postgresql.cnpg.io/v1", "ScheduledBackup");
export const secretProviderClass = manifest<SecretProviderClass>("secrets-store.csi.x-k8s.io/v1", "SecretProviderClass");
export const ingressRoute = manifest<IngressRoute>("traefik.io/v1alpha1", "IngressRoute");
export const middleware = manifest<Middleware>("traefik.io/v1alpha1", "Middleware");
export const tlsOption = manifest<TLSOption>("traefik.io/v1alpha1", "TLSOption");

export const namespace = manifest<core.Namespace>("v1", "Namespace");
export const service = manifest<core.Service>("v1", "Service");
export const configMap = manifest<core.ConfigMap>("v1", "ConfigMap");
export const serviceAccount = manifest<core.ServiceAccount>("v1", "ServiceAccount");
export const persistentVolumeClaim = manifest<core.PersistentVolumeClaim>("v1", "PersistentVolumeClaim");
export const deployment = manifest<core.Deployment>("apps/v1", "Deployment");
export const statefulSet = manifest<core.StatefulSet>("apps/v1", "StatefulSet");
export const daemonSet = manifest<core.DaemonSet>("apps/v1", "DaemonSet");
export const job = manifest<core.Job>("batch/v1", "Job");
export const cronJob = manifest<core.CronJob>("batch/v1", "CronJob");
export const podDisruptionBudget = manifest<core.PodDisruptionBudget>("policy/v1", "PodDisruptionBudget");
export const clusterRole = manifest<core.ClusterRole>("rbac.authorization.k8s.io/v1", "ClusterRole");
export const clusterRoleBinding = manifest<core.ClusterRoleBinding>("rbac.authorization.k8s.io/v1", "ClusterRoleBinding");
export const role = manifest<core.Role>("rbac.authorization.k8s.io/v1", "Role");
export const roleBinding = manifest<core.RoleBinding>("rbac.authorization.k8s.io/v1", "RoleBinding");
export const ingressClass = manifest<core.IngressClass>("networking.k8s.io/v1", "IngressClass");
export const networkPolicy = manifest<core.NetworkPolicy>("networking.k8s.io/v1", "NetworkPolicy");
export const storageClass = manifest<core.StorageClass>("storage.k8s.io/v1", "StorageClass");
