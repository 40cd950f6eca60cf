import { existsSync } from "node:fs";
import { join } from "node:path";
import { isBelow } from "@homelab/layout";
import type { InputChart, InputValues } from "@homelab/policy";
import { readChart, type DeclaredApplication, type HelmChart } from "@homelab/sources";
import { YamlSource, type JsonPath } from "@homelab/yaml";
import { loadExtra, relativeTo, type LoadedFile, type Tree } from "../load.js";
import { isObj, layerOfPath, type FolderOwner, type Place, type ValuesFileRead } from "./types.js";

/** An Application of the tree with where it is declared and the component it belongs to. */
export interface PlacedApplication {
  declared: DeclaredApplication;
  file: string;
  index: number;
  component: string;
}

/** The component of an Application: its label, else its set's, else its name, else its set's name, else its file. */
export function applicationComponent(declared: DeclaredApplication, file: string): string {
  const { application: app, set } = declared;
  return app.component ?? set?.component ?? app.name ?? set?.name ?? file;
}

/** The Application whose sources a chart or folder belongs to, as the chart facts name it. */
export interface AppContext {
  component: string;
  instance: string | null;
  layerOrder: number | null;
  syncOptions: string[];
  syncOptionsPath: JsonPath | null;
}

/** One thing an Application's sources lead to, in the order the model lists them. */
export type SourceStep =
  | { kind: "chart"; chart: InputChart }
  | { kind: "values-file"; read: ValuesFileRead }
  | { kind: "inline-values"; values: InputValues }
  /** A repository folder: a local or wrapper chart when it holds a Chart.yaml, else plain manifests of `owner`. */
  | { kind: "folder"; folderAbs: string; valueFiles: string[]; app: AppContext; owner: FolderOwner };

const firstLayer = (paths: string[], place: Place): number | null => {
  for (const p of paths) {
    const l = layerOfPath(p, place.layers);
    if (l !== null) return l;
  }
  return null;
};

/**
 * What one Application's sources lead to (pure): the charts it installs, the
 * values each receives (value files to read, inline values), and the
 * repository folders it syncs. `recordLayer` is the layer its component's
 * render record says, which wins over folder names.
 */
export function resolveSources(placed: PlacedApplication, recordLayer: number | null, place: Place): SourceStep[] {
  const { declared, file, index, component } = placed;
  const { application: app, at, origin } = declared;
  const { instance, syncOptions } = app;
  const syncOptionsPath = at(["spec", "syncPolicy", "syncOptions"]);
  const steps: SourceStep[] = [];
  for (const source of app.sources) {
    const { valueFiles } = source.helm;
    const layerOrder =
      recordLayer ??
      firstLayer(
        [
          ...valueFiles.map((v) => v.target.path),
          ...(source.path ? [source.path] : []),
          ...app.sources.map((s) => s.path ?? "").filter(Boolean),
          place.repoRel(file),
        ],
        place,
      );
    if (source.chart) {
      const version = source.targetRevision ?? "";
      const versionPath = [...source.at, "targetRevision"];
      steps.push({
        kind: "chart",
        chart: {
          file,
          index,
          path: origin(versionPath) ?? at(versionPath),
          chart: source.chart,
          repoURL: source.repoURL,
          version,
          component,
          layerOrder,
          syncOptions,
          syncOptionsPath,
        },
      });
      const chart = { name: source.chart, version, repoURL: source.repoURL };
      // `$values/<path>` is from the root of the ref'd repository: this repository. A plain entry is inside the remote chart.
      for (const v of valueFiles) {
        if (v.target.kind === "repository")
          steps.push({ kind: "values-file", read: { abs: join(place.root, v.target.path), chart, component, instance, nested: [] } });
      }
      if (source.helm.valuesObject) {
        steps.push({
          kind: "inline-values",
          values: { file, index, path: at([...source.at, "helm", "valuesObject"]), component, instance, chart, values: source.helm.valuesObject },
        });
      } else if (source.helm.values !== null) {
        const parsed = YamlSource.parse(source.helm.values, file).documents[0]?.value;
        if (isObj(parsed))
          steps.push({
            kind: "inline-values",
            values: { file, index, path: at([...source.at, "helm", "values"]), component, instance, chart, values: parsed },
          });
      }
    } else if (source.path && !source.ref) {
      const sourcePath = source.path;
      steps.push({
        kind: "folder",
        folderAbs: join(place.root, sourcePath),
        valueFiles: valueFiles.flatMap((v) =>
          v.target.kind === "repository" ? [join(place.root, v.target.path)] : v.target.kind === "chart" ? [join(place.root, sourcePath, v.target.path)] : [],
        ),
        app: { component, instance, layerOrder, syncOptions, syncOptionsPath },
        owner: { prefix: sourcePath.replace(/\/+$/, ""), component, instance, layerOrder },
      });
    }
  }
  return steps;
}

/** What the sources stage adds to the policy input, in the order found. */
export interface SourceFacts {
  charts: InputChart[];
  values: InputValues[];
  owners: FolderOwner[];
  /** Chart.yaml files an Application links (checked-directory-relative). */
  linked: string[];
}

