import { hostFor, type ClusterFacts } from "@homelab/cluster";
import { type Component, componentPackage, rootApplication, routeHost } from "@homelab/core";
import { valuesSchema, type Values } from "../generated/index.js";
import manifest from "../package.json" with { type: "json" };
import { APPLICATION_HEALTH, APPLICATION_SET_HEALTH } from "./health.js";

const OIDC_SECRET = "argocd-oidc";
/** Label on the metrics Service the ServiceMonitor selects. */
const METRICS_LABEL = "homelab.dev/metrics";

/**
 * ArgoCD: the values of the manual first install (layer 0), the root
 * Application that step applies, then self-management through its own
 * ApplicationSet. Login through Authentik (OIDC); UI only on the private side.
 */
export function argocd(cluster: ClusterFacts): Component<Values> {
  const host = hostFor(cluster, "private", "argocd");
  const issuer = `https://${routeHost(cluster, { name: "auth", exposure: "public", auth: "oidc", service: { name: "authentik-server" } })}/application/o/argocd/`;
  const pdb = { enabled: true, minAvailable: 1 };
  return {
    ...componentPackage(manifest, valuesSchema, {
      allowLaterLayerDependencies: {
        "kube-prometheus-stack":
          "Prometheus scrapes it once kube-prometheus-stack (platform layer) brings the ServiceMonitor CRD; the ServiceMonitor is synced with that layer",
        traefik: "the first install is reached with `kubectl port-forward`; the UI route works once Traefik (critical layer) is up",
        "cert-manager": "the UI certificate is issued once cert-manager (init layer) is up",
        "external-secrets": "SSO needs the OIDC client secret External Secrets (platform layer) syncs from Vault; the admin login works before",
        authentik: "SSO works once Authentik (platform layer) is up; the admin login works before",
      },
    }),
    layer: "bootstrap",
    namespace: cluster.argocd.namespace,
    provides: ["argoproj.io"],
    instances: [
      {
        name: "argocd",
        releaseName: "argocd",
        values: {
          // keep: deleting the release must never delete every Application with the CRDs.
          crds: { install: true, keep: true },
          global: { domain: host },
          configs: {
            cm: {
              url: `https://${host}`,
              "admin.enabled": true,
              "oidc.config": [
                "name: Authentik",
                `issuer: ${issuer}`,
                "clientID: argocd",
                `clientSecret: $${OIDC_SECRET}:clientSecret`,
                "requestedScopes: [openid, profile, email, groups]",
                "",
              ].join("\n"),
              "resource.customizations.health.argoproj.io_Application": APPLICATION_HEALTH,
              "resource.customizations.health.argoproj.io_ApplicationSet": APPLICATION_SET_HEALTH,
            },
            // TLS ends at Traefik; the server speaks plain HTTP inside the cluster.
            params: { "server.insecure": true },
            rbac: { "policy.default": "role:readonly", "policy.csv": "g, homelab-admins, role:admin\n", scopes: "[groups]" },
          },
          // argocd_app_info feeds the ArgoCD alerts in kube-prometheus-stack.
          controller: { replicas: 1, metrics: { enabled: true, service: { labels: { [METRICS_LABEL]: "argocd-application-controller" } } } },
          server: { replicas: 2, pdb },
          repoServer: { replicas: 2, pdb },
          applicationSet: { replicas: 2, pdb },
          "redis-ha": { enabled: true },
          dex: { enabled: false },
        },
        manifests: [rootApplication(cluster)],
      },
    ],
    routes: [{ name: "argocd", exposure: "private", admin: true, auth: "oidc", service: { name: "argocd-server", port: 80 } }],
    secrets: [
      { name: OIDC_SECRET, vaultPath: "platform/argocd/oidc", keys: { clientSecret: "client-secret" }, labels: { "app.kubernetes.io/part-of": "argocd" } },
    ],
    metrics: [{ name: "argocd-application-controller", selector: { [METRICS_LABEL]: "argocd-application-controller" }, port: "http-metrics" }],
    sync: {
      // The ArgoCD CRDs are too large for client-side apply.
      serverSideApply: true,
      extra: ["SkipDryRunOnMissingResource=true"],
    },
  };
}
