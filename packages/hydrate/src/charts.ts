/**
 * Chart packages from a local mirror of `<chart>/<version>/` folders (what
 * `helm pull --untar` gives), for offline work and tests. Names come from the
 * ApplicationSets, so they are checked before they become a path.
 */
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
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
 * The pinned, digest-verified chart packages of the chart lock (@homelab/helm).
 * Until the lock is available here, a chart mirror must be named.
 */
export function defaultChartResolver(root: string): ChartResolver {
  return {
    async resolve(chart) {
      throw new HomelabError(ErrorCode.MissingArtifact, `no chart source for ${chart.chart}@${chart.version}: hydrate needs the chart packages`, {
        position: { file: path.relative(root, path.join(root, "charts.lock.yaml")) },
        hint: "pass --charts-dir DIR (or HOMELAB_CHART_PACKAGES_DIR) naming a folder of <chart>/<version>/ chart packages",
      });
    },
  };
}
