/**
 * What hydrate needs from Helm: render many releases in one call, and find a
 * chart's verified package. @homelab/helm provides both (Helm's own engine
 * built from helm.sh/helm/v3, the chart lock and cache); tests may pass their
 * own resolver (a chart folder of a mirror).
 */

import type { ReleaseRequest, ReleaseResult, RenderOptions } from "@homelab/helm";

// The release protocol is @homelab/helm's; hydrate only names it.
export type { ReleaseRequest, ReleaseResult, RenderedObject } from "@homelab/helm";

export interface RenderEngine {
  /** Engine identity for cache keys and headers, e.g. `helm.sh/helm/v3@v3.22.0`. */
  version(): Promise<string>;
  /** `converted` lets an engine skip converting texts an earlier batch of the run converted (RenderOptions). */
  renderReleases(requests: readonly ReleaseRequest[], options?: Pick<RenderOptions, "signal" | "converted">): Promise<ReleaseResult[]>;
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
