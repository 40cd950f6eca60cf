/**
 * Where hydrate finds each chart: by default the chart lock and cache
 * (defaultChartResolver); explicitly, a local mirror of `<chart>/<version>/`
 * folders (what `helm pull --untar` gives), for offline work and tests. Names
 * come from the ApplicationSets, so they are checked before they become a path.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { ErrorCode, HomelabError, isHomelabError } from "@homelab/errors";
import type { ChartStoreOptions } from "@homelab/helm";
import { realInsideSync, resolveInside } from "@homelab/layout";
import type { ChartResolver } from "./engine.js";

const CHART_NAME = /^[a-z0-9][a-z0-9._-]*$/i;
const CHART_VERSION = /^v?\d+\.\d+\.\d+([-+][0-9A-Za-z.-]+)?$/;

export function mirrorChartResolver(dir: string): ChartResolver {
  return {
    async resolve(chart) {
      if (!CHART_NAME.test(chart.chart) || !CHART_VERSION.test(chart.version)) {
        throw new HomelabError(ErrorCode.Config, `chart ${chart.chart}@${chart.version} is not a chart name and exact version`);
      }
      const folder = resolveInside(dir, `${chart.chart}/${chart.version}`, `chart ${chart.chart}@${chart.version}`);
      if (!existsSync(path.join(folder, "Chart.yaml")) || !statSync(folder).isDirectory()) {
        throw new HomelabError(ErrorCode.MissingArtifact, `the chart mirror ${dir} has no ${chart.chart}/${chart.version}/Chart.yaml`, {
          hint: "point --charts-dir (HOMELAB_CHART_PACKAGES_DIR) at a folder of <chart>/<version>/ chart packages",
        });
      }
      return { path: realInsideSync(dir, folder, `chart ${chart.chart}@${chart.version}`), digest: null };
    },
  };
}

/**
 * The pinned, digest-verified chart packages of the chart lock (@homelab/helm):
 * each Application's chart must be in `charts.lock.yaml` (from the same
 * repository), and its .tgz comes from the content-addressed chart cache, or is
 * downloaded into it when the network is allowed. Options default to the
 * environment (HOMELAB_CHART_CACHE, HOMELAB_OFFLINE, HOMELAB_CHART_REPO_OVERRIDE).
 */
export function defaultChartResolver(root: string, options: ChartStoreOptions = {}): ChartResolver {
  return {
    async resolve(chart) {
      // Loaded on first use, as the engine is (helm.ts): reading hydrate's types never loads @homelab/helm.
      const helm = await import("@homelab/helm");
      const pin = { chart: chart.chart, version: chart.version, repository: chart.repoURL };
      try {
        return await helm.lockedChartPackage(root, pin, options);
      } catch (error) {
        // No network (or a repository that cannot serve it): the same fix as a cold cache offline.
        if (isHomelabError(error) && error.code === ErrorCode.Remote) {
          const cacheDir = options.cacheDir ?? helm.chartCacheDir(options.env ?? process.env);
          throw new HomelabError(
            ErrorCode.MissingArtifact,
            `chart ${chart.chart} ${chart.version} is not in the chart cache (${cacheDir}) and cannot be downloaded: ${error.message}`,
            {
              hint: "run `npx homelab charts fetch` once with network access (HOMELAB_CHART_REPO_OVERRIDE names a mirror), or pass --charts-dir DIR",
              cause: error,
            },
          );
        }
        throw error;
      }
    },
  };
}
