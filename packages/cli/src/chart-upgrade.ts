/**
 * Renovate's post-upgrade task after a chart pin changed in a component's
 * package.json (`homelab release chart-upgrade`): the component's typed values
 * regenerated from the new chart, the chart registry, the new pin locked in
 * charts.lock.yaml (when the repository has one), every component re-rendered,
 * and a changeset for the component.
 *
 * Here, beside the commands, and not in @homelab/release: it drives codegen, a
 * tools package, and the module boundaries keep release (a report package)
 * from depending on tools; the CLI is the tools-level package that ties them.
 */
import path from "node:path";
import { writeFile } from "node:fs/promises";
import { emitRegistry, listComponents, runCodegen } from "@homelab/codegen";
import { render } from "@homelab/core";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { LOCK_FILE, lockCharts, readLock, writeLock, type ChartPin } from "@homelab/helm";
import { addChangeset, findPackage, workspacePackages, type AddChangesetOptions } from "@homelab/release";

/** Where @homelab/codegen writes the chart registry (`homelab codegen --all` writes it, a one-component run does not). */
export const REGISTRY_FILE = "packages/charts/generated/registry.ts";

/** Every chart the components pin (package.json `homelab.chart`). */
export async function componentPins(root: string): Promise<ChartPin[]> {
  return (await listComponents(root)).map((c) => ({ chart: c.chart.name, version: c.chart.version, repository: c.chart.repository }));
}

export interface ChartUpgradeOptions {
  root: string;
  /** Component name or package folder (Renovate passes {{{packageFileDir}}}). */
  component: string;
  bump: AddChangesetOptions["bump"];
  /** Changelog entry; default `Chart <name> <version>`. */
  summary?: string | undefined;
  /** The typed values are current: do not regenerate them. */
  skipCodegen?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Progress of each step, one line each, as it happens. */
  log(line: string): void;
  /** What the chart lock's download reports (stderr in the CLI). */
  lockLog?(line: string): void;
}

/** Runs the steps in order; the first failing one throws and leaves the later ones undone. */
export async function chartUpgrade(options: ChartUpgradeOptions): Promise<void> {
  const { root, log } = options;
  const pkg = findPackage(await workspacePackages(root), options.component);
  if (!pkg?.component) throw new UsageError(`${JSON.stringify(options.component)} is not a component package`);
  if (!pkg.chart) {
    throw new HomelabError(ErrorCode.Config, `${pkg.name} pins no chart (homelab.chart in package.json)`, {
      position: { file: path.join(pkg.dir, "package.json") },
    });
  }
  const { chart } = pkg;
  if (!options.skipCodegen) {
    const { lines } = await runCodegen({ component: pkg.component, repo: chart.repository, chart: chart.name, version: chart.version }, root);
    for (const line of lines) log(`codegen: ${line}`);
    const registry = path.join(root, REGISTRY_FILE);
    await writeFile(registry, emitRegistry(await listComponents(root)));
    log(`codegen: wrote ${REGISTRY_FILE}`);
  }
  // A repository that pins charts by digest gets the new pin locked in the same change (fetched, so it is verified once).
  const lock = readLock(root);
  if (lock) {
    const updated = await lockCharts(await componentPins(root), lock, {
      env: options.env ?? process.env,
      ...(options.lockLog ? { log: options.lockLog } : {}),
    });
    writeLock(root, updated);
    const digest = updated.charts.find((c) => c.chart === chart.name && c.version === chart.version)?.digest ?? "not locked";
    log(`charts: wrote ${LOCK_FILE} (${chart.name} ${chart.version} ${digest})`);
  }
  const rendered = await render({ root });
  log(`render: ${rendered.written} file(s) written, ${rendered.stale.length} stale file(s) removed`);
  const added = await addChangeset({ root, packages: [pkg.name], bump: options.bump, summary: options.summary ?? `Chart ${chart.name} ${chart.version}` });
  log(`changeset: wrote ${added.file} (${pkg.name} ${options.bump})`);
}
