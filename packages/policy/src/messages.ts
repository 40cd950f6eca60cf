import type { PolicyFinding } from "./types.js";

type Data = Record<string, unknown>;
const s = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * Message per `rule/code`. Rego returns structured data only: wording lives
 * here so it can change without recompiling the policy, and objects are never
 * printed as `[object Object]`.
 */
export const MESSAGES: Readonly<Record<string, (data: Data) => string>> = {
  "https-only/ingress-no-tls": () => "Ingress has no spec.tls: it is served over plain HTTP",
  "https-only/ingress-plain-entrypoint": (d) => `Ingress is attached to the plaintext entry point ${s(d.entryPoint)}`,
  "https-only/route-no-entrypoints": () => "IngressRoute sets no entryPoints, so it also listens on the plaintext `web` entry point",
  "https-only/route-plain-entrypoint": (d) => `IngressRoute listens on the plaintext entry point ${s(d.entryPoint)}`,
  "https-only/route-no-tls": () => "IngressRoute has no spec.tls",
  "https-only/traefik-no-redirect": (d) =>
    `Traefik${d.instance ? ` instance ${s(d.instance)}` : ""} does not redirect \`web\` to \`websecure\` (set ports.web.http.redirections.entryPoint: {to: websecure, scheme: https, permanent: true})`,
  "forward-auth/route-unprotected": (d) =>
    `public IngressRoute routes[${s(d.route)}]${d.match ? ` (${s(d.match)})` : ""} has no Authentik forward-auth middleware (directly or in a chain); add it, or annotate homelab.dev/auth: oidc if the app authenticates itself`,
  "forward-auth/ingress-unprotected": () => "public Ingress has no Authentik forward-auth middleware in traefik.ingress.kubernetes.io/router.middlewares",
  "replica-count/traefik-replicas": (d) =>
    `Traefik${d.instance ? ` instance ${s(d.instance)}` : ""} runs ${s(d.replicas)} replica(s); at least ${s(d.minimum)} are required`,
  "replica-count/authentik-replicas": (d) => `Authentik server runs ${s(d.replicas)} replica(s); at least ${s(d.minimum)} are required`,
  "replica-count/vault-ha": () => "Vault is not in HA mode (server.ha.enabled: true)",
  "replica-count/vault-raft": () => "Vault HA does not use integrated raft storage (server.ha.raft.enabled: true)",
  "replica-count/vault-replicas": (d) => `Vault HA runs ${s(d.replicas)} replica(s); raft needs at least ${s(d.minimum)}`,
  "replica-count/longhorn-replicas": (d) => `Longhorn ${s(d.key)} is ${s(d.replicas)}; at least ${s(d.minimum)} replicas per volume are required`,
  "replica-count/cnpg-instances": (d) => `CloudNativePG Cluster has ${s(d.instances)} instance(s); at least ${s(d.minimum)} are required for failover`,
  "replica-count/workload-replicas": (d) =>
    `${s(d.kind)} ${s(d.name)} (chart ${s(d.chart)}) renders ${s(d.replicas)} replica(s) and no autoscaler keeps ${s(d.minimum)}; at least ${s(d.minimum)} are required`,
  "replica-count/pdb-missing": (d) => `${s(d.kind)} ${s(d.name)} (chart ${s(d.chart)}): no PodDisruptionBudget selects its pods`,
  "https-only/traefik-args-no-redirect": (d) =>
    `Traefik ${s(d.name)} serves the web entry point without redirecting to HTTPS (its rendered arguments have no --entryPoints.web.http.redirections.entryPoint.to with scheme https)`,
  "replica-count/pdb-disabled": (d) => `${s(d.chart)}: no PodDisruptionBudget (${s(d.key)} is not enabled)`,
  "no-plaintext-secrets/secret-data": (d) => `Secret carries ${s(d.field)} in git (${(d.keys as string[]).join(", ")}); use an ExternalSecret from Vault`,
  "no-plaintext-secrets/chart-secret-from-values": (d) =>
    `the chart's Secret (${s(d.template)}) carries ${s(d.key)} copied from a literal in the values; put it in Vault and give the chart an existing Secret`,
  "no-plaintext-secrets/values-literal": (d) => `values hold a literal secret under ${s(d.key)}; reference an existing Secret instead`,
  "no-plaintext-secrets/env-literal": (d) => `environment variable ${s(d.name)} holds a literal secret; use valueFrom.secretKeyRef`,
  "no-plaintext-secrets/configmap-literal": (d) => `ConfigMap key ${s(d.key)} holds a literal secret`,
  "pinned-versions/chart-version": (d) => `chart ${s(d.chart)} version ${s(d.version)} is not an exact version`,
  "pinned-versions/image-floating": (d) => `image ${s(d.image)} is not pinned to a tag or digest`,
  "pinned-versions/values-tag-latest": () => "image tag `latest` is not pinned",
  "admin-private/admin-public": () => 'admin route (homelab.dev/admin: "true") is on a public ingress class',
  "admin-private/admin-service-public": (d) => `admin service ${s(d.service)} is exposed on a public ingress class`,
  "admin-private/traefik-dashboard-public": (d) => `Traefik dashboard IngressRoute is enabled on the public instance${d.class ? ` (class ${s(d.class)})` : ""}`,
  "layer-order/depends-on-later-layer": (d) =>
    `component ${s(d.component)} (layer ${s(d.layer)}) depends on ${s(d.dependency)} from the later layer ${s(d.dependencyLayer)}`,
  "layer-order/unknown-dependency": (d) => `component ${s(d.component)} depends on ${s(d.dependency)}, which has no render record`,
  "layer-order/crd-later-layer": (d) =>
    `${s(d.kind)} (${s(d.group)}) is synced in layer ${s(d.layerOrder)} but its CRDs come from chart ${s(d.chart)} in layer ${s(d.chartLayerOrder)}`,
  "deprecated-api/removed-api": (d) => `${s(d.kind)} uses ${s(d.apiVersion)}, which is no longer served; use ${s(d.replacement)}`,
  "server-side-apply/missing-server-side-apply": (d) =>
    `chart ${s(d.chart)} has CRDs too large for client-side apply; add ServerSideApply=true to syncPolicy.syncOptions`,
};

export function formatMessage(finding: Pick<PolicyFinding, "rule" | "code" | "data">): string {
  const format = MESSAGES[`${finding.rule}/${finding.code}`];
  // A code without a message is a bug in this package; still say something useful.
  return format ? format(finding.data ?? {}) : `${finding.rule}: ${finding.code} ${JSON.stringify(finding.data ?? {})}`;
}
