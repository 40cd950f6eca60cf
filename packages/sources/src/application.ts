import { ANNOTATIONS, LABELS } from "@homelab/layout";
import type { JsonPath } from "@homelab/yaml";
import { expandApplicationSet, type DocumentPlace } from "./applicationset.js";
import { isObj, str, type Obj } from "./object.js";

/** A field the reader did not take, and why (callers report or ignore it; schema validation sees the object too). */
export interface Skipped {
  /** Path in the Application. */
  at: JsonPath;
  why: string;
}

/** One `helm.valueFiles` entry with its place in the list. */
export interface ValueFile {
  index: number;
  entry: string;
  target: ValueFileTarget;
}

/**
 * Where a value file is. `$name/<path>` is from the root of the repository of
 * the source whose `ref` is `name` (ArgoCD's multi-source values); any other
 * entry is inside the chart. `path` is the entry without its `$name/` prefix.
 */
export type ValueFileTarget =
  { kind: "repository"; ref: string; path: string } | { kind: "chart"; path: string } | { kind: "unknown-ref"; ref: string; path: string };

export function valueFileTarget(entry: string, refs: ReadonlySet<string>): ValueFileTarget {
  const match = /^\$([^/]+)\/(.*)$/.exec(entry);
  if (!match) return { kind: "chart", path: entry };
  const ref = match[1]!;
  const path = match[2]!;
  return refs.has(ref) ? { kind: "repository", ref, path } : { kind: "unknown-ref", ref, path };
}

/** A source's `helm:` block; empty when it has none. */
export interface HelmSettings {
  releaseName: string | null;
  valueFiles: ValueFile[];
  /** `helm.values`: inline YAML text (lower precedence than valuesObject). */
  values: string | null;
  valuesObject: Obj | null;
  /** How many `helm.parameters` (`--set`) it has. */
  parameters: number;
}

/** One entry of `spec.sources` (or the single `spec.source`). */
export interface ApplicationSource {
  /** Where it is in the Application: `["spec", "source"]` or `["spec", "sources", i]`. */
  at: JsonPath;
  repoURL: string | null;
  targetRevision: string | null;
  /** A Helm chart from a chart repository. */
  chart: string | null;
  /** A folder of the source's repository: plain manifests, or a chart of its own. */
  path: string | null;
  /** The name `$name/` value files use for this source's repository. */
  ref: string | null;
  helm: HelmSettings;
}

/** An ArgoCD Application, as far as the stages read it. Empty strings count as absent. */
export interface Application {
  name: string | null;
  /** The `homelab.dev/component` and `homelab.dev/instance` labels. */
  component: string | null;
  instance: string | null;
  /** `argocd.argoproj.io/sync-wave`, when it is an integer. */
  wave: number | null;
  syncOptions: string[];
  retry: boolean;
  /** `spec.destination.namespace`: where namespaced objects without a namespace land. */
  namespace: string | null;
  sources: ApplicationSource[];
  /** The `ref` names of its sources. */
  refs: ReadonlySet<string>;
  skipped: Skipped[];
}

export function waveOf(metadata: unknown): number | null {
  const raw = isObj(metadata) && isObj(metadata.annotations) ? str(metadata.annotations[ANNOTATIONS.syncWave]) : null;
  return raw !== null && /^-?\d+$/.test(raw) ? Number(raw) : null;
}

function helmOf(helm: unknown, at: JsonPath, refs: ReadonlySet<string>, skipped: Skipped[]): HelmSettings {
  const h = isObj(helm) ? helm : {};
  const valueFiles: ValueFile[] = [];
  (Array.isArray(h.valueFiles) ? h.valueFiles : []).forEach((entry: unknown, index) => {
    if (typeof entry === "string") valueFiles.push({ index, entry, target: valueFileTarget(entry, refs) });
    else skipped.push({ at: [...at, "helm", "valueFiles", index], why: `value file ${JSON.stringify(entry)} is not a path` });
  });
  return {
    releaseName: str(h.releaseName),
    valueFiles,
    values: typeof h.values === "string" ? h.values : null,
    valuesObject: isObj(h.valuesObject) ? h.valuesObject : null,
    parameters: Array.isArray(h.parameters) ? h.parameters.length : 0,
  };
}

