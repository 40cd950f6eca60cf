import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { isBelow, realInsideSync } from "@homelab/layout";
import { isArgoApplication, isObj, readApplication, readChart, type Application, type ChartDependency, type Obj } from "@homelab/sources";
import { YamlSource, type JsonPath } from "@homelab/yaml";

export { isObj, type Obj };
export const toPosix = (p: string): string => p.split(path.sep).join("/");

/** The chart the original deploys. */
export interface SourceChart {
  name: string;
  version: string;
  repository: string;
}

/** A plain (not templated) Kubernetes object of the original. */
export interface SourceManifest {
  /** Relative to the source repository root. */
  file: string;
  index: number;
  object: Obj;
}

/**
 * One values file (or inline values) that contributes to the merged values,
 * lowest precedence first. `mount` is where its `base` lands in the merged
 * values (a wrapper's `global` lands at `global`).
 */
export interface ValuesLayer {
  /** Relative to the source repository root. */
  file: string;
  source: YamlSource;
  index: number;
  base: JsonPath;
  mount: JsonPath;
}

export interface ImportSource {
  kind: "wrapper-chart" | "application";
  /** Absolute folder imported. */
  folder: string;
  /** The folder relative to the source repository root. */
  display: string;
  sourceRoot: string;
  chart: SourceChart;
  /** Wrapper charts: the key (alias or name) the dependency's values sit under. */
  key?: string;
  releaseName?: string;
  namespace?: string;
  /** What the chart receives in the original, merged. */
  values: Obj;
  layers: ValuesLayer[];
  manifests: SourceManifest[];
  /** Go-templated files, relative to the source repository root: kept aside, not converted. */
  templates: string[];
  /** What is not carried over, and why. */
  notes: string[];
}

export interface ReadSourceOptions {
  folder: string;
  sourceRoot: string;
  /** Wrapper charts with several dependencies: the one to import (name or alias). */
  dependency?: string;
}

/** Reads what a folder of a hand-written repo deploys: a wrapper chart, or a folder with one chart Application. */
export function readSource(options: ReadSourceOptions): ImportSource {
  const folder = path.resolve(options.folder);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new UsageError(`not a directory: ${options.folder}`);
  const rel = (abs: string): string => toPosix(path.relative(options.sourceRoot, abs)) || ".";
  const load = (abs: string): YamlSource => YamlSource.parse(readFileSync(abs, "utf8"), rel(abs));
  return existsSync(path.join(folder, "Chart.yaml")) ? readWrapper(folder, options, rel, load) : readApplicationFolder(folder, options, rel, load);
}

