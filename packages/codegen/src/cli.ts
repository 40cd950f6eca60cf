import { existsSync } from "node:fs";
import path from "node:path";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { MIRROR_ENV, mirrorDir } from "@homelab/workspace";
import { REPO_ROOT, codegen, codegenAll, readComponent } from "./codegen.js";
import type { ChartInput } from "./load.js";

/**
 * What `homelab codegen` asks for (its typed flags, parsed by the CLI's command table): which chart to read and
 * where the output goes. One chart input (chartDir, tgz, repo + chart + version, or the component's pin), or all.
 */
export interface CodegenRequest {
  component?: string | undefined;
  chartDir?: string | undefined;
  tgz?: string | undefined;
  repo?: string | undefined;
  chart?: string | undefined;
  version?: string | undefined;
  repository?: string | undefined;
  out?: string | undefined;
  all?: boolean | undefined;
  allowRemoteRefs?: boolean | undefined;
  chartPackagesDir?: string | undefined;
  chartsDir?: string | undefined;
}

const HELP = "see `homelab codegen --help`";

export interface CodegenReport {
  /** What the command prints, one line each. */
  lines: string[];
}

/**
 * Folder of `<chart>/<version>/` chart directories: a flag, else the configured mirror (@homelab/workspace) of whole
 * chart packages (templates and subcharts: the schema gets the template read-set), else the values-only one.
 */
function chartsMirror(cwd: string, packagesFlag: string | undefined, chartsFlag: string | undefined): string | undefined {
  const flag = packagesFlag ?? chartsFlag;
  return flag !== undefined ? path.resolve(cwd, flag) : (mirrorDir("chart-packages") ?? mirrorDir("charts"));
}

/** The work behind `homelab codegen` (and the Nx codegen target, which runs it): returns what to print. */
export async function runCodegen(request: CodegenRequest, cwd = process.cwd()): Promise<CodegenReport> {
  // An empty value (`--out=`) names nothing.
  const str = (key: Exclude<keyof CodegenRequest, "all" | "allowRemoteRefs">): string | undefined => request[key] || undefined;
  if (request.all) {
    const chartsDir = chartsMirror(cwd, str("chartPackagesDir"), str("chartsDir"));
    if (chartsDir === undefined) {
      throw new HomelabError(ErrorCode.MissingArtifact, "codegen --all needs a local mirror of the pinned charts and found none", {
        hint: `pass --charts-dir DIR or set ${MIRROR_ENV.charts}`,
      });
    }
    const started = performance.now();
    const { results, registry } = await codegenAll({ chartsDir });
    const lines = results.map(
      (r) => `${r.component}: ${r.ir.chart.name}@${r.ir.chart.version} ${r.ir.source}, ${r.files["types.ts"]!.length} B types (${Math.round(r.ms)} ms)`,
    );
    lines.push(`wrote ${path.relative(cwd, registry.file)}`, `${results.length} charts in ${Math.round(performance.now() - started)} ms`);
    return { lines };
  }
  let input: ChartInput;
  if (str("chartDir")) input = { kind: "dir", dir: path.resolve(cwd, str("chartDir")!) };
  else if (str("tgz")) input = { kind: "tgz", file: path.resolve(cwd, str("tgz")!) };
  else if (str("repo")) {
    if (!str("chart") || !str("version")) throw new UsageError("--repo needs --chart and --version", HELP);
    input = { kind: "repo", repo: str("repo")!, chart: str("chart")!, version: str("version")! };
  } else if (str("component")) {
    // The Nx target's default: the pinned chart from a local mirror when it has it (no network needed), else from its Helm repository.
    const { chart } = await readComponent(REPO_ROOT, str("component")!);
    const mirror = chartsMirror(cwd, str("chartPackagesDir"), str("chartsDir"));
    const local = mirror === undefined ? undefined : path.join(mirror, chart.name, chart.version);
    input =
      local !== undefined && existsSync(local)
        ? { kind: "dir", dir: local }
        : { kind: "repo", repo: chart.repository, chart: chart.name, version: chart.version };
  } else throw new UsageError("no chart given: --chart-dir, --tgz or --repo", HELP);
  const started = performance.now();
  const result = await codegen({
    input,
    ...(str("component") ? { component: str("component")! } : {}),
    ...(str("out") ? { outDir: path.resolve(cwd, str("out")!) } : {}),
    ...(str("repository") ? { repository: str("repository")! } : {}),
    ...(request.allowRemoteRefs ? { allowRemoteRefs: true } : {}),
  });
  return {
    lines: [
      `${result.ir.chart.name}@${result.ir.chart.version}: schema ${result.ir.source} (${result.ir.draft}), ${result.files["types.ts"]!.length} B types → ${path.relative(cwd, result.outDir) || "."} (${Math.round(performance.now() - started)} ms)`,
      ...result.ir.notes.map((n) => `  note: ${n}`),
    ],
  };
}
