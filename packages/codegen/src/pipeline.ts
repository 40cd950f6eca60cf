import { ErrorCode, HomelabError } from "@homelab/errors";
import {
  DRAFT_URIS,
  normaliseDraft,
  standaloneValidatorModule,
  type GeneratedSchemaMeta,
  type SchemaDraft,
  type UnknownSubchart,
  type ValuesSchema,
} from "@homelab/values";
import { emitValuesInterface } from "./emit-types.js";
import { inferSchema, type Inferred } from "./infer.js";
import type { LoadedChart } from "./load.js";
import { applyPatches, type SchemaPatchFile } from "./patch.js";
import { isRecord, type Schema } from "./schema-util.js";
import { closedPaths, mergeReadSet, propertyPaths, type OpenedSubtree } from "./readset.js";
import { completeSchema, isStub, parseJson, resolveSchema, type FetchSchema } from "./shipped.js";
import { analyseTemplates, type ReadSet } from "./templates.js";

/** The intermediate representation every stage after "load" works on. */
export interface ChartIR {
  chart: ValuesSchema["chart"];
  draft: SchemaDraft;
  source: ValuesSchema["source"];
  /** The merged-values schema: self-contained, closed where the chart's keys are known. */
  schema: Schema;
  /** Parsed values.yaml. */
  defaults: Record<string, unknown>;
  /** What Helm starts from: values.yaml with each carried subchart's own defaults under its key (the parent's win). */
  chartDefaults: Record<string, unknown>;
  /** Known gaps and decisions worth reading (README table). */
  notes: string[];
  /** Where the keys of the schema come from, and what is open and why (README table). */
  keys: KeyStats;
  /** The template analysis, when the chart carries templates. */
  readSet?: ReadSet;
  /** Dependencies whose templates are not here (stubs, not carried), open while enabled. */
  unknownSubcharts: UnknownSubchart[];
}

/** Keys of the generated schema (property paths outside lists) by where they come from. */
export interface KeyStats {
  schema: number;
  values: number;
  comments: number;
  templates: number;
  patches: number;
  /** Objects the templates read key by key that were open before (typos there are errors now). */
  closed: number;
  /** Subtrees open because the templates pass them through, or because nothing here can know their keys. */
  open: OpenedSubtree[];
}

/** Key origins gathered while building, by joined path. */
interface Origins {
  schema: Set<string>;
  values: Set<string>;
  comments: Set<string>;
  upstreamClosed: Set<string>;
}

export interface BuildOptions {
  repository: string;
  /** Refine the schema with the chart's template read-set (default true; subcharts are analysed with their parent). */
  analyse?: boolean;
  patch?: { file: SchemaPatchFile; name: string };
  fetchSchema?: FetchSchema;
}

const KEY = (p: readonly (string | number)[]) => p.join("\0");

/** Stages "infer"/"resolve" + "complete" + "read-set" + "patch": from loaded chart files to the IR. */
export async function buildIR(chart: LoadedChart, options: BuildOptions): Promise<ChartIR> {
  const built = await buildSchema(chart, options);
  const { notes, origins } = built;
  let { schema } = built;
  const open: OpenedSubtree[] = [];
  let added = new Set<string>();
  let closed = 0;
  let readSet: ReadSet | undefined;
  if (options.analyse !== false && hasTemplates(chart)) {
    readSet = await analyseTemplates(chart);
    const forceOpen = unknownSubcharts(chart);
    const merged = mergeReadSet(schema, readSet, { upstreamClosed: origins.upstreamClosed, forceOpen });
    schema = merged.schema;
    added = new Set(merged.added.map(KEY));
    closed = merged.closed.length;
    open.push(...merged.opened);
    notes.push(
      `templates: ${readSet.reads.length} values paths read, ${merged.added.length} keys only the templates know, ${merged.closed.length} objects closed, ${merged.opened.length} subtrees open`,
    );
    if (readSet.truncated > 0) notes.push(`templates: ${readSet.truncated} named-template calls nested too deep to follow`);
  } else if (options.analyse !== false) {
    notes.push("no templates in the chart: schema not refined by a template read-set");
  }
  const beforePatch = new Set(propertyPaths(schema).map(KEY));
  if (options.patch) {
    schema = applyPatches(schema, options.patch.file, options.patch.name);
    notes.push(`${options.patch.file.patches.length} component patch(es)`);
  }
  const keys: KeyStats = { schema: 0, values: 0, comments: 0, templates: 0, patches: 0, closed, open };
  const sets = [
    ["schema", origins.schema],
    ["values", origins.values],
    ["comments", origins.comments],
    ["templates", added],
  ] as const;
  for (const p of propertyPaths(schema)) {
    if (!beforePatch.has(KEY(p))) {
      keys.patches++;
      continue;
    }
    // The key's own origin, else its nearest ancestor's (the nested keys of a commented-out example, of an added key).
    let kind: (typeof sets)[number][0] = "values";
    for (let n = p.length; n > 0; n--) {
      const k = KEY(p.slice(0, n));
      const hit = sets.find(([, set]) => set.has(k));
      if (hit) {
        kind = hit[0];
        break;
      }
    }
    keys[kind]++;
  }
  return {
    chart: { name: chart.meta.name, version: chart.meta.version, repository: options.repository },
    draft: built.draft,
    source: built.source,
    schema,
    defaults: built.defaults,
    chartDefaults: built.chartDefaults,
    notes,
    keys,
    ...(readSet ? { readSet } : {}),
    unknownSubcharts: unknownDependencies(chart),
  };
}

