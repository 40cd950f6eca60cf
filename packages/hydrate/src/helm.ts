/**
 * The engine hydrate uses outside tests: Helm's own, built from the pinned
 * helm.sh/helm/v3 (@homelab/helm), loaded on first use so that reading
 * hydrate's layout or types never loads (or builds) the engine.
 */
import { statSync } from "node:fs";
import { workspaceCacheDir } from "@homelab/workspace";
import type { RenderEngine } from "./engine.js";
import { memoizedEngine } from "./render-memo.js";

let loaded: Promise<typeof import("@homelab/helm")> | undefined;

function helm(): Promise<typeof import("@homelab/helm")> {
  loaded ??= import("@homelab/helm");
  return loaded;
}

export const helmEngine: RenderEngine = {
  version: async () => (await helm()).engineVersion(),
  renderReleases: async (requests, options) => (await helm()).renderReleases(requests, options ?? {}),
};

/**
 * Helm's engine with the memo of releases that rendered identically twice
 * (render-memo.ts), in the workspace cache. The helper binary's size and mtime
 * name its build: a rebuild starts a new generation.
 */
export function cachedHelmEngine(env: NodeJS.ProcessEnv = process.env): RenderEngine {
  return memoizedEngine(helmEngine, workspaceCacheDir("helm-renders", env), {
    build: async () => {
      const { ensureHelper } = await helm();
      const stat = statSync(await ensureHelper());
      return `${stat.size} ${stat.mtimeMs}`;
    },
  });
}
