import { ANNOTATIONS } from "@homelab/core";
import { prometheusRule, type PrometheusRule } from "@homelab/crds";

type Rule = NonNullable<NonNullable<PrometheusRule["spec"]["groups"]>[number]["rules"]>[number];

function alert(name: string, expr: string, forDuration: string, severity: "critical" | "warning", summary: string, description: string): Rule {
  return { alert: name, expr, for: forDuration, labels: { severity }, annotations: { summary, description } };
}

/**
 * Alerts for the components the cluster cannot run without. The metrics come
 * from each component's own ServiceMonitor (Longhorn manager, cert-manager
 * controller, Vault telemetry, Traefik, ArgoCD application controller).
 * Annotations are Prometheus templates, evaluated by Prometheus, not by Helm or ArgoCD.
 */
export function criticalComponentRules(namespace: string): PrometheusRule {
  return prometheusRule({
    metadata: {
      name: "homelab-critical-components",
      namespace,
      // After the operator's admission webhook (wave 0), which validates PrometheusRules, is up.
      annotations: { [ANNOTATIONS.syncWave]: "1" },
    },
    spec: {
      groups: [
        {
          name: "longhorn",
          rules: [
            // longhorn_volume_robustness: 0 unknown, 1 healthy, 2 degraded, 3 faulted.
            alert(
              "LonghornVolumeDegraded",
              "longhorn_volume_robustness == 2",
              "15m",
              "warning",
              "Longhorn volume {{ $labels.volume }} is degraded",
              "Volume {{ $labels.volume }} (PVC {{ $labels.pvc_namespace }}/{{ $labels.pvc }}) runs with fewer healthy replicas than configured.",
            ),
            alert(
              "LonghornVolumeFaulted",
              "longhorn_volume_robustness == 3",
              "2m",
              "critical",
              "Longhorn volume {{ $labels.volume }} is faulted",
              "Volume {{ $labels.volume }} (PVC {{ $labels.pvc_namespace }}/{{ $labels.pvc }}) has no healthy replica; its workload cannot read or write.",
            ),
          ],
        },
        {
          name: "cert-manager",
          rules: [
            // cert-manager renews 30 days ahead of expiry; two weeks left means renewal keeps failing.
            alert(
              "CertificateExpiringSoon",
              "certmanager_certificate_expiration_timestamp_seconds - time() < 14 * 24 * 3600",
              "1h",
              "warning",
              "Certificate {{ $labels.namespace }}/{{ $labels.name }} expires in less than 14 days",
              "cert-manager has not renewed {{ $labels.namespace }}/{{ $labels.name }}; check the Certificate's events and the ACME DNS-01 solver.",
            ),
            alert(
              "CertificateNotReady",
              'certmanager_certificate_ready_status{condition!="True"} == 1',
              "15m",
              "critical",
              "Certificate {{ $labels.namespace }}/{{ $labels.name }} is not ready",
              "The Certificate's Ready condition is {{ $labels.condition }}; routes using its secret may serve an old or missing certificate.",
            ),
          ],
        },
        {
          name: "vault",
          rules: [
            alert(
              "VaultSealed",
              "vault_core_unsealed == 0",
              "5m",
              "critical",
              "Vault {{ $labels.pod }} is sealed",
              "A sealed Vault serves no secrets: ExternalSecrets stop refreshing and CSI mounts fail. Unseal it.",
            ),
          ],
        },
        {
          name: "traefik",
          rules: [
            // The chart names the container after the release (traefik-public), so match the metrics Services' jobs instead.
            alert(
              "TraefikDown",
              'sum by (namespace, job) (up{namespace="traefik", job=~"traefik-.+-metrics"}) == 0',
              "5m",
              "critical",
              "Traefik {{ $labels.job }} is down",
              "No Traefik pod of {{ $labels.job }} in {{ $labels.namespace }} answers scrapes; its routes are unreachable.",
            ),
            alert(
              "TraefikHigh5xxRate",
              'sum by (namespace, job) (rate(traefik_service_requests_total{code=~"5.."}[5m])) / sum by (namespace, job) (rate(traefik_service_requests_total[5m])) > 0.05 ' +
                "and sum by (namespace, job) (rate(traefik_service_requests_total[5m])) > 0.1",
              "10m",
              "warning",
              "Traefik {{ $labels.job }} answers more than 5% of requests with 5xx",
              "{{ $value | humanizePercentage }} of requests through {{ $labels.job }} fail with a server error.",
            ),
          ],
        },
        {
          // Loki's chart rules are off (see the loki component); its own ServiceMonitor's targets say whether it is up.
          name: "loki",
          rules: [
            alert(
              "LokiDown",
              'sum by (namespace) (up{namespace="loki", container="loki"}) == 0',
              "5m",
              "critical",
              "Loki in {{ $labels.namespace }} is down",
              "No Loki pod answers scrapes: logs from promtail are not stored and Grafana's Loki datasource fails.",
            ),
          ],
        },
        {
          name: "argocd",
          rules: [
            alert(
              "ArgoCDAppDegraded",
              'argocd_app_info{health_status=~"Degraded|Missing"} == 1',
              "15m",
              "critical",
              "ArgoCD application {{ $labels.name }} is {{ $labels.health_status }}",
              "Application {{ $labels.name }} in project {{ $labels.project }} has been {{ $labels.health_status }} for 15 minutes.",
            ),
            alert(
              "ArgoCDAppOutOfSync",
              'argocd_app_info{sync_status="OutOfSync"} == 1',
              "30m",
              "warning",
              "ArgoCD application {{ $labels.name }} is out of sync",
              "Application {{ $labels.name }} differs from git for 30 minutes; automated sync is failing or disabled.",
            ),
          ],
        },
      ],
    },
  });
}
