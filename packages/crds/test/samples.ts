/*
 * One realistic manifest per generated kind version, written through the
 * typed constructors (so tsc checks them too). Tests validate each against
 * its strict schema. Hosts and addresses are placeholders; no secret values.
 */
import type { AlertmanagerConfig } from "../generated/types/monitoring.coreos.com/alertmanagerconfig_v1alpha1.js";
import type { Probe } from "../generated/types/monitoring.coreos.com/probe_v1.js";
import type { PrometheusAgent } from "../generated/types/monitoring.coreos.com/prometheusagent_v1alpha1.js";
import type { ScrapeConfig } from "../generated/types/monitoring.coreos.com/scrapeconfig_v1alpha1.js";
import type { ThanosRuler } from "../generated/types/monitoring.coreos.com/thanosruler_v1.js";
import type { SecretProviderClass as SecretProviderClassV1alpha1 } from "../generated/types/secrets-store.csi.x-k8s.io/secretproviderclass_v1alpha1.js";
import {
  appProject,
  application,
  applicationSet,
  certificate,
  clusterIssuer,
  clusterSecretStore,
  cnpgCluster,
  externalSecret,
  ingressRoute,
  ipAddressPool,
  issuer,
  l2Advertisement,
  alertmanager,
  manifest,
  middleware,
  podMonitor,
  prometheus,
  prometheusRule,
  recurringJob,
  scheduledBackup,
  secretProviderClass,
  secretStore,
  serviceMonitor,
  tlsOption,
} from "../src/index.js";

const repoURL = "https://git.example.test/homelab/cluster.git";
const vaultAuth = {
  kubernetes: { mountPath: "kubernetes", role: "external-secrets", serviceAccountRef: { name: "external-secrets", namespace: "external-secrets" } },
};

const spcParameters = {
  vaultAddress: "http://vault.vault.svc:8200",
  roleName: "demo",
  objects: '- objectName: "db-password"\n  secretPath: "secret/data/apps/demo/db"\n  secretKey: "password"\n',
};

