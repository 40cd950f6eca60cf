/**
 * Hydration of the real cluster: cold (a fresh `homelab hydrate`, every chart
 * rendered to the API fixed point and again for determinism), cached (`nx
 * run-many -t hydrate` a second time: every task from the Nx cache), and two
 * paired whole-process scenarios (paired.ts):
 *
 * - per chart: our helper as hydrate runs it (`homelab-helm template` with
 *   the release's request on stdin) against native `helm template` (tools/go,
 *   built from the same helm.sh/helm/v3 module) with the same chart, values,
 *   API versions, kube version and --include-crds;
 * - the whole cluster: `homelab render && homelab hydrate && homelab check`
 *   against `homelab render && homelab check` without dist/hydrated (what
 *   hydration adds to the pipeline), both cold (dist/hydrated and its API-list
 *   memo removed before each run).
 *
 * Needs the chart packages mirror (HOMELAB_CHART_PACKAGES_DIR or ../shared).
 */
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { homelab } from "@homelab/cluster";
import { ensureHelper, templateRequest, type ReleaseRequest } from "@homelab/helm";
import { helmEngine, hydrate, mirrorChartResolver, type HydrateResult } from "@homelab/hydrate";
import { mirrorDir } from "@homelab/workspace";
import { NX_ENV, fmt, measure, run, type Stat } from "./measure.js";
import { paired, pairedTable, type PairedResult, type Step } from "./paired.js";
import { goTool } from "./side-by-side.js";
import { REPO, createWorkspace } from "./workspace.js";

export interface HydrateBench {
  cold: Stat;
  nxCold: Stat;
  nxCached: Stat;
  /** One paired result per chart source (ours: the helper; B: native helm template); empty without a native helm. */
  perChart: (PairedResult & { application: string; chart: string })[];
  /** Whole cluster, cold: render + hydrate + check against render + check, nothing remembered. */
  pipeline: PairedResult;
  /** The same with check's memo of clean files from the runs before. */
  pipelineRerun: PairedResult;
  native: string | null;
  text: string;
}

