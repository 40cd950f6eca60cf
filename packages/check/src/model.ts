import { existsSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import type { InputChart, InputComponent, InputDocument, InputValues, PolicyConfig, PolicyInput } from "@homelab/policy";
import { LABELS, LAYERS, RECORDS_FOLDER, parseRenderRecord, type RenderRecord } from "@homelab/layout";
import { YamlSource, type JsonPath } from "@homelab/yaml";
import { loadExtra, relativeTo, type LoadedFile, type Tree } from "./load.js";

/** Layer folders (as @homelab/core renders them, and as hand-written repos of this layout name them). */
export const DEFAULT_LAYERS: readonly LayerFolder[] = LAYERS.map(({ name, order, folder }) => ({ name, order, folder }));

export interface LayerFolder {
  name: string;
  order: number;
  folder: string;
}

/** A waiver as declared (render record or .homelab/waivers.yaml), with where it was declared. */
export interface WaiverDecl {
  rule: string;
  /** Component the waiver belongs to (render records); null for repo-wide waivers. */
  component: string | null;
  match: { kind?: string; name?: string; namespace?: string; file?: string; instance?: string };
  reason: string;
  expires: string;
  declaredIn: { file: string; index: number; path: JsonPath };
}

/** The render record written by @homelab/core (`.homelab/rendered/<component>.json`); owned by @homelab/layout. */
export type RenderRecordFile = RenderRecord;

/** What a finding at (file, document index) belongs to, for reports and waiver matching. */
export interface DocInfo {
  component: string | null;
  instance: string | null;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface Model {
  input: PolicyInput;
  docs: Map<string, DocInfo>;
  waivers: WaiverDecl[];
  /** Files that hold Kubernetes objects (handed to schema validation). */
  kubernetesFiles: LoadedFile[];
  /** Values files render wrote (named by render records): render validated them against the same schema. */
  renderedValues: Set<string>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const toPosix = (p: string): string => p.split(sep).join("/");
export const docKey = (file: string, index: number): string => `${file}#${index}`;

/**
 * Client-side tool configs that look like Kubernetes objects (apiVersion +
 * kind) but are never applied to a cluster: kustomize, kind, k3d, kpt,
 * skaffold, component configs (kubelet, kubeadm, ...).
 */
const TOOL_CONFIG_GROUPS =
  /^(kustomize\.config\.k8s\.io|config\.kubernetes\.io|kind\.x-k8s\.io|k3d\.io|kpt\.dev|ctlptl\.dev|kubeadm\.k8s\.io|[a-z]+\.config\.k8s\.io)\/|^skaffold\//;

export function isKubernetesObject(value: unknown): value is Obj {
  return isObj(value) && typeof value.apiVersion === "string" && typeof value.kind === "string" && !TOOL_CONFIG_GROUPS.test(value.apiVersion);
}

const group = (apiVersion: string): string => (apiVersion.includes("/") ? apiVersion.split("/")[0]! : "");

/** Hand-written layout `<layer folder>/<component>/...`: the folder under the layer names the component. */
function folderComponent(repoRel: string, layers: readonly LayerFolder[]): string | null {
  for (const layer of layers) {
    const at = `/${repoRel}`.indexOf(`/${layer.folder}/`);
    if (at < 0) continue;
    const rest = `/${repoRel}`.slice(at + layer.folder.length + 2).split("/");
    return rest.length > 1 ? rest[0]! : null;
  }
  return null;
}

function layerOfPath(repoRel: string, layers: readonly LayerFolder[]): number | null {
  const padded = `/${repoRel}/`;
  for (const layer of layers) if (padded.includes(`/${layer.folder}/`)) return layer.order;
  return null;
}

interface Owner {
  /** Repository-relative folder prefix. */
  prefix: string;
  component: string;
  instance: string | null;
  layerOrder: number | null;
}

export function buildModel(tree: Tree, config: PolicyConfig, layers: readonly LayerFolder[] = DEFAULT_LAYERS): Model {
  const repoRel = (fileRel: string): string => toPosix(relative(tree.root, join(tree.dir, fileRel)));

  const values = new Map<string, InputValues>();
  const charts: InputChart[] = [];
  const components: InputComponent[] = [];
  const waivers: WaiverDecl[] = [];
  const fileOwners = new Map<string, { component: string; layerOrder: number; instance: string | null }>();
  const owners: Owner[] = [];
  const records = new Map<string, RenderRecordFile>();
  const renderedValues = new Set<string>();

  // Render records: component, layer, instances and waivers per file.
  const recordsDir = join(tree.root, ...RECORDS_FOLDER.split("/"));
  if (existsSync(recordsDir)) {
    for (const name of readdirSync(recordsDir)
      .filter((n) => n.endsWith(".json"))
      .sort()) {
      const abs = join(recordsDir, name);
      const loaded = loadExtra(tree, abs);
      // Skipped by the loader (not a regular file): listed there, like any other input.
      if (!loaded) continue;
      // One parser validates records for every reader (shape, version, paths inside the component's folders).
      const rec = parseRenderRecord(loaded.source.text, relativeTo(tree, abs));
      records.set(rec.component, rec);
      const file = loaded.file;
      components.push({
        file,
        index: 0,
        component: rec.component,
        layer: rec.layer,
        layerOrder: rec.layerOrder,
        dependsOn: rec.dependsOn ?? [],
        allowLaterLayerDependencies: rec.allowLaterLayerDependencies ?? {},
      });
      for (const path of Object.keys(rec.files ?? {})) {
        // A part synced with a later layer (its CRDs come from there) belongs to that layer.
        const part = rec.deferred?.find((d) => path.startsWith(`${d.manifestsDir}/`));
        const instance =
          part?.instance ?? rec.instances?.find((i) => (i.manifestsDir && path.startsWith(`${i.manifestsDir}/`)) || i.valuesFile === path)?.name ?? null;
        fileOwners.set(path, { component: rec.component, layerOrder: part?.layerOrder ?? rec.layerOrder, instance });
      }
      (rec.waivers ?? []).forEach((w, i) => {
        waivers.push({
          rule: w.rule,
          component: rec.component,
          match: w.match ?? {},
          reason: w.reason,
          expires: w.expires,
          declaredIn: { file, index: 0, path: ["waivers", i] },
        });
      });
      if (rec.chart) {
        for (const instance of rec.instances ?? []) {
          if (!instance.valuesFile) continue;
          addValuesFile(
            join(tree.root, instance.valuesFile),
            { name: rec.chart.chart, version: rec.chart.version, repoURL: rec.chart.repoURL },
            rec.component,
            instance.name,
            [],
          );
          renderedValues.add(relativeTo(tree, join(tree.root, instance.valuesFile)));
        }
      }
    }
  }

  function addValuesSource(src: InputValues): void {
    const key = `${docKey(src.file, src.index)}#${JSON.stringify(src.path)}#${src.chart.name}`;
    if (!values.has(key)) values.set(key, src);
  }

  function addValuesFile(abs: string, chart: InputValues["chart"], component: string | null, instance: string | null, nested: JsonPath): void {
    const loaded = loadExtra(tree, abs);
    if (!loaded) return;
    loaded.source.documents.forEach((doc) => {
      let value: unknown = doc.value;
      for (const key of nested) value = isObj(value) ? value[String(key)] : undefined;
      if (value === undefined || value === null) return;
      addValuesSource({ file: loaded.file, index: doc.index, path: [...nested], component, instance, chart, values: value });
    });
  }

  /** Chart.yaml at a repository folder: a local chart, or a wrapper chart whose dependencies get the nested values. */
  function readChartYaml(folderAbs: string): { file: LoadedFile; name: string; version: string | null; dependencies: Obj[] } | undefined {
    const loaded = loadExtra(tree, join(folderAbs, "Chart.yaml"));
    const chart = loaded?.source.documents[0]?.value;
    if (!loaded || !isObj(chart) || typeof chart.name !== "string") return undefined;
    const dependencies = Array.isArray(chart.dependencies) ? chart.dependencies.filter(isObj) : [];
    return { file: loaded, name: chart.name, version: str(chart.version), dependencies };
  }

  function linkChartFolder(folderAbs: string, valueFiles: string[], app: AppContext | null): void {
    const chart = readChartYaml(folderAbs);
    if (!chart) return;
    const files = [join(folderAbs, "values.yaml"), ...valueFiles];
    const component = app?.component ?? chart.name;
    const instance = app?.instance ?? null;
    if (chart.dependencies.length === 0) {
      for (const f of files) addValuesFile(f, { name: chart.name, version: chart.version, repoURL: null }, component, instance, []);
      return;
    }
    chart.dependencies.forEach((dep, i) => {
      const name = str(dep.name);
      if (!name) return;
      const alias = str(dep.alias) ?? name;
      const version = str(dep.version) ?? "";
      for (const f of files) addValuesFile(f, { name, version, repoURL: str(dep.repository) }, component, instance, [alias]);
      charts.push({
        file: chart.file.file,
        index: 0,
        path: ["dependencies", i, "version"],
        chart: name,
        repoURL: str(dep.repository),
        version,
        component,
        layerOrder: app?.layerOrder ?? layerOfPath(repoRel(chart.file.file), layers),
        syncOptions: app?.syncOptions ?? [],
        syncOptionsPath: app?.syncOptionsPath ?? null,
      });
    });
  }

  interface AppContext {
    file: string;
    index: number;
    component: string;
    instance: string | null;
    layerOrder: number | null;
    syncOptions: string[];
    syncOptionsPath: JsonPath;
  }

  /**
   * One Application spec (real, or an ApplicationSet template with one list
   * element substituted). `at` maps a path in the Application to its path in
   * the document; `origin` names the generator element field a templated
   * value came from, so a finding points at the line the user wrote.
   */
  function linkApplication(
    app: Obj,
    file: string,
    index: number,
    at: (p: JsonPath) => JsonPath,
    origin: (p: JsonPath) => JsonPath | null,
    fallbackComponent: string,
  ): void {
    const metadata = isObj(app.metadata) ? app.metadata : {};
    const labels = isObj(metadata.labels) ? metadata.labels : {};
    const spec = isObj(app.spec) ? app.spec : {};
    const component = str(labels[LABELS.component]) ?? str(metadata.name) ?? fallbackComponent;
    const instance = str(labels[LABELS.instance]);
    const syncPolicy = isObj(spec.syncPolicy) ? spec.syncPolicy : {};
    const syncOptions = Array.isArray(syncPolicy.syncOptions) ? syncPolicy.syncOptions.filter((o): o is string => typeof o === "string") : [];
    const sources: { source: Obj; path: JsonPath }[] =
      Array.isArray(spec.sources) && spec.sources.length > 0
        ? spec.sources.flatMap((s, i) => (isObj(s) ? [{ source: s, path: ["spec", "sources", i] }] : []))
        : isObj(spec.source)
          ? [{ source: spec.source, path: ["spec", "source"] }]
          : [];
    const recordLayer = records.get(component)?.layerOrder ?? null;
    const refs = new Set(sources.map((s) => str(s.source.ref)).filter((r): r is string => r !== null));
    // `$values/<path>` is from the root of the ref'd repository: this repository.
    const valueFileAbs = (entry: string, base: string | null): string | null => {
      const match = /^\$([^/]+)\/(.*)$/.exec(entry);
      if (match) return refs.has(match[1]!) ? join(tree.root, match[2]!) : null;
      return base === null ? null : join(tree.root, base, entry);
    };
    const firstLayer = (paths: string[]): number | null => {
      for (const p of paths) {
        const l = layerOfPath(p, layers);
        if (l !== null) return l;
      }
      return null;
    };
    for (const { source, path } of sources) {
      const helm = isObj(source.helm) ? source.helm : {};
      const valueFiles = Array.isArray(helm.valueFiles) ? helm.valueFiles.filter((v): v is string => typeof v === "string") : [];
      const chartName = str(source.chart);
      const sourcePath = str(source.path);
      const layerOrder =
        recordLayer ??
        firstLayer([
          ...valueFiles.map((v) => v.replace(/^\$[^/]+\//, "")),
          ...(sourcePath ? [sourcePath] : []),
          ...sources.map((s) => str(s.source.path) ?? "").filter(Boolean),
          repoRel(file),
        ]);
      const ctx: AppContext = { file, index, component, instance, layerOrder, syncOptions, syncOptionsPath: at(["spec", "syncPolicy", "syncOptions"]) };
      if (chartName) {
        const version = str(source.targetRevision) ?? "";
        charts.push({
          file,
          index,
          path: origin([...path, "targetRevision"]) ?? at([...path, "targetRevision"]),
          chart: chartName,
          repoURL: str(source.repoURL),
          version,
          component,
          layerOrder,
          syncOptions,
          syncOptionsPath: ctx.syncOptionsPath,
        });
        const chart = { name: chartName, version, repoURL: str(source.repoURL) };
        for (const entry of valueFiles) {
          const abs = valueFileAbs(entry, null);
          if (abs) addValuesFile(abs, chart, component, instance, []);
        }
        if (isObj(helm.valuesObject)) {
          addValuesSource({ file, index, path: at([...path, "helm", "valuesObject"]), component, instance, chart, values: helm.valuesObject });
        } else if (typeof helm.values === "string") {
          const parsed = YamlSource.parse(helm.values, file).documents[0]?.value;
          if (isObj(parsed)) addValuesSource({ file, index, path: at([...path, "helm", "values"]), component, instance, chart, values: parsed });
        }
      } else if (sourcePath && !str(source.ref)) {
        const folderAbs = join(tree.root, sourcePath);
        if (existsSync(join(folderAbs, "Chart.yaml"))) {
          linkChartFolder(
            folderAbs,
            valueFiles.map((v) => valueFileAbs(v, sourcePath)).filter((v): v is string => v !== null),
            ctx,
          );
        } else {
          owners.push({ prefix: sourcePath.replace(/\/+$/, ""), component, instance, layerOrder });
        }
      }
    }
  }

  const kubernetesFiles: LoadedFile[] = [];
  const files = [...tree.files.values()];
  for (const loaded of files) {
    let hasObjects = false;
    for (const doc of loaded.source.documents) {
      const obj = doc.value;
      if (!isKubernetesObject(obj)) continue;
      hasObjects = true;
      if (group(obj.apiVersion as string) !== "argoproj.io") continue;
      const name = str(isObj(obj.metadata) ? obj.metadata.name : null) ?? loaded.file;
      if (obj.kind === "Application") {
        linkApplication(
          obj,
          loaded.file,
          doc.index,
          (p) => p,
          () => null,
          name,
        );
      } else if (obj.kind === "ApplicationSet") {
        linkApplicationSet(obj, loaded.file, doc.index, name);
      }
    }
    if (hasObjects) kubernetesFiles.push(loaded);
  }

  function linkApplicationSet(set: Obj, file: string, index: number, name: string): void {
    const spec = isObj(set.spec) ? set.spec : {};
    const template = isObj(spec.template) ? spec.template : null;
    if (!template || !Array.isArray(spec.generators)) return;
    const setLabels = isObj(set.metadata) && isObj(set.metadata.labels) ? set.metadata.labels : {};
    spec.generators.forEach((generator, g) => {
      const elements = isObj(generator) && isObj(generator.list) && Array.isArray(generator.list.elements) ? generator.list.elements : [];
      elements.forEach((element, e) => {
        if (!isObj(element)) return;
        const app = substitute(template, element) as Obj;
        if (isObj(app.metadata) && isObj(app.metadata.labels) && !app.metadata.labels[LABELS.component] && setLabels[LABELS.component]) {
          app.metadata.labels[LABELS.component] = setLabels[LABELS.component];
        }
        const at = (p: JsonPath): JsonPath => (p[0] === "spec" || p[0] === "metadata" ? ["spec", "template", ...p] : p);
        const origin = (p: JsonPath): JsonPath | null => {
          let raw: unknown = template;
          for (const key of p) raw = Array.isArray(raw) ? raw[Number(key)] : isObj(raw) ? raw[String(key)] : undefined;
          const field = typeof raw === "string" ? /^\{\{\s*\.(\w+)\s*\}\}$/.exec(raw)?.[1] : undefined;
          return field && field in element ? ["spec", "generators", g, "list", "elements", e, field] : null;
        };
        linkApplication(app, file, index, at, origin, str(setLabels[LABELS.component]) ?? name);
      });
    });
  }

  // Wrapper charts not referenced by any parsed Application (umbrella charts generate theirs from templates).
  for (const loaded of files) {
    if (!/(^|\/)Chart\.yaml$/.test(loaded.file) || /(^|\/)charts\//.test(loaded.file)) continue;
    const folder = join(tree.dir, loaded.file, "..");
    const layerOrder = layerOfPath(repoRel(loaded.file), layers);
    const chart = readChartYaml(folder);
    if (!chart || chart.dependencies.length === 0) continue;
    const already = [...values.values()].some((v) => v.file === relativeTo(tree, join(folder, "values.yaml")));
    if (!already) {
      linkChartFolder(folder, [], { file: loaded.file, index: 0, component: chart.name, instance: null, layerOrder, syncOptions: [], syncOptionsPath: [] });
      // Without an Application there are no sync options to check.
      for (const c of charts) if (c.file === loaded.file) c.syncOptionsPath = null;
    }
  }

  // Documents, with the component/instance/layer they belong to.
  const docs = new Map<string, DocInfo>();
  const documents: InputDocument[] = [];
  for (const loaded of kubernetesFiles) {
    const path = repoRel(loaded.file);
    const fileOwner = fileOwners.get(path);
    const dirOwner = owners.filter((o) => path.startsWith(`${o.prefix}/`)).sort((a, b) => b.prefix.length - a.prefix.length)[0];
    for (const doc of loaded.source.documents) {
      const obj = doc.value;
      if (!isKubernetesObject(obj)) continue;
      const metadata = isObj(obj.metadata) ? obj.metadata : {};
      const labels = isObj(metadata.labels) ? metadata.labels : {};
      const isArgo = group(obj.apiVersion as string) === "argoproj.io" && (obj.kind === "Application" || obj.kind === "ApplicationSet");
      const component =
        str(labels[LABELS.component]) ?? fileOwner?.component ?? (isArgo ? str(metadata.name) : null) ?? dirOwner?.component ?? folderComponent(path, layers);
      const instance = str(labels[LABELS.instance]) ?? fileOwner?.instance ?? dirOwner?.instance ?? null;
      const layerOrder =
        (component ? records.get(component)?.layerOrder : undefined) ?? fileOwner?.layerOrder ?? dirOwner?.layerOrder ?? layerOfPath(path, layers);
      documents.push({ file: loaded.file, index: doc.index, component, instance, layerOrder, object: obj });
      docs.set(docKey(loaded.file, doc.index), {
        component,
        instance,
        kind: obj.kind as string,
        ...(str(metadata.name) ? { name: str(metadata.name)! } : {}),
        ...(str(metadata.namespace) ? { namespace: str(metadata.namespace)! } : {}),
      });
    }
  }
  for (const src of values.values()) {
    const key = docKey(src.file, src.index);
    if (!docs.has(key)) docs.set(key, { component: src.component, instance: src.instance });
  }
  for (const rec of components) {
    docs.set(docKey(rec.file, rec.index), { component: rec.component, instance: null });
  }
  for (const ref of charts) {
    const key = docKey(ref.file, ref.index);
    if (!docs.has(key)) docs.set(key, { component: ref.component, instance: null });
  }

  waivers.push(...readWaiverFile(tree));
  return { input: { config, documents, values: [...values.values()], charts, components }, docs, waivers, kubernetesFiles, renderedValues };
}

/** Path of the waiver file of hand-written repos, relative to the checked directory. */
export const WAIVERS_FILE = ".homelab/waivers.yaml";

/**
 * `.homelab/waivers.yaml`:
 * ```yaml
 * waivers:
 *   - rule: forward-auth            # rule id (or "schema")
 *     component: grafana            # optional: only findings of this component
 *     match: { kind: IngressRoute, name: grafana, namespace: monitoring, file: "cluster-*-apps/grafana/**", instance: main }
 *     reason: Grafana signs users in with Authentik OIDC itself
 *     expires: 2026-12-31           # YYYY-MM-DD, last day the waiver applies
 * ```
 */
function readWaiverFile(tree: Tree): WaiverDecl[] {
  // Through the one input loader: a FIFO or a symlink out of the tree is listed, not read.
  const source = loadExtra(tree, join(tree.dir, WAIVERS_FILE))?.source;
  if (!source) return [];
  const root = source.documents[0]?.value;
  const bad = (message: string, path: JsonPath): HomelabError =>
    new HomelabError(ErrorCode.Config, message, {
      position: { file: WAIVERS_FILE, ...source.locate(0, path) },
      hint: "see policies/README.md, section Waivers",
    });
  if (root === null || root === undefined) return [];
  if (!isObj(root) || !Array.isArray(root.waivers)) throw bad("expected a `waivers:` list", []);
  return root.waivers.map((w, i): WaiverDecl => {
    const at: JsonPath = ["waivers", i];
    if (!isObj(w)) throw bad("a waiver must be a mapping", at);
    for (const key of ["rule", "reason", "expires"] as const) {
      if (typeof w[key] !== "string" || (w[key] as string).trim() === "") throw bad(`waiver needs a non-empty \`${key}\``, [...at, key]);
    }
    const expires = w.expires as string;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(expires)))
      throw bad(`expires must be a date YYYY-MM-DD, got ${JSON.stringify(expires)}`, [...at, "expires"]);
    const match = w.match === undefined ? {} : w.match;
    if (!isObj(match)) throw bad("match must be a mapping of kind, name, namespace, file, instance", [...at, "match"]);
    for (const [key, value] of Object.entries(match)) {
      if (!["kind", "name", "namespace", "file", "instance"].includes(key))
        throw bad(`unknown match key ${JSON.stringify(key)} (kind, name, namespace, file, instance)`, [...at, "match", key]);
      if (typeof value !== "string") throw bad(`match.${key} must be a string`, [...at, "match", key]);
    }
    return {
      rule: w.rule as string,
      component: str(w.component),
      match: match as WaiverDecl["match"],
      reason: w.reason as string,
      expires,
      declaredIn: { file: WAIVERS_FILE, index: 0, path: at },
    };
  });
}

/** ArgoCD goTemplate substitution of `{{.field}}` (and `{{ .field }}`) from a list element, deep. */
export function substitute(value: unknown, element: Obj): unknown {
  if (typeof value === "string") {
    return value.replace(/\{\{-?\s*\.(\w+)\s*-?\}\}/g, (whole, key: string) => (key in element ? String(element[key]) : whole));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, element));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, element)]));
  return value;
}
