import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { GRAFANA_ADMIN_VAULT_PATH, kubePrometheusStack } from "./index.js";

describe("kube-prometheus-stack", () => {
  const out = renderForTest(kubePrometheusStack);
  const values = out.values();

  it("picks up monitors and rules from every namespace", () => {
    expect(values.prometheus.prometheusSpec).toMatchObject({
      serviceMonitorSelectorNilUsesHelmValues: false,
      podMonitorSelectorNilUsesHelmValues: false,
      ruleSelectorNilUsesHelmValues: false,
      probeSelectorNilUsesHelmValues: false,
      scrapeConfigSelectorNilUsesHelmValues: false,
    });
  });

  it("keeps Prometheus, Alertmanager and Grafana data on Longhorn, on the Proxmox VMs, one replica per VM", () => {
    const prometheus = values.prometheus.prometheusSpec;
    expect(prometheus.storageSpec.volumeClaimTemplate.spec).toMatchObject({ storageClassName: "longhorn", resources: { requests: { storage: "50Gi" } } });
    expect(prometheus).toMatchObject({ replicas: 2, podAntiAffinity: "hard", nodeSelector: { "homelab.dev/hardware": "proxmox-vm" } });
    const alertmanager = values.alertmanager.alertmanagerSpec;
    expect(alertmanager).toMatchObject({ replicas: 2, podAntiAffinity: "hard", nodeSelector: { "homelab.dev/hardware": "proxmox-vm" } });
    expect(alertmanager.storage.volumeClaimTemplate.spec.storageClassName).toBe("longhorn");
    expect(values.grafana.persistence).toMatchObject({ enabled: true, storageClassName: "longhorn" });
    const selected = homelab.nodes.filter((n) => n.labels["homelab.dev/hardware"] === prometheus.nodeSelector["homelab.dev/hardware"]);
    expect(selected.map((n) => n.name)).toEqual(["k3s-vm-1", "k3s-vm-2", "k3s-vm-3"]);
  });

  it("takes Grafana's admin login from Vault through an ExternalSecret, never a literal", () => {
    expect(values.grafana.admin).toEqual({ existingSecret: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password" });
    expect(values.grafana.adminPassword).toBeUndefined();
    const secret = out.object("ExternalSecret", "grafana-admin");
    expect(secret.spec.secretStoreRef).toEqual({ kind: "ClusterSecretStore", name: homelab.secrets.clusterSecretStore });
    expect(secret.spec.data).toEqual([
      { secretKey: "admin-user", remoteRef: { key: GRAFANA_ADMIN_VAULT_PATH, property: "username" } },
      { secretKey: "admin-password", remoteRef: { key: GRAFANA_ADMIN_VAULT_PATH, property: "password" } },
    ]);
    expect(out.objects.filter((o) => o.object.kind === "Secret")).toEqual([]);
  });

  it("exposes Grafana, Prometheus and Alertmanager only on the private Traefik, behind forward-auth", () => {
    for (const [name, service, port] of [
      ["grafana", "kube-prometheus-stack-grafana", 80],
      ["prometheus", "kube-prometheus-stack-prometheus", 9090],
      ["alertmanager", "kube-prometheus-stack-alertmanager", 9093],
    ] as const) {
      const route = out.object("IngressRoute", name);
      expect(route.metadata.annotations).toMatchObject({
        "kubernetes.io/ingress.class": "traefik-private",
        "homelab.dev/admin": "true",
        "homelab.dev/auth": "forward-auth",
      });
      expect(route.spec.routes[0].match).toBe(`Host(\`${name}.${homelab.ingress.private.domain}\`)`);
      expect(route.spec.routes[0].middlewares).toContainEqual(homelab.auth.forwardAuthMiddleware);
      expect(route.spec.routes[0].services).toEqual([{ name: service, port }]);
    }
    expect(values.prometheus.prometheusSpec.externalUrl).toBe(`https://prometheus.${homelab.ingress.private.domain}`);
  });

  it("alerts on the critical components", () => {
    const rule = out.object("PrometheusRule", "homelab-critical-components");
    const alerts = rule.spec.groups.flatMap((g: { rules: { alert: string }[] }) => g.rules.map((r) => r.alert));
    expect(alerts).toEqual([
      "LonghornVolumeDegraded",
      "LonghornVolumeFaulted",
      "CertificateExpiringSoon",
      "CertificateNotReady",
      "VaultSealed",
      "TraefikDown",
      "TraefikHigh5xxRate",
      "LokiDown",
      "ArgoCDAppDegraded",
      "ArgoCDAppOutOfSync",
    ]);
    for (const group of rule.spec.groups) for (const r of group.rules) expect(["critical", "warning"]).toContain(r.labels.severity);
  });

  it("adds Loki as a Grafana datasource", () => {
    expect(values.grafana.additionalDataSources).toEqual([
      { name: "Loki", type: "loki", uid: "loki", access: "proxy", url: "http://loki.loki.svc.cluster.local:3100", jsonData: { maxLines: 1000 } },
    ]);
  });

  it("turns off the k3s-embedded control-plane scrapes and their rules", () => {
    for (const key of ["kubeControllerManager", "kubeScheduler", "kubeProxy", "kubeEtcd"]) expect(values[key]).toEqual({ enabled: false });
    expect(values.defaultRules.rules).toEqual({
      etcd: false,
      kubeControllerManager: false,
      kubeSchedulerAlerting: false,
      kubeSchedulerRecording: false,
      kubeProxy: false,
    });
  });

  it("syncs server-side (CRDs too large for client-side apply) and leaves the injected webhook CA alone", () => {
    const options = out.object("ApplicationSet", "kube-prometheus-stack").spec.template.spec.syncPolicy.syncOptions;
    expect(options).toEqual(expect.arrayContaining(["ServerSideApply=true"]));
    const ignored = out.object("ApplicationSet", "kube-prometheus-stack").spec.template.spec.ignoreDifferences;
    expect(ignored.map((d: { kind: string }) => d.kind)).toEqual(["ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"]);
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