function readWrapper(folder: string, options: ReadSourceOptions, rel: (abs: string) => string, load: (abs: string) => YamlSource): ImportSource {
  const chartFile = path.join(folder, "Chart.yaml");
  const chartSource = load(chartFile);
  const chart = readChart(chartSource.documents[0]?.value);
  if (!chart) {
    throw new HomelabError(ErrorCode.ChartInvalid, "Chart.yaml needs a name", { position: { file: rel(chartFile), line: 1 } });
  }
  const deps = chart.dependencies;
  if (deps.length === 0) {
    throw new HomelabError(
      ErrorCode.ChartInvalid,
      "a chart without dependencies is not a wrapper chart: its templates are the app, and homelab import converts only wrapper charts and Applications",
      {
        position: { file: rel(chartFile), line: 1 },
        hint: "render it with `helm template` and import the objects as manifests of a component by hand",
      },
    );
  }
  const keyOf = (d: ChartDependency): string => d.key ?? "";
  let dep = deps[0]!;
  if (deps.length > 1) {
    const wanted = options.dependency;
    const found = wanted ? deps.find((d) => d.name === wanted || d.alias === wanted) : undefined;
    if (!found) {
      throw new UsageError(
        `${rel(chartFile)} has ${deps.length} dependencies (${deps.map(keyOf).join(", ")}); a component deploys one chart`,
        "say which with --dependency NAME, and import the others as components of their own",
      );
    }
    dep = found;
  }
  const { name, version, repository } = dep;
  if (!name || !version || !repository) {
    throw new HomelabError(ErrorCode.ChartInvalid, "the dependency needs name, version and repository", {
      position: { file: rel(chartFile), ...chartSource.locate(0, ["dependencies", dep.index]) },
    });
  }
  const key = keyOf(dep);
  const notes: string[] = [];
  for (const other of deps)
    if (other !== dep) notes.push(`dependency \`${keyOf(other)}\` of ${rel(chartFile)} is not part of this component: import it separately`);

  const values: Obj = {};
  const layers: ValuesLayer[] = [];
  const valuesFile = path.join(folder, "values.yaml");
  if (existsSync(valuesFile)) {
    const source = load(valuesFile);
    const doc = source.nonEmpty()[0];
    if (doc && !isObj(doc.value))
      throw new HomelabError(ErrorCode.Syntax, "values.yaml must be a mapping", { position: { file: source.file, line: doc.line } });
    const top = (doc?.value ?? {}) as Obj;
    const block = top[key];
    if (block !== undefined && block !== null && !isObj(block)) {
      throw new HomelabError(ErrorCode.Syntax, `\`${key}\` must be a mapping of the chart's values`, {
        position: { file: source.file, ...source.locate(doc!.index, [key]) },
      });
    }
    Object.assign(values, structuredClone(block ?? {}));
    if (doc) layers.push({ file: source.file, source, index: doc.index, base: [key], mount: [] });
    // Helm hands the parent's `global` to every subchart, where it wins over the subchart's own.
    if (isObj(top.global)) {
      values.global = deepMerge(isObj(values.global) ? values.global : {}, top.global);
      layers.push({ file: source.file, source, index: doc!.index, base: ["global"], mount: ["global"] });
    }
    for (const k of Object.keys(top)) {
      if (k !== key && k !== "global" && !deps.some((d) => keyOf(d) === k)) {
        notes.push(`${source.file}: top-level \`${k}\` feeds the wrapper's own templates, not the chart: not carried over`);
      }
    }
  }

  const manifests: SourceManifest[] = [];
  const templates: string[] = [];
  const templatesDir = path.join(folder, "templates");
  if (existsSync(templatesDir)) {
    for (const abs of walk(templatesDir)) {
      const text = readFileSync(abs, "utf8");
      if (!/\.ya?ml$/.test(abs) || text.includes("{{")) {
        // Helm renders every file of templates/: any action makes it a Go template; helpers (.tpl) and NOTES.txt go with them.
        templates.push(rel(abs));
        continue;
      }
      manifests.push(...objectsOf(load(abs), notes));
    }
  }
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (["Chart.yaml", "Chart.lock", "values.yaml", "templates", "charts", ".helmignore", "README.md"].includes(entry.name)) continue;
    notes.push(`${rel(path.join(folder, entry.name))}${entry.isDirectory() ? "/" : ""}: not part of the chart's install, not imported`);
  }
  return {
    kind: "wrapper-chart",
    folder,
    display: rel(folder),
    sourceRoot: options.sourceRoot,
    chart: { name, version, repository },
    key,
    values,
    layers,
    manifests,
    templates,
    notes,
  };
}

