import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { loadChart, type ChartInput } from "./load.js";
import { readPatchFile } from "./patch.js";
import { GENERATOR, buildIR, emitFiles, type ChartIR } from "./pipeline.js";
import { remoteFetchSchema, type FetchSchema } from "./shipped.js";
import { isRecord } from "./schema-util.js";

/** The repository root this package sits in (packages/codegen/src → ../../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface CodegenOptions {
  /** Component package name under packages/components/: output goes to its generated/ folder, patches come from it. */
  component?: string;
  /** The chart: a directory, a .tgz, or a Helm repository + chart + version. */
  input: ChartInput;
  /** Repository URL recorded in the output; defaults to the component's `homelab.chart.repository` or the repo input. */
  repository?: string;
  /** Output folder; defaults to packages/components/<component>/generated. */
  outDir?: string;
  /** Patch file; defaults to packages/components/<component>/codegen.patch.json when it exists. */
  patchFile?: string;
  repoRoot?: string;
  /** Resolves `$ref`s to other documents; defaults to files inside the chart only (remote refs refused). */
  fetchSchema?: FetchSchema;
  /** Fetch http(s) `$ref`s (with a timeout and a bounded retry) when no fetchSchema is given. Default false. */
  allowRemoteRefs?: boolean;
  /** false: compute the files without writing them. */
  write?: boolean;
}

export interface CodegenResult {
  ir: ChartIR;
  outDir: string;
  /** File name → content, as written. */
  files: Record<string, string>;
}

export interface ComponentChart {
  component: string;
  chart: { name: string; version: string; repository: string };
}

/** Generates one chart's types and schema module (a component's `codegen` target). */
export async function codegen(options: CodegenOptions): Promise<CodegenResult> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const component = options.component ? await readComponent(repoRoot, options.component) : undefined;
  const outDir = options.outDir ?? (component ? path.join(repoRoot, "packages/components", component.component, "generated") : undefined);
  if (!outDir) throw new UsageError("say where to write: --component NAME or --out DIR");
  const repository = options.repository ?? component?.chart.repository ?? (options.input.kind === "repo" ? options.input.repo : undefined);
  if (!repository) throw new UsageError("the chart's repository URL is unknown", "pass --repository URL (it is recorded in the generated chart reference)");
  const chart = await loadChart(options.input);
  if (component && (chart.meta.name !== component.chart.name || !sameVersion(chart.meta.version, component.chart.version))) {
    // cert-manager's Chart.yaml at the tag says v0.0.0 (release tooling sets it): the component's pin is what is deployed.
    if (chart.meta.name !== component.chart.name) {
      throw new HomelabError(ErrorCode.Config, `component ${component.component} pins chart ${component.chart.name}, got ${chart.meta.name}`, {
        position: { file: path.join("packages/components", component.component, "package.json") },
      });
    }
    chart.meta.version = component.chart.version;
  }
  const patchFile = options.patchFile ?? (component ? path.join(repoRoot, "packages/components", component.component, "codegen.patch.json") : undefined);
  const patch = patchFile ? await readPatchFile(patchFile) : undefined;
  const ir = await buildIR(chart, {
    repository,
    ...(patch && patchFile ? { patch: { file: patch, name: path.relative(repoRoot, patchFile) } } : {}),
    ...(options.fetchSchema ? { fetchSchema: options.fetchSchema } : options.allowRemoteRefs ? { fetchSchema: remoteFetchSchema } : {}),
  });
  const files = emitFiles(ir);
  if (options.write !== false) {
    await mkdir(outDir, { recursive: true });
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(outDir, name), content);
  }
  return { ir, outDir, files };
}

function sameVersion(a: string, b: string): boolean {
  return a.replace(/^v/, "") === b.replace(/^v/, "");
}

