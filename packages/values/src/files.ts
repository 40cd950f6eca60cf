import path from "node:path";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { YamlSource, formatPath, readInputFile, readNamedFile } from "@homelab/yaml";
import { findChart, type ChartSchemaEntry } from "./registry.js";
import { redundantDefaults, validateValues, type ValuesIssue, type ValuesSchema } from "./validate.js";

export interface ValidateValuesFilesOptions {
  /**
   * `NAME[@VERSION]`: a chart name (or component name) known to the registry.
   * Optional for a wrapper chart's values file (a `Chart.yaml` with
   * dependencies beside it): each dependency's block is checked against that
   * dependency's chart and version; with `chart`, only the matching dependency.
   */
  chart?: string;
  /** Values files, relative to `cwd` or absolute. */
  files: readonly string[];
  cwd?: string;
  /** The known charts; `@homelab/charts` has the ones of this repository's components. */
  charts: readonly ChartSchemaEntry[];
}

export interface ValuesFileIssue extends ValuesIssue {
  /** The file as given in `files`. */
  file: string;
  /** 0-based YAML document index in the file. */
  document: number;
  line: number;
  column: number;
  /** `path` printed as `a.b[0].c`. */
  jsonPath: string;
}

/** One block checked: a whole values file, or a wrapper chart's block under a dependency's name or alias. */
export interface ValuesBlock {
  file: string;
  /** Key of the block in a wrapper chart's values (alias or name); absent for a plain values file. */
  key?: string;
  chart: ValuesSchema["chart"];
  source: ValuesSchema["source"];
}

export interface ValuesFilesResult {
  /** The chart of the first block checked (`--chart`, or the first wrapper dependency). */
  chart: ValuesSchema["chart"];
  source: ValuesSchema["source"];
  files: readonly string[];
  /** Every block checked, with its chart. */
  blocks: ValuesBlock[];
  issues: ValuesFileIssue[];
}

/** A dependency of a wrapper chart: the values under `key` go to chart `name@version`. */
export interface WrapperDependency {
  name: string;
  version: string;
  repository: string | null;
  /** Alias, else name: the key its values are nested under. */
  key: string;
}

/**
 * The dependencies of the chart whose `values.yaml` this is, or undefined when
 * the file is not a wrapper chart's values (no `Chart.yaml` beside it, or one
 * without dependencies).
 */
export async function wrapperDependencies(valuesFile: string, displayFile = valuesFile): Promise<WrapperDependency[] | undefined> {
  const chartFile = path.join(path.dirname(valuesFile), "Chart.yaml");
  const shown = path.join(path.dirname(displayFile), "Chart.yaml");
  // The one input loader: a FIFO, a loop or a folder named Chart.yaml is an error naming it, never a hang.
  const input = readInputFile(chartFile, { display: shown });
  if (input.kind === "skipped") {
    if (input.why === "missing") return undefined;
    throw new HomelabError(ErrorCode.Io, `cannot read: ${input.reason}`, { position: { file: shown } });
  }
  const text = input.text;
  const chart = YamlSource.parse(text, shown).documents[0]?.value as Record<string, unknown> | null | undefined;
  const deps = chart && typeof chart === "object" && Array.isArray(chart.dependencies) ? chart.dependencies : [];
  const out: WrapperDependency[] = [];
  deps.forEach((dep: unknown, i: number) => {
    const d = (dep ?? {}) as Record<string, unknown>;
    if (typeof d.name !== "string" || (d.version !== undefined && typeof d.version !== "string" && typeof d.version !== "number")) {
      throw new HomelabError(ErrorCode.Config, `dependency ${i} of the wrapper chart needs a name and a version`, { position: { file: shown } });
    }
    out.push({
      name: d.name,
      version: d.version === undefined ? "" : String(d.version),
      repository: typeof d.repository === "string" ? d.repository : null,
      key: typeof d.alias === "string" ? d.alias : d.name,
    });
  });
  return out.length > 0 ? out : undefined;
}

/**
 * Checks plain Helm values files against a known chart's schema. Problems in
 * the values are returned as issues; an unreadable file, a YAML syntax error
 * or an unknown chart throw a HomelabError (bad input).
 */
export async function validateValuesFiles(options: ValidateValuesFilesOptions): Promise<ValuesFilesResult> {
  if (options.files.length === 0) throw new UsageError("no values file given", "homelab values validate --chart NAME[@VERSION] FILE...");
  const given = options.chart === undefined ? undefined : await findChart(options.chart, options.charts).load();
  const cwd = options.cwd ?? process.cwd();
  const issues: ValuesFileIssue[] = [];
  const blocks: ValuesBlock[] = [];
  for (const file of options.files) {
    const abs = path.resolve(cwd, file);
    // The one input loader: FIFOs and devices are refused unopened, the size limit and strict UTF-8 hold.
    const source = YamlSource.parse(readNamedFile(abs, { display: file }), file);
    const deps = await wrapperDependencies(abs, file);
    const chosen = deps?.filter((d) => given === undefined || d.name === given.chart.name || d.key === given.chart.name);
    if (chosen && chosen.length > 0) {
      for (const dep of chosen) {
        const schema = given ?? (await schemaForDependency(dep, options.charts, file));
        blocks.push({ file, key: dep.key, chart: schema.chart, source: schema.source });
        issues.push(...validateValuesSource(schema, source, [dep.key]));
      }
      continue;
    }
    if (!given) {
      throw new UsageError(
        `${file} is not a wrapper chart's values file (no Chart.yaml with dependencies beside it): say which chart with --chart`,
        `known charts: ${options.charts.map((c) => `${c.chart.name}@${c.chart.version}`).join(", ")}`,
      );
    }
    blocks.push({ file, chart: given.chart, source: given.source });
    issues.push(...validateValuesSource(given, source));
  }
  const first = blocks[0]!;
  return { chart: first.chart, source: first.source, files: [...options.files], blocks, issues };
}

async function schemaForDependency(dep: WrapperDependency, charts: readonly ChartSchemaEntry[], file: string): Promise<ValuesSchema> {
  try {
    return await findChart(`${dep.name}@${dep.version}`, charts).load();
  } catch (error) {
    if (!(error instanceof HomelabError)) throw error;
    throw new HomelabError(
      ErrorCode.Usage,
      `${file}: the wrapper chart's dependency ${dep.name}@${dep.version} (values under \`${dep.key}\`) has no schema here: ${error.message}`,
      {
        ...(error.hint ? { hint: error.hint } : {}),
        cause: error,
      },
    );
  }
}

/**
 * Validates every non-empty document of a parsed values file, with positions.
 * `nested`: the values start under this path (a wrapper chart's dependency
 * key); issue paths and positions stay relative to the real file.
 */
export function validateValuesSource(schema: ValuesSchema, source: YamlSource, nested: readonly string[] = []): ValuesFileIssue[] {
  const issues: ValuesFileIssue[] = [];
  for (const doc of source.nonEmpty()) {
    let value: unknown = doc.value;
    for (const key of nested)
      value = value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
    if (value === undefined || value === null) continue;
    // Errors first, then notes (values equal to the chart's default).
    for (const issue of [...validateValues(schema, value), ...redundantDefaults(schema, value)]) {
      const full = [...nested, ...issue.path];
      const at = source.locate(doc.index, full);
      issues.push({ ...issue, path: full, file: source.file, document: doc.index, line: at.line, column: at.column, jsonPath: formatPath(full) });
    }
  }
  return issues;
}
