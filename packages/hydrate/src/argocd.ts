/**
 * What ArgoCD itself does to the objects an Application renders, as the
 * argocd-cm ConfigMap the cluster runs configures it:
 *
 * - resource.exclusions / resource.inclusions: objects of excluded group/kinds
 *   are never applied nor tracked (the Application only shows an
 *   ExcludedResourceWarning condition);
 * - resource tracking: the `argocd.argoproj.io/tracking-id` annotation and/or
 *   the instance label ArgoCD puts on every object it applies.
 *
 * Semantics of ArgoCD 3.x, read from its sources (util/settings
 * resources_filter.go and filtered_resource.go, util/argo resource_tracking.go,
 * controller/state.go NormalizeTargetObjects, reposerver) and the 2.14 -> 3.0
 * upgrade notes; reimplemented here, not translated.
 */
import { ErrorCode, HomelabError } from "@homelab/errors";
import { GO_YAML } from "@homelab/yaml";
import { isMap, isSeq, parseDocument, type Node } from "yaml";

export type TrackingMethod = "annotation" | "label" | "annotation+label";
const TRACKING_METHODS: readonly TrackingMethod[] = ["annotation", "label", "annotation+label"];

export const TRACKING_ID_ANNOTATION = "argocd.argoproj.io/tracking-id";
export const INSTALLATION_ID_ANNOTATION = "argocd.argoproj.io/installation-id";
/** ArgoCD's `application.instanceLabelKey` when argocd-cm leaves it empty (common.LabelKeyAppInstance). */
export const DEFAULT_INSTANCE_LABEL_KEY = "app.kubernetes.io/instance";
/** The namespace of a default install, for the Application names when no argocd-cm says where ArgoCD runs. */
export const DEFAULT_ARGOCD_NAMESPACE = "argocd";
/** What ArgoCD resolves `destination.name: in-cluster` to. */
export const IN_CLUSTER = "https://kubernetes.default.svc";

/** One entry of resource.exclusions / resource.inclusions; an empty list matches everything. */
export interface FilterRule {
  apiGroups: string[];
  kinds: string[];
  clusters: string[];
}

export interface ArgoSettings {
  /** The argocd-cm these come from (hydrated file and line); null: none was hydrated, ArgoCD 3.x defaults. */
  config: { application: string; file: string; line: number } | null;
  /** The namespace ArgoCD runs in (where its argocd-cm is). */
  namespace: string;
  exclusions: FilterRule[];
  inclusions: FilterRule[];
  trackingMethod: TrackingMethod;
  instanceLabelKey: string;
  installationID: string | null;
}

/**
 * Excluded whatever argocd-cm says (`coreExcludedResources` in ArgoCD's
 * util/settings/resources_filter.go): checked before the configured list.
 */
const CORE_EXCLUSIONS: readonly FilterRule[] = [
  { apiGroups: ["events.k8s.io", "metrics.k8s.io"], kinds: [], clusters: [] },
  { apiGroups: [""], kinds: ["Event"], clusters: [] },
  { apiGroups: ["coordination.k8s.io"], kinds: ["Lease"], clusters: [] },
];

/**
 * resource.exclusions of the argocd-cm that ArgoCD 3.x's install manifests
 * ship (manifests/base/config/argocd-cm.yaml; listed in the 2.14 -> 3.0
 * upgrade notes, "Default resource.exclusions configurations"). ArgoCD's code
 * itself only adds CORE_EXCLUSIONS: without any argocd-cm in the hydrated set
 * ArgoCD is installed some other way, most likely from those manifests.
 */
export const DEFAULT_EXCLUSIONS: readonly FilterRule[] = [
  { apiGroups: ["", "discovery.k8s.io"], kinds: ["Endpoints", "EndpointSlice"], clusters: [] },
  { apiGroups: ["apiregistration.k8s.io"], kinds: ["APIService"], clusters: [] },
  { apiGroups: ["coordination.k8s.io"], kinds: ["Lease"], clusters: [] },
  {
    apiGroups: ["authentication.k8s.io", "authorization.k8s.io"],
    kinds: ["SelfSubjectReview", "TokenReview", "LocalSubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview", "SubjectAccessReview"],
    clusters: [],
  },
  { apiGroups: ["certificates.k8s.io"], kinds: ["CertificateSigningRequest"], clusters: [] },
  { apiGroups: ["cert-manager.io"], kinds: ["CertificateRequest"], clusters: [] },
  { apiGroups: ["cilium.io"], kinds: ["CiliumIdentity", "CiliumEndpoint", "CiliumEndpointSlice"], clusters: [] },
  {
    apiGroups: ["kyverno.io", "reports.kyverno.io", "wgpolicyk8s.io"],
    kinds: [
      "PolicyReport",
      "ClusterPolicyReport",
      "EphemeralReport",
      "ClusterEphemeralReport",
      "AdmissionReport",
      "ClusterAdmissionReport",
      "BackgroundScanReport",
      "ClusterBackgroundScanReport",
      "UpdateRequest",
    ],
    clusters: [],
  },
];

