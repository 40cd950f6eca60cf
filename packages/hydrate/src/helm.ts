/**
 * The engine hydrate uses outside tests: Helm's own, built from the pinned
 * helm.sh/helm/v3 (@homelab/helm), loaded on first use so that reading
 * hydrate's layout or types never loads (or builds) the engine.
 */
import { ErrorCode, HomelabError } from "@homelab/errors";
import type { ReleaseRequest, ReleaseResult, RenderEngine } from "./engine.js";

interface HelmModule {
  engineVersion(): string;
  renderReleases(requests: readonly ReleaseRequest[], options?: { signal?: AbortSignal }): Promise<ReleaseResult[]>;
}

const HELM_PACKAGE = "@homelab/helm";
let loaded: Promise<HelmModule> | undefined;

function helm(): Promise<HelmModule> {
  loaded ??= (import(HELM_PACKAGE) as Promise<HelmModule>).catch((error: unknown) => {
    loaded = undefined;
    throw new HomelabError(ErrorCode.MissingArtifact, `cannot load ${HELM_PACKAGE}, Helm's engine: ${(error as Error).message.split("\n")[0]}`, {
      hint: "run `npm ci` (it links the workspace packages), then `npm run build -w @homelab/helm`",
      cause: error,
    });
  });
  return loaded;
}

export const helmEngine: RenderEngine = {
  version: async () => (await helm()).engineVersion(),
  renderReleases: async (requests, options) => (await helm()).renderReleases(requests, options ?? {}),
};
