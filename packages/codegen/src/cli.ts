import { existsSync } from "node:fs";
import path from "node:path";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { MIRROR_ENV, mirrorDir } from "@homelab/workspace";
import { REPO_ROOT, codegen, codegenAll, readComponent } from "./codegen.js";
import type { ChartInput } from "./load.js";

/** Flags of `homelab codegen` and of the codegen script, in one table (help is printed from it). */
export const CODEGEN_FLAGS = {
  component: {
    value: "NAME",
    help: "component package under packages/components/ (output to its generated/, chart pin and patches from it; without a chart input: <charts-dir>/<chart>/<version> when present, else the pinned Helm repository)",
  },
  "chart-dir": { value: "DIR", help: "chart directory (Chart.yaml, values.yaml, values.schema.json)" },
  tgz: { value: "FILE", help: "chart archive (.tgz)" },
  repo: { value: "URL", help: "Helm repository URL (reads its index.yaml), with --chart and --version" },
  chart: { value: "NAME", help: "chart name in --repo" },
  version: { value: "VERSION", help: "chart version in --repo" },
  repository: { value: "URL", help: "repository URL recorded in the output (defaults to the component pin or --repo)" },
  out: { value: "DIR", help: "output folder (defaults to the component's generated/)" },
  all: { value: undefined, help: "every component, from --charts-dir/<chart>/<version>/" },
  "allow-remote-refs": {
    value: undefined,
    help: "fetch http(s) $refs of the chart's schema (10 s timeout per attempt, 2 retries); without it a chart's schema may reference files inside the chart only",
  },
  "chart-packages-dir": {
    value: "DIR",
    help: "local mirror of whole chart packages <chart>/<version>/ with templates and subcharts, for the template read-set (default: $HOMELAB_CHART_PACKAGES_DIR, else ../shared/chart-packages beside the repository when it exists)",
  },
  "charts-dir": {
    value: "DIR",
    help: "local mirror of chart directories <chart>/<version>/ used when there is no chart packages mirror (default: $HOMELAB_CHARTS_DIR, else ../shared/charts beside the repository when it exists); values only: no template analysis",
  },
} as const;

type Flag = keyof typeof CODEGEN_FLAGS;

export function codegenHelp(): string {
  const lines = [
    "usage: codegen (--component NAME | --out DIR) (--chart-dir DIR | --tgz FILE | --repo URL --chart NAME --version V)",
    "       codegen --all [--chart-packages-dir DIR | --charts-dir DIR]",
    "",
  ];
  for (const [flag, spec] of Object.entries(CODEGEN_FLAGS)) lines.push(`  --${flag}${spec.value ? ` ${spec.value}` : ""}`.padEnd(28) + spec.help);
  return lines.join("\n");
}

export function parseCodegenArgs(argv: readonly string[]): Partial<Record<Flag, string | true>> {
  const out: Partial<Record<Flag, string | true>> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf("=");
    const name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)) as Flag;
    if (!arg.startsWith("--") || !(name in CODEGEN_FLAGS)) throw new UsageError(`unknown argument ${arg}`, codegenHelp());
    if (CODEGEN_FLAGS[name].value === undefined) {
      out[name] = true;
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`, codegenHelp());
    out[name] = value;
  }
  return out;
}

export interface CodegenCliResult {
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

/** The command behind `homelab codegen` and the Nx target: returns what to print. */
export async function runCodegenCli(argv: readonly string[], cwd = process.cwd()): Promise<CodegenCliResult> {
  const flags = parseCodegenArgs(argv);
  const str = (f: Flag) => (typeof flags[f] === "string" ? (flags[f] as string) : undefined);
  if (flags.all) {
    const chartsDir = chartsMirror(cwd, str("chart-packages-dir"), str("charts-dir"));
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
  if (str("chart-dir")) input = { kind: "dir", dir: path.resolve(cwd, str("chart-dir")!) };
  else if (str("tgz")) input = { kind: "tgz", file: path.resolve(cwd, str("tgz")!) };
  else if (str("repo")) {
    if (!str("chart") || !str("version")) throw new UsageError("--repo needs --chart and --version", codegenHelp());
    input = { kind: "repo", repo: str("repo")!, chart: str("chart")!, version: str("version")! };
  } else if (str("component")) {
    // The Nx target's default: the pinned chart from a local mirror when it has it (no network needed), else from its Helm repository.
    const { chart } = await readComponent(REPO_ROOT, str("component")!);
    const mirror = chartsMirror(cwd, str("chart-packages-dir"), str("charts-dir"));
    const local = mirror === undefined ? undefined : path.join(mirror, chart.name, chart.version);
    input =
      local !== undefined && existsSync(local)
        ? { kind: "dir", dir: local }
        : { kind: "repo", repo: chart.repository, chart: chart.name, version: chart.version };
  } else throw new UsageError("no chart given: --chart-dir, --tgz or --repo", codegenHelp());
  const started = performance.now();
  const result = await codegen({
    input,
    ...(str("component") ? { component: str("component")! } : {}),
    ...(str("out") ? { outDir: path.resolve(cwd, str("out")!) } : {}),
    ...(str("repository") ? { repository: str("repository")! } : {}),
    ...(flags["allow-remote-refs"] ? { allowRemoteRefs: true } : {}),
  });
  return {
    lines: [
      `${result.ir.chart.name}@${result.ir.chart.version}: schema ${result.ir.source} (${result.ir.draft}), ${result.files["types.ts"]!.length} B types → ${path.relative(cwd, result.outDir) || "."} (${Math.round(performance.now() - started)} ms)`,
      ...result.ir.notes.map((n) => `  note: ${n}`),
    ],
  };
}
