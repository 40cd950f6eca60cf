import type { ClusterFacts } from "@homelab/cluster";
import * as crds from "@homelab/crds";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { dns1123LabelProblem, hostnameProblem } from "@homelab/layout";
import { ANNOTATIONS, LABELS } from "./labels.js";
import type { Component, Instance, KubernetesObject, Route, SecretRef } from "./model.js";
import { instanceNamespace } from "./paths.js";

/** Full host of a route: a bare label is placed under the exposure's domain. */
export function routeHost(cluster: ClusterFacts, route: Route): string {
  const host = route.host ?? route.name;
  return host.includes(".") ? host : `${host}.${cluster.ingress[route.exposure].domain}`;
}

/** A path prefix as Traefik's PathPrefix takes it: absolute, URL path characters only (no backtick, quote or space). */
const PATH_PREFIX = /^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;

/**
 * Problems of a component's routes, each naming component, route and field.
 * Hosts and path prefixes are interpolated into Traefik rule strings, so they
 * are validated before any rule is built.
 */
export function routeProblems(cluster: ClusterFacts, component: Component): string[] {
  const problems: string[] = [];
  for (const [index, route] of (component.routes ?? []).entries()) {
    const where = `component ${component.name}, route ${JSON.stringify(route.name ?? `#${index}`)}`;
    const nameProblem = dns1123LabelProblem(route.name);
    // The route name also names the IngressRoute and its `<name>-tls` Secret.
    if (nameProblem) problems.push(`${where}: name ${nameProblem}`);
    else if (route.name.length > 59) problems.push(`${where}: name must be at most 59 characters (its TLS Secret is <name>-tls)`);
    const host = typeof route.host === "string" || route.host === undefined ? routeHost(cluster, route) : route.host;
    const hostProblem = hostnameProblem(host);
    if (hostProblem) problems.push(`${where}: host ${JSON.stringify(host)} ${hostProblem}`);
    for (const [field, value] of [
      ["service.namespace", route.service?.namespace],
      ...(route.middlewares ?? []).map((m, i) => [`middlewares[${i}].namespace`, m.namespace] as const),
    ] as const) {
      const problem = value === undefined ? undefined : dns1123LabelProblem(value);
      if (problem) problems.push(`${where}: ${field} ${JSON.stringify(value)} ${problem}`);
    }
    if (route.pathPrefix !== undefined && (typeof route.pathPrefix !== "string" || !PATH_PREFIX.test(route.pathPrefix))) {
      problems.push(`${where}: pathPrefix ${JSON.stringify(route.pathPrefix)} must start with '/' and hold only URL path characters`);
    }
  }
  return problems;
}

