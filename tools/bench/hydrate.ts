/**
 * Hydration of the real cluster: cold (a fresh `homelab hydrate`, every chart
 * rendered to the API fixed point and again for determinism), cached (`nx
 * run-many -t hydrate` a second time: every task from the Nx cache), and per
 * chart our helper against native `helm template` (tools/go, built from the
 * same helm.sh/helm/v3 module) on the same chart, values and API versions.
 * Needs the chart packages mirror (HOMELAB_CHART_PACKAGES_DIR or ../shared).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { homelab } from "@homelab/cluster";
import { helmEngine, hydrate, mirrorChartResolver, type HydrateResult } from "@homelab/hydrate";
import { mirrorDir } from "@homelab/workspace";
import { NX_ENV, fmt, measure, run, type Stat } from "./measure.js";
import { goTool } from "./side-by-side.js";
import { REPO } from "./workspace.js";

export interface HydrateBench {
  cold: Stat;
  nxCold: Stat;
  nxCached: Stat;
  perChart: { application: string; chart: string; ours: Stat; native: Stat | null }[];
  native: string | null;
  text: string;
}

export async function hydrateScenario(options: { runs: number; log: (line: string) => void }): Promise<HydrateBench | undefined> {
  const mirror = mirrorDir("chart-packages");
  if (!mirror) {
    options.log("hydrate: skipped, no chart packages mirror (HOMELAB_CHART_PACKAGES_DIR)");
    return undefined;
  }
  const charts = mirrorChartResolver(mirror);
  const env = { ...NX_ENV, HOMELAB_CHART_PACKAGES_DIR: mirror };
  let last: HydrateResult | undefined;
  options.log("hydrate: real cluster, cold (in-process, all Applications)");
  const cold = await measure(options.runs, async () => {
    last = await hydrate({ root: REPO, repoURL: homelab.git.repoURL, kubeVersion: homelab.kubernetes.version, engine: helmEngine, charts });
  });
  const nx = (...args: string[]) => run(path.join(REPO, "node_modules/.bin/nx"), ["run-many", "-t", "hydrate", ...args], { cwd: REPO, env });
  options.log("hydrate: nx run-many -t hydrate, cold and cached");
  const nxCold = await measure(1, () => nx("--skip-nx-cache"));
  const nxCached = await measure(options.runs, () => nx());

  let native: string | null = null;
  try {
    native = goTool("helm");
  } catch {
    options.log("hydrate: no native helm in tools/go; per-chart figures are ours only");
  }
  const perChart: HydrateBench["perChart"] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bench-hydrate-"));
  try {
    for (const app of last!.applications) {
      for (const source of app.plan.sources) {
        if (source.type !== "helm") continue;
        const chart = (await charts.resolve(source)).path;
        const request = {
          id: app.plan.name,
          chart,
          releaseName: source.releaseName,
          namespace: source.namespace,
          values: [...source.valueFiles.map((f) => f.values), ...(source.inline ? [source.inline.values] : [])],
          kubeVersion: homelab.kubernetes.version,
          apiVersions: last!.surface.apiVersions(),
          includeCrds: source.includeCrds,
          isUpgrade: false,
        };
        const ours = await measure(options.runs, () => helmEngine.renderReleases([request]));
        let nativeStat: Stat | null = null;
        if (native) {
          const valueFiles = request.values.map((values, i) => {
            const file = path.join(tmp, `${app.plan.name}-${i}.json`);
            writeFileSync(file, JSON.stringify(values));
            return ["-f", file];
          });
          const args = [
            "template",
            source.releaseName,
            chart,
            "-n",
            source.namespace,
            "--kube-version",
            request.kubeVersion,
            ...valueFiles.flat(),
            ...request.apiVersions.flatMap((v) => ["--api-versions", v]),
            ...(source.includeCrds ? ["--include-crds"] : []),
          ];
          nativeStat = await measure(options.runs, () => run(native!, args, { cwd: tmp }));
        }
        perChart.push({ application: app.plan.name, chart: `${source.chart}@${source.version}`, ours, native: nativeStat });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const rows = perChart.map(
    (r) =>
      `| ${r.application} | ${r.chart} | ${fmt(r.ours)} | ${fmt(r.native ?? undefined)} | ${r.native ? (r.ours.median / r.native.median).toFixed(2) : "–"} |`,
  );
  const text = [
    `### Hydration (real cluster, ${last!.applications.length} Applications, ${last!.passes} pass(es) + determinism render)`,
    "",
    "| scenario | seconds (median, min–max) |",
    "|---|---|",
    `| homelab hydrate in-process, cold | ${fmt(cold)} |`,
    `| nx run-many -t hydrate, no cache | ${fmt(nxCold)} |`,
    `| nx run-many -t hydrate, cached | ${fmt(nxCached)} |`,
    "",
    "| Application | chart | ours (helper) | native helm template | ratio |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
  return { cold, nxCold, nxCached, perChart, native, text };
}