/** Keyed by `<apiVersion> <kind>`, one per entry of crdCatalog. */
export const samples: Record<string, object> = {
  "argoproj.io/v1alpha1 Application": application({
    metadata: { name: "root", namespace: "argocd" },
    spec: {
      project: "default",
      destination: { server: "https://kubernetes.default.svc", namespace: "argocd" },
      source: { repoURL, targetRevision: "main", path: "apps-root-config" },
      syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ["ServerSideApply=true"] },
    },
  }),
  "argoproj.io/v1alpha1 ApplicationSet": applicationSet({
    metadata: { name: "cluster-init-apps", namespace: "argocd" },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [{ git: { repoURL, revision: "main", files: [{ path: "cluster-init-apps/*/config.json" }] } }],
      template: {
        metadata: { name: "{{.name}}", labels: { "homelab.dev/layer": "init" } },
        spec: {
          project: "default",
          destination: { server: "https://kubernetes.default.svc", namespace: "{{.namespace}}" },
          sources: [
            {
              repoURL: "https://metallb.github.io/metallb",
              chart: "metallb",
              targetRevision: "0.16.1",
              helm: { valueFiles: ["$values/cluster-init-apps/metallb/values.yaml"] },
            },
            { repoURL, targetRevision: "main", ref: "values" },
          ],
          syncPolicy: {
            automated: { prune: true, selfHeal: true },
            syncOptions: ["CreateNamespace=true", "ServerSideApply=true"],
            retry: { limit: 5, backoff: { duration: "5s", factor: 2, maxDuration: "3m" } },
          },
        },
      },
    },
  }),
  "argoproj.io/v1alpha1 AppProject": appProject({
    metadata: { name: "homelab", namespace: "argocd" },
    spec: {
      sourceRepos: ["*"],
      destinations: [{ server: "https://kubernetes.default.svc", namespace: "*" }],
      clusterResourceWhitelist: [{ group: "*", kind: "*" }],
    },
  }),
  "cert-manager.io/v1 Certificate": certificate({
    metadata: { name: "wildcard", namespace: "traefik" },
    spec: {
      secretName: "wildcard-tls",
      dnsNames: ["*.home.example.test"],
      issuerRef: { name: "letsencrypt-production", kind: "ClusterIssuer", group: "cert-manager.io" },
    },
  }),
  "cert-manager.io/v1 ClusterIssuer": clusterIssuer({
    metadata: { name: "letsencrypt-production" },
    spec: {
      acme: {
        server: "https://acme-v02.api.letsencrypt.org/directory",
        email: "admin@example.test",
        privateKeySecretRef: { name: "letsencrypt-production-account" },
        solvers: [{ dns01: { cloudflare: { apiTokenSecretRef: { name: "cloudflare-api-token", key: "api-token" } } } }],
      },
    },
  }),
  "cert-manager.io/v1 Issuer": issuer({ metadata: { name: "selfsigned", namespace: "demo" }, spec: { selfSigned: {} } }),
  "external-secrets.io/v1 ClusterSecretStore": clusterSecretStore({
    metadata: { name: "vault" },
    spec: { provider: { vault: { server: "http://vault.vault.svc:8200", path: "secret", version: "v2", auth: vaultAuth } } },
  }),
  "external-secrets.io/v1 ExternalSecret": externalSecret({
    metadata: { name: "demo-db", namespace: "demo" },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { name: "vault", kind: "ClusterSecretStore" },
      target: { name: "demo-db", creationPolicy: "Owner" },
      data: [{ secretKey: "password", remoteRef: { key: "apps/demo/db", property: "password" } }],
    },
  }),
  "external-secrets.io/v1 SecretStore": secretStore({
    metadata: { name: "vault", namespace: "demo" },
    spec: { provider: { vault: { server: "http://vault.vault.svc:8200", path: "secret", version: "v2", auth: vaultAuth } } },
  }),
  "longhorn.io/v1beta2 RecurringJob": recurringJob({
    metadata: { name: "backup-daily", namespace: "longhorn-system" },
    spec: { cron: "0 3 * * *", task: "backup", groups: ["default"], retain: 7, concurrency: 1 },
  }),
  "metallb.io/v1beta1 IPAddressPool": ipAddressPool({
    metadata: { name: "public", namespace: "metallb-system" },
    spec: { addresses: ["192.0.2.200-192.0.2.220"], autoAssign: false },
  }),
  "metallb.io/v1beta1 L2Advertisement": l2Advertisement({
    metadata: { name: "public", namespace: "metallb-system" },
    spec: { ipAddressPools: ["public"], interfaces: ["eth0.20"] },
  }),
  "monitoring.coreos.com/v1 PrometheusRule": prometheusRule({
    metadata: { name: "critical", namespace: "monitoring", labels: { release: "kube-prometheus-stack" } },
    spec: {
      groups: [
        {
          name: "longhorn",
          rules: [
            {
              alert: "LonghornVolumeDegraded",
              expr: "longhorn_volume_robustness == 2",
              for: "10m",
              labels: { severity: "warning" },
              annotations: { summary: "A Longhorn volume is degraded" },
            },
          ],
        },
      ],
    },
  }),
  // kube-prometheus-stack renders these from its values; the samples are what it makes of ours.
  "monitoring.coreos.com/v1 Alertmanager": alertmanager({
    metadata: { name: "kube-prometheus-stack-alertmanager", namespace: "monitoring" },
    spec: { replicas: 2, retention: "120h", externalUrl: "https://alertmanager.example.test", nodeSelector: { "homelab.dev/hardware": "proxmox-vm" } },
  }),
  "monitoring.coreos.com/v1 PodMonitor": podMonitor({
    metadata: { name: "promtail", namespace: "logging" },
    spec: { selector: { matchLabels: { "app.kubernetes.io/name": "promtail" } }, podMetricsEndpoints: [{ port: "http-metrics", interval: "30s" }] },
  }),
  "monitoring.coreos.com/v1 Probe": manifest<Probe>(
    "monitoring.coreos.com/v1",
    "Probe",
  )({
    metadata: { name: "grafana", namespace: "monitoring" },
    spec: {
      prober: { url: "blackbox-exporter.monitoring.svc:9115" },
      module: "http_2xx",
      targets: { staticConfig: { static: ["https://grafana.example.test"] } },
    },
  }),
  "monitoring.coreos.com/v1 Prometheus": prometheus({
    metadata: { name: "kube-prometheus-stack-prometheus", namespace: "monitoring" },
    spec: {
      replicas: 2,
      retention: "15d",
      serviceMonitorSelector: {},
      serviceMonitorNamespaceSelector: {},
      ruleSelector: {},
      storage: {
        volumeClaimTemplate: { spec: { storageClassName: "longhorn", accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "50Gi" } } } },
      },
    },
  }),
  "monitoring.coreos.com/v1 ThanosRuler": manifest<ThanosRuler>(
    "monitoring.coreos.com/v1",
    "ThanosRuler",
  )({
    metadata: { name: "thanos-ruler", namespace: "monitoring" },
    spec: { replicas: 1, queryEndpoints: ["dnssrv+_http._tcp.thanos-query.monitoring.svc"], ruleSelector: {} },
  }),
  "monitoring.coreos.com/v1alpha1 AlertmanagerConfig": manifest<AlertmanagerConfig>(
    "monitoring.coreos.com/v1alpha1",
    "AlertmanagerConfig",
  )({
    metadata: { name: "homelab", namespace: "monitoring" },
    spec: { route: { receiver: "null", groupBy: ["alertname"] }, receivers: [{ name: "null" }] },
  }),
  "monitoring.coreos.com/v1alpha1 PrometheusAgent": manifest<PrometheusAgent>(
    "monitoring.coreos.com/v1alpha1",
    "PrometheusAgent",
  )({
    metadata: { name: "agent", namespace: "monitoring" },
    spec: { replicas: 1, serviceMonitorSelector: {}, remoteWrite: [{ url: "https://prometheus.example.test/api/v1/write" }] },
  }),
  "monitoring.coreos.com/v1alpha1 ScrapeConfig": manifest<ScrapeConfig>(
    "monitoring.coreos.com/v1alpha1",
    "ScrapeConfig",
  )({
    metadata: { name: "truenas", namespace: "monitoring" },
    spec: { staticConfigs: [{ targets: ["truenas.example.test:9100"], labels: { job: "truenas" } }] },
  }),
  "monitoring.coreos.com/v1 ServiceMonitor": serviceMonitor({
    metadata: { name: "traefik-public", namespace: "traefik" },
    spec: { selector: { matchLabels: { "app.kubernetes.io/instance": "traefik-public" } }, endpoints: [{ port: "metrics", interval: "30s" }] },
  }),
  "postgresql.cnpg.io/v1 Cluster": cnpgCluster({
    metadata: { name: "authentik-db", namespace: "authentik" },
    spec: {
      instances: 3,
      storage: { size: "10Gi", storageClass: "longhorn" },
      bootstrap: { initdb: { database: "authentik", owner: "authentik" } },
      affinity: { nodeSelector: { "kubernetes.io/arch": "amd64" } },
    },
  }),
  "postgresql.cnpg.io/v1 ScheduledBackup": scheduledBackup({
    metadata: { name: "authentik-db-daily", namespace: "authentik" },
    spec: { schedule: "0 0 2 * * *", cluster: { name: "authentik-db" }, backupOwnerReference: "self" },
  }),
  "secrets-store.csi.x-k8s.io/v1 SecretProviderClass": secretProviderClass({
    metadata: { name: "demo-db", namespace: "demo" },
    spec: { provider: "vault", parameters: spcParameters },
  }),
  "secrets-store.csi.x-k8s.io/v1alpha1 SecretProviderClass": {
    apiVersion: "secrets-store.csi.x-k8s.io/v1alpha1",
    kind: "SecretProviderClass",
    metadata: { name: "demo-db", namespace: "demo" },
    spec: { provider: "vault", parameters: spcParameters },
  } satisfies SecretProviderClassV1alpha1,
  "traefik.io/v1alpha1 IngressRoute": ingressRoute({
    metadata: { name: "demo", namespace: "demo" },
    spec: {
      entryPoints: ["websecure"],
      routes: [
        {
          kind: "Rule",
          match: "Host(`demo.home.example.test`)",
          middlewares: [{ name: "authentik-forward-auth", namespace: "authentik" }],
          services: [{ name: "demo", port: 80 }],
        },
      ],
      tls: { secretName: "wildcard-tls" },
    },
  }),
  "traefik.io/v1alpha1 Middleware": middleware({
    metadata: { name: "authentik-forward-auth", namespace: "authentik" },
    spec: {
      forwardAuth: {
        address: "http://ak-outpost-authentik-embedded-outpost.authentik:9000/outpost.goauthentik.io/auth/traefik",
        trustForwardHeader: true,
        authResponseHeaders: ["X-authentik-username", "X-authentik-groups", "X-authentik-email"],
      },
    },
  }),
  "traefik.io/v1alpha1 TLSOption": tlsOption({ metadata: { name: "modern", namespace: "traefik" }, spec: { minVersion: "VersionTLS12", sniStrict: true } }),
};
