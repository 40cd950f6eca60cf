import type { ClusterFacts, IngressExposure } from "@homelab/cluster";
import type { ValuesSchema } from "@homelab/values";

// The layer table and the folders render owns live in @homelab/layout, shared with check, policy and the Nx plugin.
import { APPLICATIONS_FOLDER, LAYERS, layer, type Layer, type LayerName } from "@homelab/layout";
export { APPLICATIONS_FOLDER, LAYERS, layer, type Layer, type LayerName };

/** A Helm chart at an exact version. */
export interface ChartRef {
  repoURL: string;
  chart: string;
  version: string;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Any Kubernetes object; typed kinds come from @homelab/crds and kubernetes-models. */
export interface KubernetesObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}

export type AuthMode = "forward-auth" | "oidc" | "none";

/** An HTTP route a component exposes; rendered as a Traefik IngressRoute with TLS. */
export interface Route {
  /** Route name, unique in the component; also the default host label. */
  name: string;
  exposure: IngressExposure;
  /** Host label under the exposure's domain (defaults to `name`), or a full host when it contains a dot. */
  host?: string;
  /** The backend: a Service (name and port) or a TraefikService such as `api@internal`. */
  service: { name: string; port?: number | string; namespace?: string; kind?: "Service" | "TraefikService" };
  /** forward-auth: Authentik middleware in front; oidc: the app authenticates itself; none: anonymous. */
  auth: AuthMode;
  /** Admin dashboards and internal APIs: must stay on the private exposure. */
  admin?: boolean;
  pathPrefix?: string;
  /** Further Traefik middlewares (namespace/name) applied after auth. */
  middlewares?: readonly { name: string; namespace?: string }[];
  /** Instance whose manifests carry the route (defaults to the first). */
  instance?: string;
}

/** A secret the component needs, as a reference into Vault: never a value. */
export interface SecretRef {
  /** Name of the Kubernetes Secret that is materialised. */
  name: string;
  /** Path under the Vault KV mount. */
  vaultPath: string;
  /** Secret key → property at the Vault path. */
  keys: Readonly<Record<string, string>>;
  /** `external-secret` (default) syncs a Kubernetes Secret; `csi` mounts files via a SecretProviderClass. */
  via?: "external-secret" | "csi";
  namespace?: string;
  instance?: string;
  /** Secret type, e.g. kubernetes.io/basic-auth; Opaque by default. */
  type?: string;
  /** Labels on the materialised Secret (ArgoCD reads `$secret:key` only from Secrets labelled part-of argocd). */
  labels?: Readonly<Record<string, string>>;
}

/** A metrics endpoint to scrape: rendered as a ServiceMonitor selecting the component's Service. */
export interface MetricsEndpoint {
  /** ServiceMonitor name, unique in the component. */
  name: string;
  /** Labels of the Service that exposes the metrics. */
  selector: Readonly<Record<string, string>>;
  /** Name of the Service port. */
  port: string;
  path?: string;
  /** Query parameters of the scrape, e.g. Vault's `format=prometheus`. */
  params?: Readonly<Record<string, readonly string[]>>;
  interval?: string;
  /** Instance whose namespace the Service lives in (defaults to the first). */
  instance?: string;
}

export interface IgnoreDifference {
  group?: string;
  kind: string;
  name?: string;
  namespace?: string;
  jsonPointers?: string[];
  jqPathExpressions?: string[];
}

export interface SyncOptions {
  /** ServerSideApply=true: needed for CRDs too large for the last-applied annotation. */
  serverSideApply?: boolean;
  /** Defaults to true. */
  createNamespace?: boolean;
  prune?: boolean;
  selfHeal?: boolean;
  ignoreDifferences?: IgnoreDifference[];
  /** Extra raw ArgoCD sync options. */
  extra?: readonly string[];
}

/** A reviewed exception to a policy rule; expires so it cannot be forgotten. */
export interface Waiver {
  rule: string;
  /** Which findings it covers: all given fields must match. */
  match?: { kind?: string; name?: string; namespace?: string; file?: string; instance?: string };
  reason: string;
  /** ISO date (YYYY-MM-DD) after which the waiver is an error. */
  expires: string;
}

/** One release of the component's chart. */
export interface Instance<V> {
  name: string;
  /** Helm release name; defaults to the component name for a single instance, else `<component>-<instance>`. */
  releaseName?: string;
  namespace?: string;
  /** Helm values overrides; absent for a component without a chart. */
  values?: V;
  /**
   * Skip the chart's `crds/` folder: when two releases of one chart share a
   * cluster, exactly one of them may own the CRDs.
   */
  skipCrds?: boolean;
  /** Extra manifests synced with this instance. */
  manifests?: readonly KubernetesObject[];
}

export interface Component<V = unknown> {
  name: string;
  /** npm package the component comes from (named in generated headers). */
  packageName: string;
  /** Component release version (changesets); stamped on what render writes. */
  version: string;
  description?: string;
  layer: LayerName;
  namespace: string;
  /**
   * The Helm chart and the values schema from its generated module. Both or
   * neither: a component of plain manifests (most user applications) has none.
   */
  chart?: ChartRef;
  valuesSchema?: ValuesSchema;
  instances: readonly Instance<V>[];
  routes?: readonly Route[];
  secrets?: readonly SecretRef[];
  /** Metrics endpoints Prometheus scrapes (ServiceMonitors). */
  metrics?: readonly MetricsEndpoint[];
  /**
   * API groups whose CRDs this component installs (e.g. `cert-manager.io`).
   * A manifest of another component in such a group depends on this one.
   */
  provides?: readonly string[];
  /** Names of components this one needs; one in a later layer must be allowed explicitly. */
  dependsOn?: readonly string[];
  /**
   * Dependencies on a later layer that are resolved on purpose, with the reason
   * they still converge (ArgoCD retries). They are not package dependencies:
   * the Nx graph and the cycle check hold only same-or-earlier-layer edges.
   */
  allowLaterLayerDependencies?: Readonly<Record<string, string>>;
  sync?: SyncOptions;
  waivers?: readonly Waiver[];
}

/** A component package exports a factory of this type: plain data from cluster facts. */
export type ComponentFactory<V = unknown> = (cluster: ClusterFacts) => Component<V>;

export interface HomelabConfig {
  cluster: ClusterFacts;
  // Each factory has its own values type; `unknown` would reject them (parameter variance).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  components: readonly ComponentFactory<any>[];
}

/** Identity function that gives config files type checking. */
export function defineConfig(config: HomelabConfig): HomelabConfig {
  return config;
}