function readApplicationFolder(folder: string, options: ReadSourceOptions, rel: (abs: string) => string, load: (abs: string) => YamlSource): ImportSource {
  const sources = walk(folder)
    .filter((f) => /\.ya?ml$/.test(f))
    .map((abs) => ({ abs, text: readFileSync(abs, "utf8") }));
  const notes: string[] = [];
  const templates: string[] = [];
  const parsed: YamlSource[] = [];
  for (const { abs, text } of sources) {
    // An Application's own `{{ }}` (ApplicationSet templates) would be text in strings; a file that does not parse with them is a template.
    if (text.includes("{{")) {
      try {
        parsed.push(load(abs));
      } catch {
        templates.push(rel(abs));
      }
      continue;
    }
    parsed.push(load(abs));
  }
  const apps: { source: YamlSource; index: number; app: Application }[] = [];
  for (const source of parsed) {
    for (const doc of source.nonEmpty()) {
      if (isObj(doc.value) && isArgoApplication(doc.value) && doc.value.kind === "Application")
        apps.push({ source, index: doc.index, app: readApplication(doc.value) });
    }
  }
  const withChart = apps.filter(({ app }) => app.sources.some((s) => s.chart));
  if (withChart.length !== 1) {
    throw new UsageError(
      withChart.length === 0
        ? `${rel(folder)} holds no Chart.yaml and no ArgoCD Application of a Helm chart`
        : `${rel(folder)} holds ${withChart.length} Applications of Helm charts (${withChart.map((a) => `${a.source.file}`).join(", ")}); import one folder per Application`,
      "point homelab import at a wrapper chart folder or at a folder with one Application and its values files",
    );
  }
  const { source: appSource, index: appIndex, app } = withChart[0]!;
  const chartSource = app.sources.find((s) => s.chart)!;
  const chartPath = chartSource.at;
  const name = chartSource.chart!;
  const version = chartSource.targetRevision;
  const repository = chartSource.repoURL;
  if (!version || !repository) {
    throw new HomelabError(ErrorCode.Config, "the chart source needs repoURL and targetRevision", {
      position: { file: appSource.file, ...appSource.locate(appIndex, chartPath) },
    });
  }
  const { helm } = chartSource;
  const at = (p: JsonPath) => ({ file: appSource.file, ...appSource.locate(appIndex, p) });
  // A path the Application names is resolved inside the source repository before anything is looked at.
  const inside = (relative: string, where: JsonPath, what: string): string => {
    const abs = path.resolve(options.sourceRoot, relative);
    if (!isBelow(path.resolve(options.sourceRoot), abs)) {
      throw new HomelabError(ErrorCode.PathOutside, `${what} ${JSON.stringify(relative)} leaves the source repository`, { position: at(where) });
    }
    return realInsideSync(options.sourceRoot, abs, what);
  };
  const values: Obj = {};
  const layers: ValuesLayer[] = [];
  for (const skipped of app.skipped) notes.push(`${appSource.file}: ${skipped.why}: not carried over`);
  for (const { entry, index, target } of helm.valueFiles) {
    const where = [...chartPath, "helm", "valueFiles", index];
    if (target.kind !== "repository") {
      // A plain path is inside the chart itself (from the chart repository), which is not here.
      notes.push(`${appSource.file}: value file ${JSON.stringify(entry)} is not a \`$ref/\` path into this repository: not carried over`);
      continue;
    }
    const abs = inside(target.path, where, "value file");
    if (!existsSync(abs)) {
      throw new HomelabError(ErrorCode.Io, `value file ${target.path} does not exist`, { position: at(where) });
    }
    const source = load(abs);
    const doc = source.nonEmpty()[0];
    if (!doc) continue;
    if (!isObj(doc.value)) throw new HomelabError(ErrorCode.Syntax, "a values file must be a mapping", { position: { file: source.file, line: doc.line } });
    mergeInto(values, doc.value);
    layers.push({ file: source.file, source, index: doc.index, base: [], mount: [] });
  }
  // ArgoCD's precedence: valueFiles < values < valuesObject.
  if (helm.values !== null) {
    const inline = YamlSource.parse(helm.values, `${appSource.file} (helm.values)`);
    const doc = inline.nonEmpty()[0];
    if (doc && isObj(doc.value)) {
      mergeInto(values, doc.value);
      layers.push({ file: inline.file, source: inline, index: doc.index, base: [], mount: [] });
    }
  }
  if (helm.valuesObject) {
    mergeInto(values, helm.valuesObject);
    layers.push({ file: appSource.file, source: appSource, index: appIndex, base: [...chartPath, "helm", "valuesObject"], mount: [] });
  }
  if (helm.parameters > 0) {
    notes.push(`${appSource.file}: helm.parameters (--set) are not carried over: move them into the values`);
  }

  // Objects beside the Application, and those of a directory source into this repository.
  const manifests: SourceManifest[] = [];
  const seen = new Set<string>();
  const take = (source: YamlSource): void => {
    if (seen.has(source.file)) return;
    seen.add(source.file);
    manifests.push(...objectsOf(source, notes).filter((m) => !(m.file === appSource.file && m.index === appIndex)));
  };
  for (const source of parsed) {
    if (layers.some((l) => l.file === source.file)) continue;
    take(source);
  }
  for (const s of app.sources) {
    if (!s.path || s.chart || s.ref) continue;
    const dir = inside(s.path, [...s.at, "path"], "source path");
    if (!existsSync(dir)) continue;
    for (const abs of walk(dir).filter((f) => /\.ya?ml$/.test(f))) {
      const text = readFileSync(abs, "utf8");
      if (text.includes("{{") && !parsesAsYaml(text)) templates.push(rel(abs));
      else if (!seen.has(rel(abs))) take(load(abs));
    }
  }
  return {
    kind: "application",
    folder,
    display: rel(folder),
    sourceRoot: options.sourceRoot,
    chart: { name, version, repository },
    ...(helm.releaseName ? { releaseName: helm.releaseName } : {}),
    ...(app.namespace ? { namespace: app.namespace } : {}),
    values,
    layers,
    manifests,
    templates,
    notes,
  };
}

