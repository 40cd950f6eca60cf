import { join, relative, sep } from "node:path";
import { applicationsOf, type AppSpec } from "./applications.js";
import { deepestFolder } from "./folders.js";
import type { Tree } from "./load.js";
import type { DocInfo, Model } from "./model.js";
import { resolveReferences, type ClusterObject, type Ordering, type ReferenceOptions } from "./references/index.js";
import { builtinScoped, groupOf } from "./references/objects.js";
import { rawViolation, type RawViolation } from "./waivers.js";

/** A reference that resolves through ArgoCD's ordering, with where it is. */
export interface OrderingNote extends Omit<Ordering, "path" | "index"> {
  line: number;
  component: string | null;
}

/** The Application whose manifest folder holds a repository file (the deepest folder wins; of one folder, the first Application). */
export function applicationForFile(apps: readonly AppSpec[]): (repoFile: string) => AppSpec | undefined {
  return deepestFolder(apps.flatMap((app) => app.paths.map((path) => [path, app] as const)));
}

/** Our manifests as cluster objects, each with the Application that syncs it. */
export function manifestObjects(model: Model, tree: Tree, apps: readonly AppSpec[] = applicationsOf(model.input.documents)): ClusterObject[] {
  const repoFile = (file: string): string => relative(tree.root, join(tree.dir, file)).split(sep).join("/");
  const appOf = applicationForFile(apps);
  const appOfFile = new Map<string, AppSpec | undefined>();
  // Documents with an origin are a chart's hydrated objects, added with their own Application (hydrated.ts).
  return model.input.documents
    .filter((doc) => doc.origin === undefined)
    .map((doc) => {
      if (!appOfFile.has(doc.file)) appOfFile.set(doc.file, appOf(repoFile(doc.file)));
      const app = appOfFile.get(doc.file);
      return {
        file: doc.file,
        index: doc.index,
        object: doc.object,
        component: doc.component,
        defaultNamespace: app?.namespace ?? null,
        application: app ? { name: app.name, wave: app.wave, retry: app.retry, syncOptions: app.syncOptions } : null,
      };
    });
}

/**
 * What the set lacks when the charts are not hydrated: every chart
 * Application's destination namespace (and kube-system, where charts put
 * their Services for cluster components).
 */
export function unhydratedCharts(apps: readonly AppSpec[]): { namespaces: string[]; reason: string } | undefined {
  const chartApps = apps.filter((a) => a.charts.length > 0);
  if (chartApps.length === 0) return undefined;
  const namespaces = [...new Set([...chartApps.map((a) => a.namespace ?? "default"), "kube-system"])].sort();
  return { namespaces, reason: `the charts of ${chartApps.length} Application(s) are not hydrated (run \`npx homelab hydrate\`)` };
}

/**
 * Rule family `ref-*`: references between the objects of the whole cluster,
 * located in the file (ours or hydrated) that holds the referring object.
 */
export function referenceViolations(
  objects: readonly ClusterObject[],
  options: ReferenceOptions,
  locate: (file: string, index: number, path: readonly (string | number)[]) => { line: number; column: number },
  infoOf: (file: string, index: number) => DocInfo,
): { raw: RawViolation[]; orderings: OrderingNote[] } {
  const { findings, orderings } = resolveReferences(objects, options);
  const raw = findings.map((f) => rawViolation(f, locate(f.file, f.index, f.path), f.message, infoOf(f.file, f.index)));
  const notes = orderings.map((o): OrderingNote => ({
    file: o.file,
    line: locate(o.file, o.index, o.path).line,
    kind: o.kind,
    name: o.name,
    namespace: o.namespace,
    message: o.message,
    component: infoOf(o.file, o.index).component,
  }));
  return { raw, orderings: notes };
}

/** One object of an Application, as a rendered-object diff compares it. */
export interface AppObject {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string;
  value: Record<string, unknown>;
}

/**
 * The objects each Application applies from this repository's folders (its
 * directory sources), keyed by Application, for the rendered-object diff.
 * Namespaced objects without a namespace get the Application's destination,
 * as ArgoCD applies them.
 */
export function applicationObjects(model: Model, tree: Tree): { application: string; component: string; objects: AppObject[] }[] {
  const apps = applicationsOf(model.input.documents);
  const byApp = new Map<string, { application: string; component: string; objects: AppObject[] }>();
  for (const o of manifestObjects(model, tree, apps)) {
    if (!o.application) continue;
    const metadata = (o.object.metadata ?? {}) as Record<string, unknown>;
    const name = typeof metadata.name === "string" ? metadata.name : null;
    if (!name) continue;
    const entry = byApp.get(o.application.name) ?? { application: o.application.name, component: o.component ?? o.application.name, objects: [] };
    entry.objects.push({
      apiVersion: String(o.object.apiVersion),
      kind: String(o.object.kind),
      namespace: builtinScoped(groupOf(o.object.apiVersion), String(o.object.kind))
        ? null
        : typeof metadata.namespace === "string"
          ? metadata.namespace
          : (o.defaultNamespace ?? null),
      name,
      value: o.object,
    });
    byApp.set(o.application.name, entry);
  }
  return [...byApp.values()].sort((a, b) => a.application.localeCompare(b.application));
}