export async function hydrateScenario(options: { runs: number; pairs: number; log: (line: string) => void }): Promise<HydrateBench | undefined> {
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
    // Cold: without the settled API list of an earlier run, so every chart renders to the fixed point.
    rmSync(path.join(REPO, "dist/hydrated/.api-surface"), { recursive: true, force: true });
    last = await hydrate({ root: REPO, repoURL: homelab.git.repoURL, kubeVersion: homelab.kubernetes.version, engine: helmEngine, charts });
  });
  const nx = (...args: string[]) => run(path.join(REPO, "node_modules/.bin/nx"), ["run-many", "-t", "hydrate", ...args], { cwd: REPO, env });
  options.log("hydrate: nx run-many -t hydrate, cold and cached");
  const nxCold = await measure(1, () => nx("--skip-nx-cache"));
  // --skip-nx-cache leaves the cache as it was: one untimed run fills it, so "cached" is all hits.
  nx();
  const nxCached = await measure(options.runs, () => nx());

  let native: string | null = null;
  try {
    native = goTool("helm");
  } catch {
    options.log("hydrate: no native helm in tools/go; no per-chart comparison");
  }
  const helper = await ensureHelper(options.log);
  const perChart: HydrateBench["perChart"] = [];
  const tmp = mkdtempSync(path.join(os.tmpdir(), "bench-hydrate-"));
  try {
    for (const app of native ? last!.applications : []) {
      for (const source of app.plan.sources) {
        if (source.type !== "helm") continue;
        const request: ReleaseRequest = {
          id: app.plan.name,
          chart: (await charts.resolve(source)).path,
          releaseName: source.releaseName,
          namespace: source.namespace,
          values: [...source.valueFiles.map((f) => f.values), ...(source.inline ? [source.inline.values] : [])],
          kubeVersion: source.kubeVersion ?? homelab.kubernetes.version,
          apiVersions: source.apiVersions ?? last!.surface.apiVersions(),
          includeCrds: source.includeCrds,
          isUpgrade: false,
        };
        const requestFile = path.join(tmp, `${app.plan.name}-${source.index}.request.json`);
        writeFileSync(requestFile, templateRequest([request]));
        const valueFiles = request.values.map((values, i) => {
          const file = path.join(tmp, `${app.plan.name}-${source.index}-${i}.json`);
          writeFileSync(file, JSON.stringify(values));
          return ["-f", file];
        });
        // The shell only redirects stdin (exec replaces it): the helper is the measured process.
        const ours: Step = { cmd: "/bin/sh", args: ["-c", 'exec "$0" template < "$1" > /dev/null', helper, requestFile], cwd: tmp };
        const theirs: Step = {
          cmd: native!,
          args: [
            "template",
            request.releaseName,
            request.chart,
            "-n",
            request.namespace,
            "--kube-version",
            request.kubeVersion,
            ...valueFiles.flat(),
            ...request.apiVersions.flatMap((v) => ["--api-versions", v]),
            ...(request.includeCrds ? ["--include-crds"] : []),
          ],
          cwd: tmp,
        };
        const chart = `${source.chart}@${source.version}`;
        options.log(`hydrate: ${app.plan.name} (${chart}), helper against helm template, ${options.pairs} pairs`);
        const result = paired(
          `${app.plan.name}: ${chart}`,
          { label: "homelab-helm template < request.json", steps: [ours] },
          { label: "helm template …", steps: [theirs] },
          { pairs: options.pairs },
        );
        perChart.push({ ...result, application: app.plan.name, chart });
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }

  options.log(`hydrate: whole cluster, cold render + hydrate + check against render + check, ${options.pairs} pairs`);
  const ws = createWorkspace(0, "hydrate");
  try {
    // The helper is build output like the wasm the workspace links: built once, not per copy.
    rmSync(path.join(ws.dir, "packages/helm/build"), { recursive: true, force: true });
    symlinkSync(path.dirname(helper), path.join(ws.dir, "packages/helm/build"));
    const cli = (...args: string[]): Step => ({
      cmd: process.execPath,
      args: [path.join(ws.dir, "packages/cli/bin/homelab.js"), ...args],
      cwd: ws.dir,
      env: { ...process.env, HOMELAB_CHART_PACKAGES_DIR: mirror },
      maxStatus: 1,
    });
    const withoutHydrated = () => rmSync(path.join(ws.dir, "dist/hydrated"), { recursive: true, force: true });
    // Cold: no dist/hydrated, nothing remembered by hydrate or check (--no-cache), as the first run after a chart upgrade.
    const pipeline = paired(
      "real cluster: render + hydrate + check, cold",
      {
        label: "homelab render && homelab hydrate --no-cache && homelab check --no-cache",
        steps: [cli("render"), cli("hydrate", "--no-cache"), cli("check", "--no-cache")],
        before: withoutHydrated,
      },
      { label: "homelab render && homelab check --no-cache (no dist/hydrated)", steps: [cli("render"), cli("check", "--no-cache")], before: withoutHydrated },
      { pairs: options.pairs, memory: true },
    );
    // A re-run: dist/hydrated removed, but hydrate's memo knows the releases and check's the files (an edit to one
    // component's values pays that release's two renders and its changed files on top).
    const pipelineRerun = paired(
      "real cluster: render + hydrate + check, re-run",
      { label: "homelab render && homelab hydrate && homelab check", steps: [cli("render"), cli("hydrate"), cli("check")], before: withoutHydrated },
      { label: "homelab render && homelab check (no dist/hydrated)", steps: [cli("render"), cli("check")], before: withoutHydrated },
      { pairs: options.pairs, memory: true },
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
      pairedTable([pipeline, pipelineRerun, ...perChart]),
    ].join("\n");
    return { cold, nxCold, nxCached, perChart, pipeline, pipelineRerun, native, text };
  } finally {
    ws.remove();
  }
}