/** A component package's chart pin (`homelab.chart` in its package.json). */
export async function readComponent(repoRoot: string, component: string): Promise<ComponentChart> {
  const file = path.join(repoRoot, "packages/components", component, "package.json");
  let pkg: unknown;
  try {
    pkg = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new UsageError(
      `unknown component "${component}": cannot read ${path.relative(repoRoot, file)} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  const homelab = isRecord(pkg) && isRecord(pkg.homelab) ? pkg.homelab : undefined;
  const chart = homelab && isRecord(homelab.chart) ? homelab.chart : undefined;
  if (!chart || typeof chart.name !== "string" || typeof chart.version !== "string" || typeof chart.repository !== "string") {
    throw new HomelabError(ErrorCode.Config, `component ${component} has no homelab.chart {name, version, repository}`, { position: { file } });
  }
  return {
    component,
    chart: { name: chart.name, version: chart.version, repository: chart.repository },
  };
}

/** Every component package that pins a chart, sorted by name. */
export async function listComponents(repoRoot: string): Promise<ComponentChart[]> {
  const dir = path.join(repoRoot, "packages/components");
  const names = (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  const out: ComponentChart[] = [];
  for (const name of names) {
    try {
      out.push(await readComponent(repoRoot, name));
    } catch {
      // A component without a chart (manifests only) has nothing to generate.
    }
  }
  return out;
}

export interface CodegenAllOptions {
  repoRoot?: string;
  /** Folder of `<chart>/<version>/` chart directories (../shared/charts). */
  chartsDir: string;
  /** Writes each component's output under `<outRoot>/<component>/` and the registry to `<outRoot>/registry.ts` instead of in place. */
  outRoot?: string;
  write?: boolean;
}

export interface CodegenAllResult {
  results: (CodegenResult & { component: string; ms: number })[];
  registry: { file: string; content: string };
}

/** Codegen for every component from local chart folders, then the chart registry of @homelab/charts. */
export async function codegenAll(options: CodegenAllOptions): Promise<CodegenAllResult> {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const components = await listComponents(repoRoot);
  const results: CodegenAllResult["results"] = [];
  for (const c of components) {
    const started = performance.now();
    const dir = path.join(options.chartsDir, c.chart.name, c.chart.version);
    const result = await codegen({
      component: c.component,
      input: { kind: "dir", dir },
      repoRoot,
      ...(options.outRoot ? { outDir: path.join(options.outRoot, c.component) } : {}),
      ...(options.write === false ? { write: false } : {}),
    });
    results.push({ ...result, component: c.component, ms: performance.now() - started });
  }
  const registry = {
    file: options.outRoot ? path.join(options.outRoot, "registry.ts") : path.join(repoRoot, "packages/charts/generated/registry.ts"),
    content: emitRegistry(components),
  };
  if (options.write !== false) {
    await mkdir(path.dirname(registry.file), { recursive: true });
    await writeFile(registry.file, registry.content);
  }
  return { results, registry };
}

/**
 * The chart registry (@homelab/charts, packages/charts/generated/registry.ts) that values validation and check look charts up in.
 * Each entry reads its component's generated folder when loaded, through @homelab/values, never the component's TypeScript:
 * a check needs no TypeScript loader.
 */
export function emitRegistry(components: readonly ComponentChart[]): string {
  const entries = components.map(
    (c) => `  {
    component: ${JSON.stringify(c.component)},
    chart: { name: ${JSON.stringify(c.chart.name)}, version: ${JSON.stringify(c.chart.version)}, repository: ${JSON.stringify(c.chart.repository)} },
    load: async () => generatedValuesSchema(new URL(${JSON.stringify(`../../components/${c.component}/generated/`)}, import.meta.url)),
  },`,
  );
  return `// Generated by ${GENERATOR} from the homelab.chart pins of packages/components/*. Do not edit.
import { generatedValuesSchema, type ChartSchemaEntry } from "@homelab/values";

export const charts: readonly ChartSchemaEntry[] = [
${entries.join("\n")}
];
`;
}
