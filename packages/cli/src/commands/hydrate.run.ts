import path from "node:path";
import { findRoot, loadConfig } from "@homelab/core";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { cachedHelmEngine, defaultChartResolver, helmEngine, hydrate, hydratedLayout, mirrorChartResolver, type HydrateResult } from "@homelab/hydrate";
import type { Io } from "../spec.js";
import { CHARTS_ENV, type HydrateArgs } from "./hydrate.js";

export async function run(args: HydrateArgs, io: Io): Promise<number> {
  const root = args.flags.root !== undefined ? path.resolve(io.cwd, args.flags.root) : findRoot(io.cwd);
  const config = await loadConfig(root);
  const chartsDir = args.flags["charts-dir"] !== undefined ? path.resolve(io.cwd, args.flags["charts-dir"]) : io.env[CHARTS_ENV];
  const result = await hydrate({
    root,
    repoURL: config.cluster.git.repoURL,
    kubeVersion: config.cluster.kubernetes.version,
    components: args.positionals,
    engine: args.flags["no-cache"] ? helmEngine : cachedHelmEngine(io.env),
    // --offline adds to HOMELAB_OFFLINE; without the flag the environment decides.
    charts: chartsDir ? mirrorChartResolver(chartsDir) : defaultChartResolver(root, { env: io.env, ...(args.flags.offline ? { offline: true } : {}) }),
  });
  if (args.flags.format === "json") io.stdout(`${JSON.stringify(summary(result), null, 2)}\n`);
  else io.stdout(text(result));
  return result.findings.some((f) => f.severity === "error") ? 1 : 0;
}

function summary(result: HydrateResult) {
  return {
    engine: result.engine,
    passes: result.passes,
    apiVersions: { count: result.surface.apiVersions().length, digest: result.surface.digest() },
    written: result.written,
    applications: result.applications.map((a) => ({
      application: a.plan.name,
      component: a.plan.component,
      objects: a.objects.length,
      hooks: a.objects.filter((o) => o.record.hook).length,
      index: hydratedLayout.indexFile(a.plan.component, a.plan.name),
    })),
    findings: result.findings,
  };
}

function text(result: HydrateResult): string {
  const lines = [
    `hydrate: ${result.applications.length} Application(s) with ${result.engine}, ${result.surface.apiVersions().length} API versions (${result.passes === 0 ? "settled list reused from dist/hydrated/.api-surface" : `${result.passes} pass(es) over every chart to settle the cluster's CRDs`})`,
  ];
  for (const app of result.applications) {
    const hooks = app.objects.filter((o) => o.record.hook).length;
    lines.push(
      `  ${app.plan.name.padEnd(28)} ${String(app.objects.length).padStart(4)} object(s)${hooks ? `, ${hooks} hook(s)` : ""}${app.index.findings.length ? `, ${app.index.findings.length} finding(s)` : ""}`,
    );
  }
  for (const f of result.findings) lines.push(`${f.file}:${f.line}: ${f.severity} ${f.rule}: ${f.application}: ${f.message}`);
  if (result.written.length) lines.push(`written: ${result.written.join(", ")}`);
  if (result.applications.length === 0) throw new HomelabError(ErrorCode.Config, "no Application to hydrate");
  return `${lines.join("\n")}\n`;
}
