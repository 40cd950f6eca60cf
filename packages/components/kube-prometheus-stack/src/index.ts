import { hostFor, onVirtualMachines, type ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage, type Route } from "@homelab/core";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };
import { criticalComponentRules } from "./rules.js";

export { criticalComponentRules } from "./rules.js";

const NAMESPACE = "monitoring";
const RELEASE = "kube-prometheus-stack";
/** Vault path of Grafana's admin login (keys `username`, `password`). */
export const GRAFANA_ADMIN_VAULT_PATH = "platform/grafana/admin";
const GRAFANA_ADMIN_SECRET = "grafana-admin";
/**
 * Loki's query endpoint. A literal rather than an import of
 * @homelab/component-loki: Loki depends on this component (its ServiceMonitor
 * and rules need the Prometheus Operator CRDs), and a datasource that is not
 * up yet only shows an error in Grafana.
 */
const LOKI_URL = "http://loki.loki.svc.cluster.local:3100";

/** The chart's service names, derived from the release name. */
export const services = {
  grafana: { name: `${RELEASE}-grafana`, port: 80 },
  prometheus: { name: `${RELEASE}-prometheus`, port: 9090 },
  alertmanager: { name: `${RELEASE}-alertmanager`, port: 9093 },
} as const;

/**
 * Prometheus, Alertmanager and Grafana.
 *
 * - Prometheus picks up every ServiceMonitor, PodMonitor, Probe, ScrapeConfig
 *   and PrometheusRule in every namespace (the `*NilUsesHelmValues: false`
 *   settings), so components only ship their monitors.
 * - Prometheus (2 replicas) and Alertmanager (2, clustered) run on the
 *   Proxmox VMs, one per VM, on Longhorn volumes; Grafana keeps its
 *   database on a Longhorn volume too, its admin login comes from Vault.
 * - The UIs are private routes behind Authentik forward-auth: Prometheus and
 *   Alertmanager have no login of their own, and Grafana keeps its own login
 *   behind it.
 * - k3s runs the controller manager, scheduler, kube-proxy and etcd inside the
 *   k3s process, not as pods: their endpoints are only scrapeable on node
 *   addresses after changing k3s bind flags, and the process serves one shared
 *   metrics registry that the apiserver and kubelet scrapes already read. Their
 *   ServiceMonitors and rules are off, instead of alerting "down" forever.
 */
export function kubePrometheusStack(cluster: ClusterFacts): Component<Values> {
  const storageClass = (cluster.storage.classes.find((c) => c.default) ?? cluster.storage.classes[0]!).name;
  const onVms = () => ({ ...onVirtualMachines });
  const volume = (size: string) => ({
    volumeClaimTemplate: { spec: { storageClassName: storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: size } } } },
  });
  const url = (name: string) => `https://${hostFor(cluster, "private", name)}`;
  const routes: Route[] = [
    { name: "grafana", exposure: "private", service: services.grafana, auth: "forward-auth", admin: true },
    { name: "prometheus", exposure: "private", service: services.prometheus, auth: "forward-auth", admin: true },
    { name: "alertmanager", exposure: "private", service: services.alertmanager, auth: "forward-auth", admin: true },
  ];

  return {
    ...componentPackage(manifest, valuesSchema),
    layer: "platform",
    namespace: NAMESPACE,
    provides: ["monitoring.coreos.com"],
    instances: [
      {
        name: "kube-prometheus-stack",
        values: {
          crds: { enabled: true },
          defaultRules: {
            create: true,
            rules: { etcd: false, kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, kubeProxy: false },
          },
          kubeControllerManager: { enabled: false },
          kubeScheduler: { enabled: false },
          kubeProxy: { enabled: false },
          kubeEtcd: { enabled: false },
          prometheusOperator: {
            nodeSelector: onVms(),
            // cert-manager issues the admission webhook's certificate: no Helm hook jobs for ArgoCD to babysit.
            admissionWebhooks: { certManager: { enabled: true } },
          },
          "kube-state-metrics": { nodeSelector: onVms() },
          prometheus: {
            prometheusSpec: {
              replicas: 2,
              podAntiAffinity: "hard",
              podAntiAffinityTopologyKey: "kubernetes.io/hostname",
              nodeSelector: onVms(),
              externalUrl: url("prometheus"),
              serviceMonitorSelectorNilUsesHelmValues: false,
              podMonitorSelectorNilUsesHelmValues: false,
              ruleSelectorNilUsesHelmValues: false,
              probeSelectorNilUsesHelmValues: false,
              scrapeConfigSelectorNilUsesHelmValues: false,
              retention: "15d",
              // Below the volume size, so Prometheus drops old blocks before the disk fills.
              retentionSize: "45GB",
              walCompression: true,
              resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { memory: "4Gi" } },
              storageSpec: volume("50Gi"),
            },
          },
          alertmanager: {
            alertmanagerSpec: {
              replicas: 2,
              podAntiAffinity: "hard",
              podAntiAffinityTopologyKey: "kubernetes.io/hostname",
              nodeSelector: onVms(),
              externalUrl: url("alertmanager"),
              retention: "120h",
              resources: { requests: { cpu: "20m", memory: "64Mi" }, limits: { memory: "256Mi" } },
              storage: volume("2Gi"),
            },
          },
          grafana: {
            // The login comes from Vault through the ExternalSecret below; never a literal.
            admin: { existingSecret: GRAFANA_ADMIN_SECRET, userKey: "admin-user", passwordKey: "admin-password" },
            nodeSelector: onVms(),
            persistence: { enabled: true, type: "pvc", storageClassName: storageClass, accessModes: ["ReadWriteOnce"], size: "10Gi" },
            // A ReadWriteOnce volume cannot be attached to the old and new pod at once.
            deploymentStrategy: { type: "Recreate" },
            "grafana.ini": { server: { root_url: url("grafana") } },
            sidecar: { dashboards: { enabled: true, searchNamespace: "ALL" } },
            additionalDataSources: [{ name: "Loki", type: "loki", uid: "loki", access: "proxy", url: LOKI_URL, jsonData: { maxLines: 1000 } }],
          },
        },
        manifests: [criticalComponentRules(NAMESPACE)],
      },
    ],
    routes,
    secrets: [{ name: GRAFANA_ADMIN_SECRET, vaultPath: GRAFANA_ADMIN_VAULT_PATH, keys: { "admin-user": "username", "admin-password": "password" } }],
    // Volumes (Longhorn), routes (Traefik IngressRoute, cert-manager Certificate), the webhook
    // certificate (cert-manager) and Grafana's admin login (External Secrets).
    sync: {
      // The Prometheus Operator CRDs are too large for client-side apply's last-applied annotation.
      serverSideApply: true,
      // The PrometheusRule's CRD is created by this same sync.
      extra: ["SkipDryRunOnMissingResource=true"],
      // cert-manager's CA injector fills the admission webhooks' caBundle; ArgoCD must not revert it.
      ignoreDifferences: [
        { group: "admissionregistration.k8s.io", kind: "ValidatingWebhookConfiguration", jqPathExpressions: [".webhooks[]?.clientConfig.caBundle"] },
        { group: "admissionregistration.k8s.io", kind: "MutatingWebhookConfiguration", jqPathExpressions: [".webhooks[]?.clientConfig.caBundle"] },
      ],
    },
  };
}
