import { readFile } from "node:fs/promises";
import path from "node:path";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { YamlSource, formatPath } from "@homelab/yaml";
import { findChart, type ChartSchemaEntry } from "./registry.js";
import { validateValues, type ValuesIssue, type ValuesSchema } from "./validate.js";

export interface ValidateValuesFilesOptions {
  /** `NAME[@VERSION]`: a chart name (or component name) known to the registry. */
  chart: string;
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

export interface ValuesFilesResult {
  chart: ValuesSchema["chart"];
  source: ValuesSchema["source"];
  files: readonly string[];
  issues: ValuesFileIssue[];
}

/**
 * Checks plain Helm values files against a known chart's schema. Problems in
 * the values are returned as issues; an unreadable file, a YAML syntax error
 * or an unknown chart throw a HomelabError (bad input).
 */
export async function validateValuesFiles(options: ValidateValuesFilesOptions): Promise<ValuesFilesResult> {
  if (options.files.length === 0) throw new UsageError("no values file given", "homelab values validate --chart NAME[@VERSION] FILE...");
  const entry = findChart(options.chart, options.charts);
  const schema = await entry.load();
  const cwd = options.cwd ?? process.cwd();
  const issues: ValuesFileIssue[] = [];
  for (const file of options.files) {
    let text: string;
    try {
      text = await readFile(path.resolve(cwd, file), "utf8");
    } catch (error) {
      throw new HomelabError(ErrorCode.Io, `cannot read values file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`, {
        position: { file },
        cause: error,
      });
    }
    issues.push(...validateValuesSource(schema, YamlSource.parse(text, file)));
  }
  return { chart: schema.chart, source: schema.source, files: [...options.files], issues };
}

/** Validates every non-empty document of a parsed values file, with positions. */
export function validateValuesSource(schema: ValuesSchema, source: YamlSource): ValuesFileIssue[] {
  const issues: ValuesFileIssue[] = [];
  for (const doc of source.nonEmpty()) {
    for (const issue of validateValues(schema, doc.value)) {
      const at = source.locate(doc.index, issue.path);
      issues.push({ ...issue, file: source.file, document: doc.index, line: at.line, column: at.column, jsonPath: formatPath(issue.path) });
    }
  }
  return issues;
}