/**
 * The dependencies whose templates nothing here knows (as {@link unknownSubcharts}), with the
 * condition that switches each. A subchart's own dependency also hangs on its parent being
 * enabled, which one condition cannot say: it is taken as always enabled (global stays open).
 */
function unknownDependencies(chart: LoadedChart, prefix: string[] = []): UnknownSubchart[] {
  const out: UnknownSubchart[] = [];
  for (const dep of chart.meta.dependencies) {
    const key = dep.alias ?? dep.name;
    const sub = chart.subcharts[key];
    const conditions =
      prefix.length === 0
        ? (dep.condition ?? "")
            .split(",")
            .map((c) => c.trim())
            .filter((c) => c !== "")
            .map((c) => c.split("."))
        : [];
    if (!sub || isStubChart(sub)) out.push({ path: [...prefix, key], chart: dep.name, conditions });
    else out.push(...unknownDependencies(sub, [...prefix, key]));
  }
  return out;
}

function hasTemplates(chart: LoadedChart): boolean {
  return Object.keys(chart.templates).length > 0 || Object.values(chart.subcharts).some(hasTemplates);
}

/** A stub subchart has no templates (a placeholder for a disabled OCI dependency): its values are unknown. */
function isStubChart(chart: LoadedChart): boolean {
  return Object.keys(chart.templates).length === 0;
}

/**
 * Subcharts whose keys nothing here can know (not carried by the package, or
 * a stub), at any depth; and `global` beside them, since Helm passes it down
 * and their real templates may read any of it.
 */
function unknownSubcharts(chart: LoadedChart, prefix: string[] = []): OpenedSubtree[] {
  const out: OpenedSubtree[] = [];
  for (const dep of chart.meta.dependencies) {
    const key = dep.alias ?? dep.name;
    const sub = chart.subcharts[key];
    if (!sub) out.push({ path: [...prefix, key], why: `subchart ${dep.name} not carried by the chart package` });
    else if (isStubChart(sub)) out.push({ path: [...prefix, key], why: `subchart ${dep.name} is a stub (no templates)` });
    else out.push(...unknownSubcharts(sub, [...prefix, key]));
  }
  if (prefix.length === 0 && out.length > 0)
    out.push({ path: ["global"], why: `passed to ${out.map((o) => o.path.join(".")).join(", ")}, whose templates are not here` });
  return out;
}

interface BuiltSchema {
  schema: Schema;
  draft: SchemaDraft;
  source: ValuesSchema["source"];
  defaults: Record<string, unknown>;
  chartDefaults: Record<string, unknown>;
  notes: string[];
  origins: Origins;
}

/** The schema from values.yaml, its comments, the shipped schema and the subcharts' own (no templates yet). */
async function buildSchema(chart: LoadedChart, options: BuildOptions): Promise<BuiltSchema> {
  const notes: string[] = [];
  const origins: Origins = { schema: new Set(), values: new Set(), comments: new Set(), upstreamClosed: new Set() };
  const subchartKeys = chart.meta.dependencies.map((d) => d.alias ?? d.name);
  const subchartSchemas: Record<string, Schema> = {};
  const subchartDefaults: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(chart.subcharts)) {
    if (isStubChart(sub) && Object.keys(sub.subcharts).length === 0) continue; // a stub's empty values.yaml says nothing
    const built = await buildSchema(sub, { repository: options.repository, ...(options.fetchSchema ? { fetchSchema: options.fetchSchema } : {}) });
    subchartSchemas[key] = built.schema;
    subchartDefaults[key] = built.chartDefaults;
    for (const kind of ["schema", "values", "comments", "upstreamClosed"] as const) {
      for (const k of built.origins[kind]) origins[kind].add(k === "" ? key : `${key}\0${k}`);
    }
  }
  for (const key of subchartKeys) {
    const sub = chart.subcharts[key];
    if (!sub) notes.push(`subchart values \`${key}\` not bundled: open`);
    else if (isStubChart(sub)) notes.push(`subchart values \`${key}\` are a stub's (no templates): open`);
  }
  const inferred: Inferred = inferSchema(chart.valuesText, { file: chart.valuesFile, subchartKeys, subchartSchemas });
  if (inferred.commented.length > 0) notes.push(`${inferred.commented.length} commented-out options accepted`);
  for (const p of objectPaths(inferred.defaults)) origins.values.add(KEY(p));
  for (const p of inferred.commented) origins.comments.add(KEY(p));

  let draft: SchemaDraft = "draft-07";
  let source: ValuesSchema["source"] = "inferred";
  let schema: Schema = inferred.schema;
  if (chart.schemaText !== undefined) {
    const shipped = parseJson(chart.schemaText, chart.schemaFile);
    if (!isRecord(shipped))
      throw new HomelabError(ErrorCode.SchemaInvalid, "values.schema.json must be a JSON object", { position: { file: chart.schemaFile, line: 1, column: 1 } });
    draft = normaliseDraft(shipped.$schema, chart.schemaFile);
    const resolved = await resolveSchema(shipped, {
      baseUrl: chart.schemaUrl,
      draft,
      file: chart.schemaFile,
      ...(options.fetchSchema ? { fetchSchema: options.fetchSchema } : {}),
    });
    notes.push(...resolved.notes);
    if (isStub(resolved.schema, inferred.defaults)) {
      notes.push("shipped schema is a stub: inferred from values.yaml, stub merged in");
    } else {
      source = "shipped";
      for (const k of closedPaths(resolved.schema)) origins.upstreamClosed.add(k);
    }
    for (const p of propertyPaths(resolved.schema)) origins.schema.add(KEY(p));
    schema = completeSchema(resolved.schema, inferred.schema);
  }
  const chartDefaults = coalesce(subchartDefaults, inferred.defaults) as Record<string, unknown>;
  return { schema, draft, source, defaults: inferred.defaults, chartDefaults, notes, origins };
}

