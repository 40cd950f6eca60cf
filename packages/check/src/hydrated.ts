/**
 * The charts' objects as ArgoCD will apply them: read from hydrate's output
 * (`dist/hydrated/<component>/<application>/`, layout and index parser owned
 * by @homelab/hydrate/layout), so schema validation, the policies and the
 * reference checks judge what the charts render, not only the values.
 */
import { existsSync, readdirSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
// The layout module alone (what `hydratedLayout` of @homelab/hydrate re-exports), without loading the engine.
import * as hydratedLayout from "@homelab/hydrate/layout";
import { resolveInside } from "@homelab/layout";
import { objectIndex } from "@homelab/policy";
import { YamlSource, maxYamlBytes, readInputFile } from "@homelab/yaml";
import type { LoadedFile, Tree } from "./load.js";
import { docKey, type Model } from "./model.js";
import type { ApplicationInfo, ClusterObject } from "./references/index.js";

const toPosix = (p: string): string => p.split(sep).join("/");
type HelmSourceRecord = hydratedLayout.HelmSourceRecord;
type HydratedIndex = hydratedLayout.HydratedIndex;
type ObjectRecord = hydratedLayout.ObjectRecord;

/** What produced a hydrated object, for findings: Application, chart, values files, template. */
export interface HydratedOrigin {
  application: string;
  component: string;
  chart: string;
  version: string;
  valueFiles: string[];
  template: string;
  /** Helm hook (`pre-install`, ...) or ArgoCD hook, when the object is one. */
  hook: string | null;
}

export interface HydratedObject {
  /** Path relative to the checked directory (where findings point). */
  file: string;
  index: number;
  object: Record<string, unknown>;
  record: ObjectRecord;
  origin: HydratedOrigin;
}

export interface HydratedSet {
  indexes: { file: string; index: HydratedIndex }[];
  /** Objects the charts render (directory sources are our manifests, read from the tree itself). */
  objects: HydratedObject[];
  /** Files holding them, for schema validation (their positions are in the tree, parsed when a finding needs a line). */
  files: { file: string; text: string }[];
  /** Components that have a hydrated folder. */
  components: Set<string>;
}

/** `Application traefik-public, chart traefik@41.3.0 (templates/deployment.yaml), values cluster-.../values.yaml` */
export function describeOrigin(o: HydratedOrigin): string {
  const values = o.valueFiles.length ? `, values ${o.valueFiles.join(" + ")}` : "";
  return `Application ${o.application}, chart ${o.chart}@${o.version} (${o.template})${values}${o.hook ? `, hook ${o.hook}` : ""}`;
}

function emptySet(): HydratedSet {
  return { indexes: [], objects: [], files: [], components: new Set() };
}

/** A file of the tree whose positions are parsed on first use: large CRDs cost seconds to parse, and most files never need a line. */
function lazyFile(file: string, text: string): LoadedFile {
  let source: YamlSource | undefined;
  return {
    file,
    get source(): YamlSource {
      source ??= YamlSource.parse(text, file, { goYaml: true });
      return source;
    },
  };
}

/**
 * Adds one Application's chart objects; `content(record)` gives the text of
 * the file the record names and, when already parsed (hydrate's in-memory
 * result), the object itself.
 */
function addApplication(
  set: HydratedSet,
  tree: Tree,
  indexFile: string,
  index: HydratedIndex,
  content: (record: ObjectRecord) => { text: string; value?: Record<string, unknown> },
): void {
  const checked = (repoRel: string): string => toPosix(relative(tree.dir, join(tree.root, repoRel)));
  set.indexes.push({ file: indexFile, index });
  set.components.add(index.component);
  const helm = new Map(index.sources.filter((s): s is HelmSourceRecord => s.type === "helm").map((s) => [s.index, s]));
  for (const record of index.objects) {
    // ArgoCD never applies an excluded object (resource.exclusions/inclusions): nothing to validate, police or reference.
    if (record.source.type !== "helm" || record.excluded) continue;
    const source = helm.get(record.source.index);
    const file = checked(record.file);
    const { text, value } = content(record);
    let doc: { index: number; value: unknown } | undefined;
    if (value !== undefined) {
      // One object per file, placed at its recorded line: document 0.
      if (!tree.files.has(file)) {
        tree.files.set(file, lazyFile(file, text));
        set.files.push({ file, text });
      }
      doc = { index: 0, value };
    } else {
      let loaded = tree.files.get(file);
      if (!loaded) {
        loaded = { file, source: YamlSource.parse(text, file, { goYaml: true }) };
        tree.files.set(file, loaded);
        set.files.push({ file, text });
      }
      const current = loaded;
      // One object per file: the document that starts at (or after) the recorded line.
      const objects = current.source.documents.filter((d) => typeof d.value === "object" && d.value !== null && !Array.isArray(d.value));
      doc = objects.find((d) => current.source.locate(d.index, []).line >= record.line) ?? objects[0];
    }
    if (!doc)
      throw new HomelabError(ErrorCode.Syntax, "hydrated file holds no object", {
        position: { file, line: record.line },
        hint: "run `npx homelab hydrate` again",
      });
    set.objects.push({
      file,
      index: doc.index,
      // With label tracking ArgoCD adds the instance label, which selectors then see; the YAML file keeps what the
      // chart rendered, so an object read from it gets the label here (objects.json carries it already).
      object: hydratedLayout.withTrackingLabel(doc.value as Record<string, unknown>, record.trackingLabel),
      record,
      origin: {
        application: index.application,
        component: index.component,
        chart: source?.chart ?? "?",
        version: source?.version ?? "?",
        valueFiles: source?.valueFiles ?? [],
        template: record.source.template,
        hook: record.hook ? record.hook.types.join(",") : null,
      },
    });
  }
}

/**
 * The objects hydrate parsed for one Application (objects.json), by file;
 * undefined when there is none or it is not readable as one: it only spares
 * parsing the YAML files, which stay the authority.
 */
function parsedObjects(abs: string, root: string, objects: number): Map<string, hydratedLayout.HydratedObjectEntry> | undefined {
  // It holds every object of the Application, each of which may be as large as one file may be.
  const input = readInputFile(abs, { display: toPosix(relative(root, abs)), within: root, maxBytes: maxYamlBytes() * Math.max(1, objects) });
  return input.kind === "skipped" ? undefined : hydratedLayout.parseHydratedObjects(input.text);
}

/**
 * Reads every index under `<root>/dist/hydrated` and the object files it
 * names; undefined when nothing was hydrated. Every path comes from an
 * index and goes through the containment gate before it is read. Objects
 * come from objects.json where its digest matches the file; positions are
 * parsed from a file's YAML only when a finding needs a line.
 */
export function loadHydrated(tree: Tree, options: { folder?: string } = {}): HydratedSet | undefined {
  const base = resolveInside(tree.root, options.folder ?? hydratedLayout.HYDRATED_FOLDER, "hydrated folder");
  if (!existsSync(base)) return undefined;
  const set = emptySet();
  const read = (abs: string, display: string): string => {
    const input = readInputFile(abs, { display, within: tree.root });
    if (input.kind === "skipped")
      throw new HomelabError(ErrorCode.Io, `cannot read hydrated file: ${input.reason}`, {
        position: { file: display },
        hint: "run `npx homelab hydrate` again",
      });
    return input.text;
  };
  for (const component of readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    for (const app of readdirSync(join(base, component), { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()) {
      const indexAbs = join(base, component, app, hydratedLayout.INDEX_FILE);
      if (!existsSync(indexAbs)) continue;
      const indexRepo = toPosix(relative(tree.root, indexAbs));
      const index = hydratedLayout.parseHydratedIndex(read(indexAbs, indexRepo), indexRepo);
      const parsed = parsedObjects(join(base, component, app, hydratedLayout.OBJECTS_FILE), tree.root, index.objects.length);
      addApplication(set, tree, indexRepo, index, (record) => {
        const text = read(resolveInside(tree.root, record.file, "hydrated object file"), record.file);
        // hydrate's own parse, while the file still has the bytes it was written with; else the YAML is parsed.
        const entry = parsed?.get(record.file);
        return entry && entry.digest === hydratedLayout.contentDigest(text) ? { text, value: entry.value } : { text };
      });
    }
  }
  return set;
}

/**
 * The same from `hydrate()`'s in-memory result (nothing written): each
 * object's text is placed at the line its file would have it on, so
 * findings name the line of the file `homelab hydrate` writes.
 */
export function hydratedFromResult(
  tree: Tree,
  applications: readonly { index: HydratedIndex; objects: readonly { record: ObjectRecord; content: string; value?: Record<string, unknown> }[] }[],
): HydratedSet {
  const set = emptySet();
  for (const app of applications) {
    const content = new Map(
      app.objects.map((o) => [o.record.file, { text: `${"\n".repeat(Math.max(0, o.record.line - 1))}${o.content}`, ...(o.value ? { value: o.value } : {}) }]),
    );
    addApplication(
      set,
      tree,
      hydratedLayout.indexFile(app.index.component, app.index.application),
      app.index,
      (record) => content.get(record.file) ?? { text: "" },
    );
  }
  return set;
}

/** The ArgoCD ordering facts of a hydrated Application. */
export function applicationInfoOf(index: HydratedIndex, known: ApplicationInfo | undefined): ApplicationInfo {
  const wave = index.syncWave !== null && /^-?\d+$/.test(index.syncWave) ? Number(index.syncWave) : (known?.wave ?? null);
  return { name: index.application, wave, retry: known?.retry ?? false, syncOptions: known?.syncOptions ?? [] };
}

/** Hydrated objects as cluster objects for the reference checks. */
export function hydratedClusterObjects(set: HydratedSet, apps: ReadonlyMap<string, ApplicationInfo>): ClusterObject[] {
  const infos = new Map(set.indexes.map(({ index }) => [index.application, applicationInfoOf(index, apps.get(index.application))]));
  const destinations = new Map(set.indexes.map(({ index }) => [index.application, index.destination.namespace]));
  return set.objects.map((o) => ({
    file: o.file,
    index: o.index,
    object: o.object,
    component: o.origin.component,
    defaultNamespace: o.record.namespace ?? destinations.get(o.origin.application) ?? null,
    application: infos.get(o.origin.application) ?? null,
  }));
}

/**
 * A CRD as the policies see it: identity, group, names, scope and versions,
 * without the OpenAPI schemas. No rule reads the schemas, and walking
 * megabytes of them made evaluation several times slower.
 */
function crdOutline(crd: Record<string, unknown>): Record<string, unknown> {
  const spec = (crd.spec ?? {}) as Record<string, unknown>;
  const versions = Array.isArray(spec.versions)
    ? spec.versions.map((v) =>
        typeof v === "object" && v !== null
          ? { name: (v as Record<string, unknown>).name, served: (v as Record<string, unknown>).served, storage: (v as Record<string, unknown>).storage }
          : v,
      )
    : [];
  return { apiVersion: crd.apiVersion, kind: crd.kind, metadata: crd.metadata, spec: { group: spec.group, names: spec.names, scope: spec.scope, versions } };
}

/**
 * Makes the charts' objects part of the checked model: documents the
 * policies judge (with their origin), and what findings on them belong to.
 */
export function addToModel(model: Model, set: HydratedSet): void {
  const layers = new Map(model.input.components.map((c) => [c.component, c.layerOrder]));
  for (const o of set.objects) {
    const metadata = (o.object.metadata ?? {}) as Record<string, unknown>;
    const object = o.object.kind === "CustomResourceDefinition" ? crdOutline(o.object) : o.object;
    model.input.documents.push({
      file: o.file,
      index: o.index,
      component: o.origin.component,
      instance: null,
      layerOrder: layers.get(o.origin.component) ?? null,
      object,
      ...objectIndex(object),
      origin: {
        application: o.origin.application,
        chart: o.origin.chart,
        version: o.origin.version,
        template: o.origin.template,
        valueFiles: o.origin.valueFiles,
        hook: o.origin.hook,
        namespace: o.record.namespace,
      },
    });
    model.docs.set(docKey(o.file, o.index), {
      component: o.origin.component,
      instance: null,
      kind: String(o.object.kind),
      ...(typeof metadata.name === "string" ? { name: metadata.name } : {}),
      ...(o.record.namespace ? { namespace: o.record.namespace } : {}),
    });
  }
}
