/**
 * apiVersion/kind → the type `@homelab/crds` exports for it, so an imported
 * manifest is written `{ ... } satisfies IPAddressPool` and a wrong field
 * fails `tsc`. Kinds not listed stay `KubernetesObject`.
 */
export const TYPED_KINDS: Readonly<Record<string, string>> = {
  "argoproj.io/v1alpha1 Application": "Application",
  "argoproj.io/v1alpha1 ApplicationSet": "ApplicationSet",
  "argoproj.io/v1alpha1 AppProject": "AppProject",
  "cert-manager.io/v1 Certificate": "Certificate",
  "cert-manager.io/v1 ClusterIssuer": "ClusterIssuer",
  "cert-manager.io/v1 Issuer": "Issuer",
  "external-secrets.io/v1 ClusterSecretStore": "ClusterSecretStore",
  "external-secrets.io/v1 ExternalSecret": "ExternalSecret",
  "external-secrets.io/v1 SecretStore": "SecretStore",
  "longhorn.io/v1beta2 RecurringJob": "RecurringJob",
  "metallb.io/v1beta1 IPAddressPool": "IPAddressPool",
  "metallb.io/v1beta1 L2Advertisement": "L2Advertisement",
  "monitoring.coreos.com/v1 PrometheusRule": "PrometheusRule",
  "monitoring.coreos.com/v1 ServiceMonitor": "ServiceMonitor",
  "postgresql.cnpg.io/v1 Cluster": "CnpgCluster",
  "postgresql.cnpg.io/v1 ScheduledBackup": "ScheduledBackup",
  "secrets-store.csi.x-k8s.io/v1 SecretProviderClass": "SecretProviderClass",
  "traefik.io/v1alpha1 IngressRoute": "IngressRoute",
  "traefik.io/v1alpha1 Middleware": "Middleware",
  "traefik.io/v1alpha1 TLSOption": "TLSOption",
  "v1 Namespace": "Namespace",
  "v1 Service": "Service",
  "v1 ConfigMap": "ConfigMap",
  "v1 Secret": "Secret",
  "v1 ServiceAccount": "ServiceAccount",
  "v1 PersistentVolumeClaim": "PersistentVolumeClaim",
  "apps/v1 Deployment": "Deployment",
  "apps/v1 StatefulSet": "StatefulSet",
  "apps/v1 DaemonSet": "DaemonSet",
  "batch/v1 Job": "Job",
  "batch/v1 CronJob": "CronJob",
  "policy/v1 PodDisruptionBudget": "PodDisruptionBudget",
  "rbac.authorization.k8s.io/v1 ClusterRole": "ClusterRole",
  "rbac.authorization.k8s.io/v1 ClusterRoleBinding": "ClusterRoleBinding",
  "rbac.authorization.k8s.io/v1 Role": "Role",
  "rbac.authorization.k8s.io/v1 RoleBinding": "RoleBinding",
  "networking.k8s.io/v1 Ingress": "Ingress",
  "networking.k8s.io/v1 IngressClass": "IngressClass",
  "networking.k8s.io/v1 NetworkPolicy": "NetworkPolicy",
  "storage.k8s.io/v1 StorageClass": "StorageClass",
};

export function typedKind(apiVersion: string, kind: string): string | undefined {
  return TYPED_KINDS[`${apiVersion} ${kind}`];
}
