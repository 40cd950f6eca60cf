/**
 * The work behind the inferred `render`, `hydrate`, `validate` and `policy` targets, for
 * many tasks in one process (Nx batch mode, see executor.cjs). A task per
 * process would pay Node + tsx start-up, loading every component package and
 * compiling the kubeconform and OPA wasm modules once per task; here each is
 * paid once per batch, and the tree is read once per batch, not per component or target.
 *
 * Each task's result is what `homelab render <c>` / `homelab check --component
 * <c> --no-policy|--no-schema` would give: the same findings, exit status and
 * text report (the checks run once over all the batch's components and the
 * findings are split by component). `homelab hydrate <c>` renders every chart
 * (the cluster's API list) to write one component's folder; the batch renders
 * them once and writes every hydrate task's folder, with each task's own
 * Applications and findings (error findings fail it, as they make the CLI exit 1).
 */
import { check, formatResult, loadTree, type CheckResult, type Tree } from "@homelab/check";
import { formatError, isHomelabError, type HomelabError } from "@homelab/errors";
import { instantiate, loadConfig, render, type HomelabConfig, type WriteResult } from "@homelab/core";
import type { HydrateResult } from "@homelab/hydrate";
import { MIRROR_ENV, workspaceCacheDir } from "@homelab/workspace";
import { openDocumentMemo } from "@homelab/yaml";

export const TARGETS = ["render", "hydrate", "validate", "policy"] as const;
export type Target = (typeof TARGETS)[number];

export interface HomelabTask {
  /** Nx task id, e.g. `@homelab/component-metallb:render`. */
  id: string;
  target: Target;
  component: string;
}

export interface TaskResult {
  success: boolean;
  terminalOutput: string;
}

