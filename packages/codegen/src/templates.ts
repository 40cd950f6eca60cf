import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { parse as parseYaml } from "yaml";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { BUILD_COMMAND, analyserPath, buildAnalyser } from "./analyser-build.js";
import type { LoadedChart } from "./load.js";
import { isRecord } from "./schema-util.js";

/** A values path the templates read ("*": any key or list index, bound by range/index). */
export interface TemplateRead {
  path: string[];
  /** file:line of one read, relative to the chart (charts/<sub>/templates/... for subcharts). */
  at: string;
}

/** A subtree the templates consume whole: every key under it reaches the output or is iterated. */
export interface OpenSubtree {
  path: string[];
  /** printed | toYaml | tpl | range | index | dig | hasKey | keys | values */
  why: string;
  at: string;
  /** At the analyser's limit of "*" levels, where recursion is folded: its depth is unknown. */
  folded?: boolean;
}

export interface AnalysedChart {
  /** Values path of the chart: [] for the root, [alias] for a subchart. */
  path: string[];
  name: string;
  version: string;
  templates: number;
  /** No templates: a placeholder dependency whose values are unknown. */
  stub: boolean;
}

/** What tplreads (packages/codegen/go) found in a chart and its subcharts; paths are from the root chart's values. */
export interface ReadSet {
  helm: string;
  reads: TemplateRead[];
  open: OpenSubtree[];
  charts: AnalysedChart[];
  defines: number;
  calls: number;
  /** Named-template calls not followed (nesting deeper than the analyser's limit). */
  truncated: number;
}

interface ChartTree {
  name: string;
  version: string;
  templates: Record<string, string>;
  tplStrings: { path: string[]; text: string }[];
  dependencies: { name: string; alias?: string; condition?: string; tags?: string[] }[];
  subcharts: Record<string, ChartTree>;
}

function toTree(chart: LoadedChart): ChartTree {
  const subcharts: Record<string, ChartTree> = {};
  for (const [key, sub] of Object.entries(chart.subcharts)) subcharts[key] = toTree(sub);
  let defaults: unknown;
  try {
    defaults = parseYaml(chart.valuesText, { maxAliasCount: 1000 });
  } catch {
    defaults = undefined; // inference reports a malformed values.yaml with its position
  }
  return {
    name: chart.meta.name,
    version: chart.meta.version,
    templates: chart.templates,
    tplStrings: templateStrings(defaults),
    dependencies: chart.meta.dependencies,
    subcharts,
  };
}

/** Strings in the defaults that hold template actions: charts render such values with `tpl`, so what they read is read. */
function templateStrings(value: unknown, path: string[] = [], out: { path: string[]; text: string }[] = []): { path: string[]; text: string }[] {
  if (typeof value === "string" && value.includes("{{")) out.push({ path, text: value });
  else if (Array.isArray(value)) value.forEach((v, i) => templateStrings(v, [...path, String(i)], out));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) templateStrings(v, [...path, k], out);
  return out;
}

const TIMEOUT_MS = 60_000;

let ready: Promise<unknown> | undefined;

/** Builds the analyser on first use when it is missing or stale (incremental: a hash of go/ and `go version`). */
async function ensureAnalyser(): Promise<void> {
  ready ??= buildAnalyser({ log: (line) => process.stderr.write(`${line}\n`) }).catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  await ready;
  if (!existsSync(analyserPath)) {
    throw new HomelabError(ErrorCode.MissingArtifact, "the chart template analyser is not built (packages/codegen/build/tplreads)", {
      hint: `run \`${BUILD_COMMAND}\``,
    });
  }
}

/**
 * Runs the template analyser on a loaded chart (and the subcharts it carries).
 */
export async function analyseTemplates(chart: LoadedChart): Promise<ReadSet> {
  await ensureAnalyser();
  const input = JSON.stringify(toTree(chart));
  const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve, reject) => {
    const child = execFile(analyserPath, [], { maxBuffer: 256 * 1024 * 1024, timeout: TIMEOUT_MS, killSignal: "SIGKILL" }, (error, out) => {
      if (error && (error as NodeJS.ErrnoException & { killed?: boolean }).killed) {
        reject(
          new HomelabError(ErrorCode.MissingArtifact, `template analysis of ${chart.meta.name} took over ${TIMEOUT_MS / 1000} s`, {
            position: { file: chart.origin },
          }),
        );
        return;
      }
      resolve({ stdout: out, code: error ? ((error as { code?: number }).code ?? 1) : 0 });
    });
    child.stdin?.end(input);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch {
    throw new HomelabError(ErrorCode.MissingArtifact, `template analyser gave no result for ${chart.meta.name} (exit ${code})`, {
      position: { file: chart.origin },
    });
  }
  if (isRecord(parsed) && isRecord(parsed.error)) {
    const e = parsed.error as { file?: string; line?: number; message?: string };
    throw new HomelabError(ErrorCode.ChartInvalid, `template does not parse: ${e.message ?? "unknown error"}`, {
      position: { file: e.file ? path.join(chart.origin, e.file) : chart.origin, ...(e.line ? { line: e.line } : {}) },
    });
  }
  return parsed as ReadSet;
}