const noFacts = (): SourceFacts => ({ charts: [], values: [], owners: [], linked: [] });

/** Reads the values files and Chart.yaml files the steps name, through the tree's contained loader, in step order. */
export function loadSources(tree: Tree, place: Place, steps: readonly SourceStep[]): SourceFacts {
  const out = noFacts();
  for (const step of steps) {
    if (step.kind === "chart") out.charts.push(step.chart);
    else if (step.kind === "values-file") out.values.push(...readValuesFile(tree, step.read));
    else if (step.kind === "inline-values") out.values.push(step.values);
    // A folder the Application names outside the repository is not probed: its files are not in the tree either.
    else if (isBelow(place.root, step.folderAbs) && existsSync(join(step.folderAbs, "Chart.yaml")))
      linkChartFolder(tree, place, step.folderAbs, step.valueFiles, step.app, out);
    else out.owners.push(step.owner);
  }
  return out;
}

/** The values of a values file (each document, or its part under `read.nested`), read through the tree's contained loader. */
export function readValuesFile(tree: Tree, read: ValuesFileRead): InputValues[] {
  const loaded = loadExtra(tree, read.abs);
  if (!loaded) return [];
  const out: InputValues[] = [];
  for (const doc of loaded.source.documents) {
    let value: unknown = doc.value;
    for (const key of read.nested) value = isObj(value) ? value[String(key)] : undefined;
    if (value === undefined || value === null) continue;
    out.push({
      file: loaded.file,
      index: doc.index,
      path: [...read.nested],
      component: read.component,
      instance: read.instance,
      chart: read.chart,
      values: value,
    });
  }
  return out;
}

/** Chart.yaml of a repository folder, read through the tree's loader. */
function chartAt(tree: Tree, folderAbs: string): { file: LoadedFile; chart: HelmChart } | undefined {
  const loaded = loadExtra(tree, join(folderAbs, "Chart.yaml"));
  const chart = loaded ? readChart(loaded.source.documents[0]?.value) : undefined;
  return loaded && chart ? { file: loaded, chart } : undefined;
}

/**
 * A chart folder: a local chart gets its values.yaml and the value files as
 * its own values; a wrapper chart's dependencies each get the part under
 * their key (alias or name), and each dependency is a chart reference.
 */
function linkChartFolder(tree: Tree, place: Place, folderAbs: string, valueFiles: string[], app: AppContext, out: SourceFacts): void {
  const found = chartAt(tree, folderAbs);
  if (!found) return;
  const { file, chart } = found;
  out.linked.push(file.file);
  const files = [join(folderAbs, "values.yaml"), ...valueFiles];
  const { component, instance } = app;
  if (chart.dependencies.length === 0) {
    for (const abs of files)
      out.values.push(...readValuesFile(tree, { abs, chart: { name: chart.name, version: chart.version, repoURL: null }, component, instance, nested: [] }));
    return;
  }
  for (const dep of chart.dependencies) {
    if (!dep.name) continue;
    const version = dep.version ?? "";
    for (const abs of files)
      out.values.push(...readValuesFile(tree, { abs, chart: { name: dep.name, version, repoURL: dep.repository }, component, instance, nested: [dep.key!] }));
    out.charts.push({
      file: file.file,
      index: 0,
      path: ["dependencies", dep.index, "version"],
      chart: dep.name,
      repoURL: dep.repository,
      version,
      component,
      layerOrder: app.layerOrder ?? layerOfPath(place.repoRel(file.file), place.layers),
      syncOptions: app.syncOptions,
      syncOptionsPath: app.syncOptionsPath,
    });
  }
}

/**
 * Wrapper charts no Application of the tree links (umbrella charts generate
 * theirs from templates), nor whose values.yaml is already read as values:
 * their values and dependencies, without sync options.
 */
export function unlinkedWrapperCharts(
  tree: Tree,
  place: Place,
  files: readonly LoadedFile[],
  seen: { linked: ReadonlySet<string>; valueFiles: ReadonlySet<string> },
): SourceFacts {
  const out = noFacts();
  const valueFiles = new Set(seen.valueFiles);
  for (const loaded of files) {
    if (!/(^|\/)Chart\.yaml$/.test(loaded.file) || /(^|\/)charts\//.test(loaded.file)) continue;
    if (seen.linked.has(loaded.file)) continue;
    const folder = join(tree.dir, loaded.file, "..");
    const found = chartAt(tree, folder);
    if (!found || found.chart.dependencies.length === 0) continue;
    if (valueFiles.has(relativeTo(tree, join(folder, "values.yaml")))) continue;
    const layerOrder = layerOfPath(place.repoRel(loaded.file), place.layers);
    const from = out.values.length;
    // Without an Application there are no sync options to check.
    linkChartFolder(tree, place, folder, [], { component: found.chart.name, instance: null, layerOrder, syncOptions: [], syncOptionsPath: null }, out);
    for (const v of out.values.slice(from)) valueFiles.add(v.file);
  }
  return out;
}
