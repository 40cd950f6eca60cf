/**
 * What hydrate needs from Helm: render many releases in one call, and find a
 * chart's verified package. @homelab/helm provides both (Helm's own engine
 * built from helm.sh/helm/v3, the chart lock and cache); tests may pass their
 * own resolver (a chart folder of a mirror).
 */

/** One release, as the helper takes it (values merged in order, later wins, null deletes). */
export interface ReleaseRequest {
  id: string;
  /** A chart .tgz or folder. */
  chart: string;
  releaseName: string;
  namespace: string;
  values: Record<string, unknown>[];
  kubeVersion: string;
  apiVersions: string[];
  includeCrds: boolean;
  isUpgrade: boolean;
}

export interface RenderedDocument {
  /** Template path inside the chart, e.g. `traefik/templates/deployment.yaml`. */
  template: string;
  content: string;
  /** The `helm.sh/hook` types, or null for a plain manifest. */
  hook: string[] | null;
}

export interface ReleaseResult {
  id: string;
  objects: RenderedDocument[];
  crds: { file: string; content: string }[];
  warnings: string[];
  error: { message: string; template?: string | null; line?: number | null } | null;
}

export interface RenderEngine {
  /** Engine identity for cache keys and headers, e.g. `helm.sh/helm/v3@v3.22.0`. */
  version(): Promise<string>;
  renderReleases(requests: readonly ReleaseRequest[], options?: { signal?: AbortSignal }): Promise<ReleaseResult[]>;
}

export interface ChartCoordinates {
  repoURL: string;
  chart: string;
  version: string;
}

export interface ResolvedChart {
  /** A chart .tgz or folder the engine reads. */
  path: string;
  /** `sha256:<hex>` of the package when it is pinned in the lock; null for a folder without one. */
  digest: string | null;
}

export interface ChartResolver {
  resolve(chart: ChartCoordinates): Promise<ResolvedChart>;
}