/** A value inside a Traefik rule's backtick literal; validated values never hold one, this is the last line. */
function ruleLiteral(value: string, component: Component, route: Route, field: string): string {
  if (/[`\\\u0000-\u001f\u007f]/.test(value)) {
    throw new HomelabError(
      ErrorCode.Config,
      `component ${component.name}, route ${JSON.stringify(route.name)}: ${field} ${JSON.stringify(value)} cannot be placed in a Traefik rule`,
    );
  }
  return `\`${value}\``;
}

function belongsTo(component: Component, instanceName: string | undefined, instance: Instance<unknown>): boolean {
  return (instanceName ?? component.instances[0]!.name) === instance.name;
}

/**
 * A route becomes a cert-manager Certificate and a Traefik IngressRoute on the
 * instance serving its exposure; forward-auth routes reference the Authentik
 * middleware named in the cluster facts.
 */
export function routeManifests(cluster: ClusterFacts, component: Component, instance: Instance<unknown>): KubernetesObject[] {
  const namespace = instanceNamespace(component, instance);
  const out: KubernetesObject[] = [];
  for (const route of component.routes ?? []) {
    if (!belongsTo(component, route.instance, instance)) continue;
    const ingress = cluster.ingress[route.exposure];
    const host = routeHost(cluster, route);
    const secretName = `${route.name}-tls`;
    // Exposure-wide middlewares (rate limit, headers) first, then auth, then the route's own.
    const middlewares = [
      ...ingress.middlewares.map((name) => ({ name, namespace: ingress.namespace })),
      ...(route.auth === "forward-auth" ? [cluster.auth.forwardAuthMiddleware] : []),
      ...(route.middlewares ?? []).map((m) => ({ name: m.name, namespace: m.namespace ?? namespace })),
    ];
    const hostRule = `Host(${ruleLiteral(host, component, route, "host")})`;
    const match = route.pathPrefix ? `${hostRule} && PathPrefix(${ruleLiteral(route.pathPrefix, component, route, "pathPrefix")})` : hostRule;
    out.push(
      crds.certificate({
        metadata: { name: secretName, namespace },
        spec: {
          secretName,
          dnsNames: [host],
          issuerRef: { group: "cert-manager.io", kind: "ClusterIssuer", name: cluster.tls.issuers.production },
        },
      }),
    );
    out.push(
      crds.ingressRoute({
        metadata: {
          name: route.name,
          namespace,
          annotations: {
            [ANNOTATIONS.ingressClass]: ingress.className,
            [ANNOTATIONS.exposure]: route.exposure,
            [ANNOTATIONS.auth]: route.auth,
            ...(route.admin ? { [ANNOTATIONS.admin]: "true" } : {}),
          },
        },
        spec: {
          entryPoints: [ingress.entryPoint],
          routes: [
            {
              kind: "Rule",
              match,
              ...(middlewares.length ? { middlewares } : {}),
              services: [
                {
                  name: route.service.name,
                  ...(route.service.kind === "TraefikService" ? { kind: "TraefikService" as const } : { port: route.service.port ?? 80 }),
                  ...(route.service.namespace && route.service.namespace !== namespace ? { namespace: route.service.namespace } : {}),
                },
              ],
            },
          ],
          tls: { secretName },
        },
      }),
    );
  }
  return out;
}

/** Secret references become ExternalSecrets (or SecretProviderClasses): values stay in Vault. */
export function secretManifests(cluster: ClusterFacts, component: Component, instance: Instance<unknown>): KubernetesObject[] {
  const out: KubernetesObject[] = [];
  for (const secret of component.secrets ?? []) {
    if (!belongsTo(component, secret.instance, instance)) continue;
    const namespace = secret.namespace ?? instanceNamespace(component, instance);
    out.push(secret.via === "csi" ? secretProviderClass(cluster, component, secret, namespace) : externalSecret(cluster, secret, namespace));
  }
  return out;
}

function externalSecret(cluster: ClusterFacts, secret: SecretRef, namespace: string): KubernetesObject {
  return crds.externalSecret({
    metadata: { name: secret.name, namespace },
    spec: {
      refreshInterval: "1h",
      secretStoreRef: { kind: "ClusterSecretStore", name: cluster.secrets.clusterSecretStore },
      target: {
        name: secret.name,
        creationPolicy: "Owner",
        ...(secret.type || secret.labels
          ? { template: { ...(secret.type ? { type: secret.type } : {}), ...(secret.labels ? { metadata: { labels: { ...secret.labels } } } : {}) } }
          : {}),
      },
      data: Object.entries(secret.keys).map(([secretKey, property]) => ({
        secretKey,
        remoteRef: { key: secret.vaultPath, property },
      })),
    },
  });
}

function secretProviderClass(cluster: ClusterFacts, component: Component, secret: SecretRef, namespace: string): KubernetesObject {
  const objects = Object.entries(secret.keys).map(([objectName, property]) => ({
    objectName,
    secretPath: `${cluster.secrets.vault.kvMount}/data/${secret.vaultPath}`,
    secretKey: property,
  }));
  return crds.secretProviderClass({
    metadata: { name: secret.name, namespace },
    spec: {
      provider: "vault",
      parameters: {
        vaultAddress: cluster.secrets.vault.address,
        roleName: component.name,
        // The Vault provider takes its object list as a YAML string; JSON is valid YAML and keeps it one line.
        objects: JSON.stringify(objects),
      },
    },
  });
}

/** Labels every extra manifest carries so findings and ArgoCD views map back to the component. */
export function stampManifest(object: KubernetesObject, component: Component, instance: Instance<unknown>): KubernetesObject {
  return {
    ...object,
    metadata: {
      ...object.metadata,
      labels: {
        ...object.metadata.labels,
        [LABELS.component]: component.name,
        [LABELS.instance]: instance.name,
        // The release of the component that deployed it, as ArgoCD and kubectl show it.
        [LABELS.version]: component.version,
      },
    },
  };
}

/** Metrics endpoints become ServiceMonitors next to the Service they select. */
export function metricsManifests(component: Component, instance: Instance<unknown>): KubernetesObject[] {
  return (component.metrics ?? [])
    .filter((endpoint) => belongsTo(component, endpoint.instance, instance))
    .map((endpoint) =>
      crds.serviceMonitor({
        metadata: { name: endpoint.name, namespace: instanceNamespace(component, instance) },
        spec: {
          selector: { matchLabels: { ...endpoint.selector } },
          endpoints: [
            {
              port: endpoint.port,
              ...(endpoint.path ? { path: endpoint.path } : {}),
              ...(endpoint.params ? { params: Object.fromEntries(Object.entries(endpoint.params).map(([k, v]) => [k, [...v]])) } : {}),
              interval: endpoint.interval ?? "30s",
            },
          ],
        },
      }),
    );
}