function parsesAsYaml(text: string): boolean {
  try {
    YamlSource.parse(text, "x");
    return true;
  } catch {
    return false;
  }
}

function objectsOf(source: YamlSource, notes: string[]): SourceManifest[] {
  const out: SourceManifest[] = [];
  for (const doc of source.nonEmpty()) {
    const v = doc.value;
    if (isObj(v) && typeof v.apiVersion === "string" && typeof v.kind === "string") {
      const metadata = isObj(v.metadata) ? v.metadata : {};
      if (typeof metadata.name !== "string") {
        notes.push(`${source.file}:${doc.line}: ${v.kind} without metadata.name (generateName) cannot be a typed manifest: not carried over`);
        continue;
      }
      out.push({ file: source.file, index: doc.index, object: v });
    } else if (isObj(v) || Array.isArray(v)) {
      notes.push(`${source.file}:${doc.line}: not a Kubernetes object: not imported`);
    }
  }
  return out;
}

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(abs));
    else if (entry.isFile()) out.push(abs);
  }
  return out;
}

/** Helm's coalescing of values: maps merge key by key, anything else (lists too) replaces. */
export function deepMerge(base: Obj, over: Obj): Obj {
  const out: Obj = structuredClone(base);
  mergeInto(out, over);
  return out;
}

function mergeInto(target: Obj, over: Obj): void {
  for (const [k, v] of Object.entries(over)) {
    const current = target[k];
    if (isObj(current) && isObj(v)) mergeInto(current, v);
    else target[k] = structuredClone(v);
  }
}

/** The layer that sets `valuesPath` last (the one the user edits), with the position of the key. */
export function locateValue(layers: readonly ValuesLayer[], valuesPath: JsonPath): { file: string; line: number; column: number } | undefined {
  for (const layer of [...layers].reverse()) {
    if (!layer.mount.every((m, i) => valuesPath[i] === m)) continue;
    const docPath = [...layer.base, ...valuesPath.slice(layer.mount.length)];
    let value: unknown = layer.source.documents[layer.index]?.value;
    let found = true;
    for (const k of docPath) {
      if (isObj(value) && k in value) value = value[String(k)];
      else if (Array.isArray(value) && typeof k === "number" && k < value.length) value = value[k];
      else {
        found = false;
        break;
      }
    }
    if (found) return { file: layer.file, ...layer.source.locate(layer.index, docPath) };
  }
  return undefined;
}