/** Reads an Application object (whatever its shape: missing or mistyped fields read as absent). */
export function readApplication(app: Obj): Application {
  const metadata = isObj(app.metadata) ? app.metadata : {};
  const labels = isObj(metadata.labels) ? metadata.labels : {};
  const spec = isObj(app.spec) ? app.spec : {};
  const syncPolicy = isObj(spec.syncPolicy) ? spec.syncPolicy : {};
  // ArgoCD uses `sources` when it has any entry, else `source`.
  const raw: { source: Obj; at: JsonPath }[] =
    Array.isArray(spec.sources) && spec.sources.length > 0
      ? spec.sources.flatMap((s: unknown, i) => (isObj(s) ? [{ source: s, at: ["spec", "sources", i] }] : []))
      : isObj(spec.source)
        ? [{ source: spec.source, at: ["spec", "source"] }]
        : [];
  const refs = new Set(raw.map((s) => str(s.source.ref)).filter((r): r is string => r !== null));
  const skipped: Skipped[] = [];
  const sources = raw.map(({ source, at }): ApplicationSource => ({
    at,
    repoURL: str(source.repoURL),
    targetRevision: str(source.targetRevision),
    chart: str(source.chart),
    path: str(source.path),
    ref: str(source.ref),
    helm: helmOf(source.helm, at, refs, skipped),
  }));
  return {
    name: str(metadata.name),
    component: str(labels[LABELS.component]),
    instance: str(labels[LABELS.instance]),
    wave: waveOf(metadata),
    syncOptions: Array.isArray(syncPolicy.syncOptions) ? syncPolicy.syncOptions.filter((o): o is string => typeof o === "string") : [],
    retry: isObj(syncPolicy.retry),
    namespace: isObj(spec.destination) ? str(spec.destination.namespace) : null,
    sources,
    refs,
    skipped,
  };
}

/** The ApplicationSet an Application was generated by. */
export interface GeneratingSet {
  name: string | null;
  /** The set's own `homelab.dev/component` label: the component of every Application it generates that does not say. */
  component: string | null;
  wave: number | null;
  /** Where the list element is: `["spec", "generators", g, "list", "elements", e]`. */
  element: JsonPath;
}

/** An Application a document declares: the document itself, or one an ApplicationSet's list generator makes. */
export interface DeclaredApplication {
  /** The Application object (for a set: as ArgoCD generates it from one list element). */
  object: Obj;
  application: Application;
  /** Maps a path in the Application to its path in the declaring document. */
  at: (path: JsonPath) => JsonPath;
  /** The list element field a templated value came from, so a finding points at the line the user wrote; null when not templated. */
  origin: (path: JsonPath) => JsonPath | null;
  set: GeneratingSet | null;
}

export const isArgoApplication = (object: Obj): boolean =>
  typeof object.apiVersion === "string" && object.apiVersion.startsWith("argoproj.io/") && (object.kind === "Application" || object.kind === "ApplicationSet");

const valueAt = (root: unknown, path: JsonPath): unknown => {
  let value = root;
  for (const key of path) value = Array.isArray(value) ? value[Number(key)] : isObj(value) ? value[String(key)] : undefined;
  return value;
};

/** A template string that is one parameter and nothing else: `{{ .field }}` (goTemplate) or `{{ field }}` (fasttemplate). */
const WHOLE_PARAMETER = /^\{\{-?\s*\.?(\w+)\s*-?\}\}$/;

/**
 * The Applications one document declares: an Application is itself; an
 * ApplicationSet yields the Applications its list generators make, rendered
 * as ArgoCD renders them (expandApplicationSet: goTemplate, templatePatch);
 * generators that cannot be read offline yield none. Any other object
 * declares none. A template that does not render is a HomelabError at
 * `place`'s file and line.
 */
export function declaredApplications(object: Obj, place?: DocumentPlace): DeclaredApplication[] {
  if (!isArgoApplication(object)) return [];
  if (object.kind === "Application") {
    return [{ object, application: readApplication(object), at: (p) => p, origin: () => null, set: null }];
  }
  const metadata = isObj(object.metadata) ? object.metadata : {};
  const setLabels = isObj(metadata.labels) ? metadata.labels : {};
  const template = isObj(object.spec) ? object.spec.template : undefined;
  return expandApplicationSet(object, "lenient", place).map(({ object: app, params, element }) => {
    const origin = (p: JsonPath): JsonPath | null => {
      const written = valueAt(template, p);
      const field = typeof written === "string" ? WHOLE_PARAMETER.exec(written)?.[1] : undefined;
      // A templatePatch may have set the value instead: the element is the origin only of what it gave.
      if (!field || !(field in params) || String(params[field]) !== String(valueAt(app, p))) return null;
      return [...element, field];
    };
    return {
      object: app,
      application: readApplication(app),
      at: (p) => (p[0] === "spec" || p[0] === "metadata" ? ["spec", "template", ...p] : p),
      origin,
      set: { name: str(metadata.name), component: str(setLabels[LABELS.component]), wave: waveOf(metadata), element },
    };
  });
}