/** Helm's coalescing of defaults: maps merge key by key, anything else from `over` wins. */
function coalesce(base: unknown, over: unknown): unknown {
  if (!isRecord(base) || !isRecord(over)) return over === undefined ? base : over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = coalesce(base[k], v);
  return out;
}

/** Key paths of a defaults object, outside lists. */
function objectPaths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    out.push([...prefix, k]);
    objectPaths(v, [...prefix, k], out);
  }
  return out;
}

export const GENERATOR = "@homelab/codegen";

/** Stage "emit": the files of a component's generated/ folder, by file name. */
export function emitFiles(ir: ChartIR): Record<string, string> {
  const what = `chart ${ir.chart.name} ${ir.chart.version} (${ir.chart.repository})`;
  const banner = `// Generated by ${GENERATOR} from ${what}. Do not edit: run the component's codegen target.\n`;
  const schemaJson = `${JSON.stringify({ $comment: `Generated by ${GENERATOR} from ${what}. Do not edit.`, $schema: DRAFT_URIS[ir.draft], ...ir.schema }, null, 2)}\n`;
  const types = `${banner}// Override type: every key optional (Helm merges over the defaults), null deletes a default.\n\n${emitValuesInterface(ir.schema, ir.defaults)}`;
  const index = `${banner}import { generatedValuesSchema, type ValuesSchema } from "@homelab/values";

export type { Values } from "./types.js";

export const chart = { name: ${JSON.stringify(ir.chart.name)}, version: ${JSON.stringify(ir.chart.version)}, repository: ${JSON.stringify(ir.chart.repository)} } as const;

/** Schema ${ir.source === "shipped" ? "shipped with the chart" : "inferred from the chart's values.yaml"}, read from this folder: meta.json now, schema.json, defaults.json and validate.cjs on first use. */
export const valuesSchema: ValuesSchema = generatedValuesSchema(new URL("./", import.meta.url));
`;
  // What generatedValuesSchema (@homelab/values) reads first, for this index.ts and the chart registry alike: no TypeScript to load.
  const meta: GeneratedSchemaMeta = {
    chart: { name: ir.chart.name, version: ir.chart.version, repository: ir.chart.repository },
    draft: ir.draft,
    source: ir.source,
    // Subcharts whose templates are not here: open while enabled; disabled, their undocumented keys and unread globals have no effect.
    ...(ir.unknownSubcharts.length > 0 ? { unknownSubcharts: ir.unknownSubcharts } : {}),
  };
  const metaJson = `${JSON.stringify({ $comment: `Generated by ${GENERATOR} from ${what}: what the values schema of this folder is of. Do not edit.`, ...meta }, null, 2)}\n`;
  // The schema as @homelab/values reads it from schema.json, so the precompiled validator is of exactly those bytes.
  const validator = standaloneValidatorModule(
    { chart: ir.chart, draft: ir.draft, source: ir.source, schema: JSON.parse(schemaJson) as Record<string, unknown> },
    `// Generated by ${GENERATOR} from ${what}: ajv's standalone code of the override schema of schema.json. Do not edit: run the component's codegen target.\n`,
  );
  const defaultsJson = `${JSON.stringify({ $comment: `Generated by ${GENERATOR} from ${what}: the chart's defaults (values.yaml, subcharts' under their key). Do not edit.`, values: ir.chartDefaults }, null, 2)}\n`;
  return { "index.ts": index, "types.ts": types, "meta.json": metaJson, "schema.json": schemaJson, "defaults.json": defaultsJson, "validate.cjs": validator };
}
