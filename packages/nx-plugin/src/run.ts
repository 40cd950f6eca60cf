/**
 * The work behind the inferred `render`, `validate` and `policy` targets, for
 * many tasks in one process (Nx batch mode, see executor.cjs). A task per
 * process would pay Node + tsx start-up, loading every component package and
 * compiling the kubeconform and OPA wasm modules once per task; here each is
 * paid once per batch, and the tree is read once per batch, not per component or target.
 *
 * Each task's result is what `homelab render <c>` / `homelab check --component
 * <c> --no-policy|--no-schema` would give: the same findings, exit status and
 * text report (the checks run once over all the batch's components and the
 * findings are split by component).
 */
import { check, formatResult, loadTree, type CheckResult, type Tree } from "@homelab/check";
import { formatError, isHomelabError, type HomelabError } from "@homelab/errors";
import { instantiate, loadConfig, render, type HomelabConfig, type WriteResult } from "@homelab/core";

export const TARGETS = ["render", "validate", "policy"] as const;
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
}

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

  // validate and policy check the same tree: read and parse it once (after the renders wrote it).
  let tree: Tree | undefined;
  for (const target of ["validate", "policy"] as const) {
    const group = byTarget(target);
    const ready = group.filter((t) => !failedRenders.has(t.component));
    for (const task of group.filter((t) => failedRenders.has(t.component))) {
      yield { task: task.id, result: { success: false, terminalOutput: `${target}: not run, rendering ${task.component} failed\n` } };
    }
    if (ready.length === 0) continue;
    let result: CheckResult;
    try {
      // The flags of `homelab check --no-policy` (validate) and `--no-schema` (policy).
      tree ??= loadTree(options.root);
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
}

/** Components of the config, in order (benchmarks and tests list them without Nx). */
export function componentNames(config: HomelabConfig): string[] {
  return instantiate(config).map((c) => c.name);
}