export function defaultSettings(namespace = DEFAULT_ARGOCD_NAMESPACE): ArgoSettings {
  return {
    config: null,
    namespace,
    exclusions: DEFAULT_EXCLUSIONS.map((r) => ({ ...r })),
    inclusions: [],
    // ArgoCD 3.0 made annotation tracking the default (GetTrackingMethod of an empty setting).
    trackingMethod: "annotation",
    instanceLabelKey: DEFAULT_INSTANCE_LABEL_KEY,
    installationID: null,
  };
}

/** Where a ConfigMap's text sits in its hydrated file: `line` is the file line of the text's first line. */
export interface ConfigPlace {
  application: string;
  file: string;
  line: number;
  /** The object's YAML, to find the line of a key and of an entry in its value. */
  text: string;
  /** Where its values come from (values files, manifest), for the hint. */
  origin: string;
}

/** ArgoCD's settings from the data of a rendered argocd-cm; malformed settings are an error at their file and line. */
export function settingsFromConfigMap(value: Record<string, unknown>, place: ConfigPlace, namespace: string): ArgoSettings {
  const data = (value.data ?? {}) as Record<string, unknown>;
  const text = (key: string): string | undefined => {
    const v = data[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") fail(place, key, null, `data.${key} must be a string`);
    return v;
  };
  const method = text("application.resourceTrackingMethod")?.trim() ?? "";
  if (method !== "" && !TRACKING_METHODS.includes(method as TrackingMethod)) {
    fail(
      place,
      "application.resourceTrackingMethod",
      null,
      `application.resourceTrackingMethod ${JSON.stringify(method)} is none of ${TRACKING_METHODS.join(", ")}`,
    );
  }
  const installationID = text("installationID") ?? "";
  return {
    config: { application: place.application, file: place.file, line: place.line },
    namespace,
    // A key that is absent leaves the list empty (ArgoCD's GetResourcesFilter); the core exclusions apply regardless.
    exclusions: filterRules(text("resource.exclusions"), "resource.exclusions", place),
    inclusions: filterRules(text("resource.inclusions"), "resource.inclusions", place),
    trackingMethod: method === "" ? "annotation" : (method as TrackingMethod),
    instanceLabelKey: text("application.instanceLabelKey") || DEFAULT_INSTANCE_LABEL_KEY,
    installationID: installationID === "" ? null : installationID,
  };
}

const RULE_KEYS = ["apiGroups", "kinds", "clusters"] as const;

function filterRules(yamlText: string | undefined, key: string, place: ConfigPlace): FilterRule[] {
  if (yamlText === undefined) return [];
  const doc = parseDocument(yamlText, GO_YAML);
  const lineOf = (offset: number | undefined) => (offset === undefined ? null : yamlText.slice(0, offset).split("\n").length);
  const error = doc.errors[0];
  if (error) fail(place, key, lineOf(error.pos[0]), `${key} is not valid YAML: ${error.message.split("\n")[0]}`);
  const root = doc.contents as Node | null;
  if (root === null || (root as { value?: unknown }).value === null) return [];
  if (!isSeq(root)) fail(place, key, lineOf(root.range?.[0]), `${key} must be a list of {apiGroups, kinds, clusters}`);
  return root.items.map((item, i) => {
    const at = lineOf((item as Node | null)?.range?.[0]);
    const where = `${key} entry ${i + 1}`;
    // A null entry unmarshals to an empty rule, which matches every object.
    if (item === null || (item as { value?: unknown }).value === null) return { apiGroups: [], kinds: [], clusters: [] };
    if (!isMap(item)) fail(place, key, at, `${where} must be a mapping of apiGroups, kinds and clusters`);
    const entry = (item.toJSON() ?? {}) as Record<string, unknown>;
    const unknown = Object.keys(entry).filter((k) => !(RULE_KEYS as readonly string[]).includes(k));
    if (unknown.length) {
      // ArgoCD ignores other keys, so a misspelt `kind:` would silently match every kind.
      fail(place, key, at, `${where} has ${unknown.map((k) => JSON.stringify(k)).join(", ")}; ArgoCD 3.x reads only ${RULE_KEYS.join(", ")}`);
    }
    const rule: FilterRule = { apiGroups: [], kinds: [], clusters: [] };
    for (const field of RULE_KEYS) {
      const list = entry[field];
      if (list === undefined || list === null) continue;
      if (!Array.isArray(list) || list.some((s) => typeof s !== "string")) fail(place, key, at, `${where}: ${field} must be a list of strings`);
      rule[field] = list as string[];
      if (field !== "kinds") {
        for (const pattern of rule[field]) {
          const problem = globProblem(pattern);
          if (problem) fail(place, key, at, `${where}: ${field} pattern ${JSON.stringify(pattern)} is not a valid glob (${problem})`);
        }
      }
    }
    return rule;
  });
}

/** Throws at the key's line in the hydrated file; `valueLine` is a 1-based line inside the key's block value. */
function fail(place: ConfigPlace, key: string, valueLine: number | null, message: string): never {
  const lines = place.text.split("\n");
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const keyAt = lines.findIndex((l) => new RegExp(`^\\s*["']?${escaped}["']?\\s*:`).test(l));
  // A block scalar (`key: |`) starts on the next line; any other style has the value on the key's line.
  const block = keyAt >= 0 && /:\s*[|>][-+0-9]*\s*(#.*)?$/.test(lines[keyAt]!);
  const line = keyAt < 0 ? place.line : place.line + keyAt + (block && valueLine !== null ? valueLine : 0);
  throw new HomelabError(ErrorCode.Config, `argocd-cm of Application ${place.application}: ${message}`, {
    position: { file: place.file, line },
    hint: `the rendered argocd-cm is what ArgoCD reads; fix it where it comes from (${place.origin}) and render again`,
  });
}

/** A pattern as gobwas/glob (what ArgoCD's util/glob compiles) reads it without separators: `*`, `?`, `[...]`, `[!...]`, `{a,b}`, `\`. */
function compileGlob(pattern: string): RegExp {
  let i = 0;
  const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const sequence = (inBraces: boolean): string => {
    let out = "";
    while (i < pattern.length) {
      const c = pattern[i]!;
      if (inBraces && (c === "," || c === "}")) return out;
      i++;
      if (c === "*") out += "[\\s\\S]*";
      else if (c === "?") out += "[\\s\\S]";
      else if (c === "\\") {
        if (i >= pattern.length) throw new Error("a trailing \\ escapes nothing");
        out += escape(pattern[i++]!);
      } else if (c === "[") {
        const close = pattern.indexOf("]", i);
        if (close < 0) throw new Error("an unclosed [");
        let body = pattern.slice(i, close);
        i = close + 1;
        const negated = body.startsWith("!");
        if (negated) body = body.slice(1);
        if (body === "") throw new Error("an empty []");
        out += `[${negated ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
      } else if (c === "{") {
        const alternatives: string[] = [];
        for (;;) {
          alternatives.push(sequence(true));
          if (i >= pattern.length) throw new Error("an unclosed {");
          if (pattern[i++] === "}") break;
        }
        out += `(?:${alternatives.join("|")})`;
      } else out += escape(c);
    }
    return out;
  };
  const body = sequence(false);
  return new RegExp(`^${body}$`);
}

function globProblem(pattern: string): string | undefined {
  try {
    compileGlob(pattern);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

const globs = new Map<string, RegExp>();
function globMatch(pattern: string, text: string): boolean {
  let re = globs.get(pattern);
  if (!re) {
    try {
      re = compileGlob(pattern);
    } catch {
      // As ArgoCD: a pattern that does not compile matches nothing (settings from argocd-cm were checked already).
      re = /$^/;
    }
    globs.set(pattern, re);
  }
  return re.test(text);
}

/** Groups and clusters are globs; kinds are literal or `*` (ArgoCD's FilteredResource.matchKind). An empty list matches all. */
function matchesCluster(rule: FilterRule, cluster: string): boolean {
  return rule.clusters.length === 0 || rule.clusters.some((p) => globMatch(p, cluster));
}

export function ruleMatches(rule: FilterRule, group: string, kind: string, cluster: string): boolean {
  return (
    (rule.apiGroups.length === 0 || rule.apiGroups.some((p) => globMatch(p, group))) &&
    (rule.kinds.length === 0 || rule.kinds.some((k) => k === "*" || k === kind)) &&
    matchesCluster(rule, cluster)
  );
}

function describeRule(rule: FilterRule): string {
  const part = (name: string, list: string[]) => (list.length ? `${name} [${list.map((s) => (s === "" ? '""' : s)).join(", ")}]` : "");
  return [part("apiGroups", rule.apiGroups), part("kinds", rule.kinds), part("clusters", rule.clusters)].filter(Boolean).join(", ") || "(matches everything)";
}

/**
 * Why ArgoCD never applies an object of this group/kind on this cluster, or
 * null when it does: any exclusion (built-in first) excludes; else an
 * inclusion includes; else inclusions for this cluster exclude the rest
 * (ArgoCD's ResourcesFilter.IsExcludedResource).
 */
export function exclusionOf(settings: ArgoSettings, group: string, kind: string, cluster: string): string | null {
  const source = settings.config ? "argocd-cm" : "ArgoCD 3.x default argocd-cm";
  const core = CORE_EXCLUSIONS.findIndex((r) => ruleMatches(r, group, kind, cluster));
  if (core >= 0) return `ArgoCD's built-in exclusions: ${describeRule(CORE_EXCLUSIONS[core]!)}`;
  const excluded = settings.exclusions.findIndex((r) => ruleMatches(r, group, kind, cluster));
  if (excluded >= 0) return `resource.exclusions (${source}), entry ${excluded + 1}: ${describeRule(settings.exclusions[excluded]!)}`;
  if (settings.inclusions.some((r) => ruleMatches(r, group, kind, cluster))) return null;
  if (settings.inclusions.some((r) => matchesCluster(r, cluster))) return `resource.inclusions (${source}): no entry includes ${group || '""'}/${kind}`;
  return null;
}

/** The name ArgoCD tracks an Application by: `<namespace>_<name>` outside its own namespace (Application.InstanceName). */
export function instanceName(application: { name: string; namespace: string | null }, argocdNamespace: string): string {
  return application.namespace && application.namespace !== argocdNamespace ? `${application.namespace}_${application.name}` : application.name;
}

export interface TrackedObject {
  group: string;
  kind: string;
  name: string;
  /** The namespace the object lands in (null when cluster-scoped). */
  namespace: string | null;
  cluster: boolean;
  /** metadata.namespace as rendered (ArgoCD re-tracks a CRD whose rendered namespace it clears). */
  renderedNamespace: string | null;
}

export interface Tracking {
  id: string | null;
  label: { key: string; value: string } | null;
}

/**
 * What ArgoCD's tracking puts on an object it applies. The id is
 * `<app>:<group>/<kind>:<namespace>/<name>` (installationID, when set, is a
 * separate annotation, not part of it); a cluster-scoped object carries the
 * Application's destination namespace there (upgrade notes 2.14 -> 3.0). The
 * repo-server tracks everything but CRDs; the controller tracks again any
 * object whose namespace it fills in or clears, which reaches a CRD rendered
 * with a namespace.
 */
export function trackingOf(settings: ArgoSettings, app: string, destinationNamespace: string | null, object: TrackedObject): Tracking {
  const crd = object.group === "apiextensions.k8s.io" && object.kind === "CustomResourceDefinition";
  if (crd && !object.renderedNamespace) return { id: null, label: null };
  const namespace = object.cluster ? (destinationNamespace ?? "") : (object.namespace ?? destinationNamespace ?? "");
  const annotation = settings.trackingMethod !== "label";
  const labelled = settings.trackingMethod !== "annotation";
  return {
    id: annotation ? `${app}:${object.group}/${object.kind}:${namespace}/${object.name}` : null,
    label: labelled ? { key: settings.instanceLabelKey, value: settings.trackingMethod === "annotation+label" ? labelValue(app) : app } : null,
  };
}

/** With annotation+label the label is informational: cut to 63 characters, then to end in a letter or digit. */
function labelValue(app: string): string {
  if (app.length <= 63) return app;
  return app.slice(0, 63).replace(/[^A-Za-z0-9]+$/, "");
}