export interface RunOptions {
  /** Repository root (holds homelab.config.ts). */
  root: string;
  /** Already loaded config (tests, benchmarks); default: import root/homelab.config.ts. */
  config?: HomelabConfig;
  /** The environment hydrate reads its chart packages folder from (HOMELAB_CHART_PACKAGES_DIR, as `homelab hydrate`); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The chart packages folder `homelab hydrate` reads instead of the chart lock and cache (@homelab/workspace MIRROR_ENV). */
const CHART_PACKAGES_ENV = MIRROR_ENV["chart-packages"];

const describe = (error: unknown): string =>
  isHomelabError(error)
    ? `homelab: ${formatError(error as HomelabError)}\n`
    : `homelab: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`;

/** The part of a whole-batch check result that one `--component` run would have reported. */
export function resultFor(result: CheckResult, component: string): CheckResult {
  // Findings without a component are only waiver findings of waivers declared for no component:
  // every per-component run reports them.
  const violations = result.violations.filter((v) => v.component === component || v.component === null);
  const waivers = result.waivers.filter((w) => w.component === component || w.component === null);
  const errors = violations.filter((v) => v.severity === "error").length;
  const byRule: Record<string, number> = {};
  for (const v of violations) byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
  return {
    ...result,
    violations,
    waivers,
    // Orderings of one component, as `check --component` keeps only in-scope ones.
    ...(result.orderings ? { orderings: result.orderings.filter((o) => o.component === component) } : {}),
    summary: { ...result.summary, errors, warnings: violations.length - errors, waived: waivers.reduce((n, w) => n + w.covers.length, 0), byRule },
    exitCode: errors > 0 ? 1 : 0,
  };
}

/** What render left alone (edited stale files) or recovered, as `homelab render` says it on stderr. */
function keptLines(result: WriteResult): string {
  return [
    ...(result.recovered ? ["render: completed an interrupted render from .homelab/journal.json first"] : []),
    ...result.kept.map((k) => `render: kept ${k.path}: ${k.reason}`),
  ]
    .map((line) => `${line}\n`)
    .join("");
}

/**
 * Runs the tasks: every render first (one render of all their components),
 * then validate and policy (one check each over all their components). Yields
 * each task's result as soon as it is known, so Nx caches and prints early.
 */
export async function* runTasks(tasks: readonly HomelabTask[], options: RunOptions): AsyncGenerator<{ task: string; result: TaskResult }> {
  const byTarget = (target: Target) => tasks.filter((t) => t.target === target);
  const failedRenders = new Set<string>();

  const renders = byTarget("render");
  if (renders.length > 0) {
    const components = renders.map((t) => t.component);
    let config: HomelabConfig | undefined = options.config;
    let batchError: unknown;
    try {
      config ??= await loadConfig(options.root);
      const result = await render({ root: options.root, components, config });
      const summary = `render: ${components.length === 1 ? components[0] : `${components.length} components in one batch`}: ${result.written} file(s) written, ${result.stale.length} stale file(s) removed\n${keptLines(result)}`;
      for (const task of renders) yield { task: task.id, result: { success: true, terminalOutput: summary } };
    } catch (error) {
      batchError = error;
    }
    if (batchError !== undefined) {
      // One bad component fails a batch render (render writes all or nothing): render one by one to tell
      // which task failed and still write the good ones, as separate tasks would have.
      if (config === undefined || renders.length === 1) {
        for (const task of renders) {
          failedRenders.add(task.component);
          yield { task: task.id, result: { success: false, terminalOutput: describe(batchError) } };
        }
      } else {
        for (const task of renders) {
          try {
            const result = await render({ root: options.root, components: [task.component], config });
            yield {
              task: task.id,
              result: {
                success: true,
                terminalOutput: `render: ${result.written} file(s) written, ${result.stale.length} stale file(s) removed\n${keptLines(result)}`,
              },
            };
          } catch (error) {
            failedRenders.add(task.component);
            yield { task: task.id, result: { success: false, terminalOutput: describe(error) } };
          }
        }
      }
    }
  }

  // Every hydrate task reads every component's rendered files (its Nx dependencies are all renders).
  const hydrates = byTarget("hydrate");
  let failedHydrate: string | undefined;
  if (hydrates.length > 0) {
    if (failedRenders.size > 0) {
      const reason = `hydrate: not run, rendering ${[...failedRenders].join(", ")} failed\n`;
      for (const task of hydrates) yield { task: task.id, result: { success: false, terminalOutput: reason } };
      failedHydrate = hydrates[0]!.component;
    } else {
      let result: HydrateResult | undefined;
      let error: unknown;
      try {
        result = await hydrateAll(
          options,
          hydrates.map((t) => t.component),
        );
      } catch (thrown) {
        error = thrown;
      }
      for (const task of hydrates) {
        const own = result ? hydrateReport(result, task.component) : { success: false, terminalOutput: describe(error) };
        if (!own.success) failedHydrate ??= task.component;
        yield { task: task.id, result: own };
      }
    }
  }

  // validate and policy check the same tree: read and parse it once (after the renders wrote it), and what an
  // unchanged file parsed to last time comes from check's memo of documents.
  let tree: Tree | undefined;
  const memo = openDocumentMemo(workspaceCacheDir("yaml-documents"));
  for (const target of ["validate", "policy"] as const) {
    const group = byTarget(target);
    // validate and policy read every component's hydrated folder (they depend on every hydrate task).
    const blocked = (t: HomelabTask): string | undefined =>
      failedRenders.has(t.component) ? `rendering ${t.component} failed` : failedHydrate !== undefined ? `hydrating ${failedHydrate} failed` : undefined;
    const ready = group.filter((t) => blocked(t) === undefined);
    for (const task of group.filter((t) => blocked(t) !== undefined)) {
      yield { task: task.id, result: { success: false, terminalOutput: `${target}: not run, ${blocked(task)}\n` } };
    }
    if (ready.length === 0) continue;
    let result: CheckResult;
    try {
      // The flags of `homelab check --no-policy` (validate) and `--no-schema` (policy).
      tree ??= loadTree(options.root, { memo });
      result = await check({ dir: options.root, tree, components: ready.map((t) => t.component), schema: target === "validate", policy: target === "policy" });
    } catch (error) {
      for (const task of ready) yield { task: task.id, result: { success: false, terminalOutput: describe(error) } };
      continue;
    }
    for (const task of ready) {
      const own = resultFor(result, task.component);
      yield { task: task.id, result: { success: own.exitCode === 0, terminalOutput: formatResult(own, "text") } };
    }
  }
  memo.save();
}

/** One hydrate of the batch's components, with the chart packages `homelab hydrate` would read. */
async function hydrateAll(options: RunOptions, components: string[]): Promise<HydrateResult> {
  // Loaded on first use: the Helm engine is only needed by hydrate tasks.
  const { cachedHelmEngine, defaultChartResolver, hydrate, mirrorChartResolver } = await import("@homelab/hydrate");
  const config = options.config ?? (await loadConfig(options.root));
  const env = options.env ?? process.env;
  const chartsDir = env[CHART_PACKAGES_ENV];
  return hydrate({
    root: options.root,
    repoURL: config.cluster.git.repoURL,
    kubeVersion: config.cluster.kubernetes.version,
    components,
    engine: cachedHelmEngine(env),
    charts: chartsDir ? mirrorChartResolver(chartsDir) : defaultChartResolver(options.root, { env }),
  });
}

/** One hydrate task's part of the batch: its Applications and findings; an error finding fails it (`homelab hydrate` exits 1). */
export function hydrateReport(result: HydrateResult, component: string): TaskResult {
  const apps = result.applications.filter((a) => a.plan.component === component);
  const names = new Set(apps.map((a) => a.plan.name));
  const findings = result.findings.filter((f) => names.has(f.application));
  const lines = [`hydrate: ${component}: ${apps.length} Application(s) with ${result.engine}`];
  for (const app of apps) lines.push(`  ${app.plan.name.padEnd(28)} ${String(app.objects.length).padStart(4)} object(s)`);
  for (const f of findings) lines.push(`${f.file}:${f.line}: ${f.severity} ${f.rule}: ${f.application}: ${f.message}`);
  if (apps.length === 0) lines.push(`hydrate: ${component} has no Application`);
  return { success: !findings.some((f) => f.severity === "error"), terminalOutput: `${lines.join("\n")}\n` };
}

/** Components of the config, in order (benchmarks and tests list them without Nx). */
export function componentNames(config: HomelabConfig): string[] {
  return instantiate(config).map((c) => c.name);
}
