/**
 * The engine hydrate uses outside tests: Helm's own, built from the pinned
 * helm.sh/helm/v3 (@homelab/helm), loaded on first use so that reading
 * hydrate's layout or types never loads (or builds) the engine.
 */
import type { RenderEngine } from "./engine.js";

let loaded: Promise<typeof import("@homelab/helm")> | undefined;

function helm(): Promise<typeof import("@homelab/helm")> {
  loaded ??= import("@homelab/helm");
  return loaded;
}

export const helmEngine: RenderEngine = {
  version: async () => (await helm()).engineVersion(),
  renderReleases: async (requests, options) => (await helm()).renderReleases(requests, options ?? {}),
};
