/**
 * The one definition of hydrate's output, for hydrate (which writes it) and
 * every reader (checks, diff, review), so none of them re-declares it:
 *
 *   dist/hydrated/<component>/hydrate.json                    component summary
 *   dist/hydrated/<component>/<application>/index.json        per-Application index
 *   dist/hydrated/<component>/<application>/objects.json      the objects as JSON, by file digest
 *   dist/hydrated/<component>/<application>/<file>.yaml       one object per file
 *
 * Object files are named `<kind>.<namespace|_cluster>.<name>.yaml`, lowercase,
 * from a closed alphabet (`[a-z0-9._-]`), so a name from a chart can never
 * make a path leave its folder or clash on a case-insensitive file system;
 * the index is the authority on which file holds which object.
 */
import { createHash } from "node:crypto";
import { ErrorCode, HomelabError } from "@homelab/errors";

export const HYDRATED_FOLDER = "dist/hydrated";
export const INDEX_FILE = "index.json";
export const COMPONENT_SUMMARY_FILE = "hydrate.json";
export const INDEX_SCHEMA = "homelab.dev/hydrated-index/v1";
export const OBJECTS_FILE = "objects.json";
export const OBJECTS_SCHEMA = "homelab.dev/hydrated-objects/v1";
export const SUMMARY_SCHEMA = "homelab.dev/hydrated-component/v1";
/** Namespace segment of a cluster-scoped object's file name. */
export const CLUSTER_SCOPE = "_cluster";

export interface HelmSourceRecord {
  type: "helm";
  /** Position in the Application's `spec.sources` (0 for `spec.source`). */
  index: number;
  repoURL: string;
  chart: string;
  version: string;
  /** `sha256:<hex>` of the chart package from the lock, null when rendered from a folder. */
  digest: string | null;
  releaseName: string;
  namespace: string;
  /** Repository-relative value files in the order Helm merged them. */
  valueFiles: string[];
  /** Inline values after the files: `valuesObject`, `values`, or none. */
  inlineValues: "valuesObject" | "values" | null;
  includeCrds: boolean;
  kubeVersion: string;
  /** sha256 of the sorted `--api-versions` list, and its length. */
  apiVersions: { count: number; digest: string };
  engine: string;
}

export interface DirectorySourceRecord {
  type: "directory";
  index: number;
  repoURL: string;
  /** Repository-relative folder. */
  path: string;
  recurse: boolean;
}

export type SourceRecord = HelmSourceRecord | DirectorySourceRecord;

export interface HookRecord {
  /** `helm.sh/hook` or `argocd.argoproj.io/hook` types, e.g. `pre-install`. */
  types: string[];
  /** Which annotation said so. */
  annotation: "helm.sh/hook" | "argocd.argoproj.io/hook";
  weight: string | null;
  deletePolicy: string[];
  /**
   * The phases ArgoCD runs it in (gitops-engine's hook types): an ArgoCD hook
   * annotation wins over Helm's; Helm's pre-install/pre-upgrade are PreSync,
   * post-install/post-upgrade PostSync. Empty: ArgoCD never runs it (Helm
   * test hooks); ["Skip"]: ArgoCD does not apply it at all.
   */
  phases: string[];
}

export interface ObjectRecord {
  apiVersion: string;
  kind: string;
  name: string;
  /** The namespace the object lands in: its own, else the destination's for a namespaced kind; null when cluster-scoped. */
  namespace: string | null;
  scope: "Namespaced" | "Cluster" | "Unknown";
  /** Repository-relative path of the hydrated file. */
  file: string;
  /** 1-based line where the object starts in that file (after the header). */
  line: number;
  source: { type: "helm"; index: number; template: string; crd: boolean } | { type: "directory"; index: number; file: string; line: number };
  hook: HookRecord | null;
  /**
   * Why ArgoCD never applies nor tracks the object (resource.exclusions or
   * resource.inclusions of argocd-cm, or its built-in exclusions); null when
   * it applies it. Checks skip an excluded object. Absent in indexes written
   * before hydrate knew.
   */
  excluded?: string | null;
  /** The `argocd.argoproj.io/tracking-id` ArgoCD sets on it; null when it sets none (label tracking, a CRD, excluded). */
  trackingId?: string | null;
  /**
   * The instance label ArgoCD sets on it (label or annotation+label tracking).
   * The file keeps what the chart rendered; objects.json and checks carry the label (withTrackingLabel).
   */
  trackingLabel?: { key: string; value: string } | null;
}

/** The ArgoCD settings hydrate applied to an Application's objects, and where they come from. */
export interface ArgoCDRecord {
  /** The hydrated argocd-cm they were read from; null: there is none in the hydrated set, so ArgoCD 3.x defaults. */
  config: { application: string; file: string; line: number } | null;
  /** The name ArgoCD tracks the Application by (`<namespace>_<name>` outside ArgoCD's namespace). */
  instanceName: string;
  /** The destination server resource.exclusions/inclusions `clusters` were matched against. */
  cluster: string;
  tracking: { method: "annotation" | "label" | "annotation+label"; labelKey: string; installationID: string | null };
  /** How many of the objects ArgoCD never applies (see ObjectRecord.excluded). */
  excluded: number;
}

/** The object as ArgoCD applies it with label tracking: a copy with its instance label (the chart's value stays as rendered). */
export function withTrackingLabel(value: Record<string, unknown>, label: { key: string; value: string } | null | undefined): Record<string, unknown> {
  if (!label) return value;
  const metadata = isRecord(value.metadata) ? value.metadata : {};
  const labels = isRecord(metadata.labels) ? metadata.labels : {};
  if (labels[label.key] === label.value) return value;
  return { ...value, metadata: { ...metadata, labels: { ...labels, [label.key]: label.value } } };
}

export interface HydrateFinding {
  rule: "hydrate-nondeterministic" | "hydrate-duplicate-object" | "hydrate-excluded-resource";
  severity: "error" | "warning";
  application: string;
  object: { apiVersion: string; kind: string; namespace: string | null; name: string };
  /** Dotted path of the field that changed between two renders of the same inputs. */
  path: string | null;
  message: string;
  file: string;
  line: number;
}

export interface HydratedIndex {
  schema: typeof INDEX_SCHEMA;
  generator: "@homelab/hydrate";
  application: string;
  component: string;
  /** Where the Application is defined: the ApplicationSet (or Application) file and line. */
  definedIn: { file: string; line: number; applicationSet: string | null };
  project: string;
  destination: { server: string | null; namespace: string | null };
  syncWave: string | null;
  sources: SourceRecord[];
  objects: ObjectRecord[];
  findings: HydrateFinding[];
  /** Engine warnings (coalesce, deprecated chart), one line each. */
  warnings: string[];
  /** What ArgoCD's own settings do to the objects (absent in indexes written before hydrate knew). */
  argocd?: ArgoCDRecord;
}

export interface ComponentSummary {
  schema: typeof SUMMARY_SCHEMA;
  generator: "@homelab/hydrate";
  component: string;
  applications: string[];
  kubeVersion: string;
  apiVersions: { count: number; digest: string };
  objects: number;
  findings: HydrateFinding[];
}

export function componentFolder(component: string): string {
  return `${HYDRATED_FOLDER}/${safeSegment(component, "component")}`;
}

export function applicationFolder(component: string, application: string): string {
  return `${componentFolder(component)}/${safeSegment(application, "Application")}`;
}

export function indexFile(component: string, application: string): string {
  return `${applicationFolder(component, application)}/${INDEX_FILE}`;
}

export function objectsFile(component: string, application: string): string {
  return `${applicationFolder(component, application)}/${OBJECTS_FILE}`;
}

/**
 * The objects of one Application as hydrate parsed them, so a reader takes
 * them with JSON.parse instead of parsing every YAML file again. Each entry
 * carries the digest of the file it was written with: dist/ can be edited by
 * hand, and a file whose bytes no longer match is read from its YAML.
 */
export interface HydratedObjects {
  schema: typeof OBJECTS_SCHEMA;
  generator: "@homelab/hydrate";
  objects: HydratedObjectEntry[];
}

export interface HydratedObjectEntry {
  /** Repository-relative path of the object file (as in the index). */
  file: string;
  /** contentDigest() of the file's text. */
  digest: string;
  /** The object, as the file's YAML reads (YAML 1.1, as the API server reads it). */
  value: Record<string, unknown>;
}

/** `sha256:<hex>` of a file's UTF-8 text: what ties an objects.json entry to the file it describes. */
export function contentDigest(text: string): string {
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

/**
 * The entries of an objects.json by file; undefined when the text is not one
 * (missing, truncated, another schema): it is a cache of the YAML files, so a
 * reader falls back to them instead of failing.
 */
export function parseHydratedObjects(text: string): Map<string, HydratedObjectEntry> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value.schema !== OBJECTS_SCHEMA || !Array.isArray(value.objects)) return undefined;
  const out = new Map<string, HydratedObjectEntry>();
  for (const entry of value.objects as unknown[]) {
    if (!isRecord(entry) || typeof entry.file !== "string" || typeof entry.digest !== "string" || !isRecord(entry.value)) return undefined;
    out.set(entry.file, entry as unknown as HydratedObjectEntry);
  }
  return out;
}

export function summaryFile(component: string): string {
  return `${componentFolder(component)}/${COMPONENT_SUMMARY_FILE}`;
}

/** A folder name from a Kubernetes name: validated, never transformed, since people type it. */
function safeSegment(name: string, what: string): string {
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253 || name.includes("..")) {
    throw new HomelabError(ErrorCode.Config, `${what} name ${JSON.stringify(name)} cannot name a hydrated folder (lowercase letters, digits, '-' and '.')`);
  }
  return name;
}

const MAX_FILE_NAME = 200;

/** One file-name segment: lowercase, `[a-z0-9._-]` only; anything else becomes `_`. */
function fileSegment(text: string): string {
  const lowered = text
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, "_")
    .replace(/\.{2,}/g, "_")
    .replace(/^\.+/, "_")
    .replace(/\.+$/, "_");
  return lowered === "" ? "_" : lowered;
}

/**
 * The file name of an object, before de-duplication: `<kind>.<namespace>.<name>.yaml`.
 * Too long a name keeps a readable prefix and a hash of the full one.
 */
export function objectFileName(kind: string, namespace: string | null, name: string): string {
  const base = `${fileSegment(kind)}.${namespace === null ? CLUSTER_SCOPE : fileSegment(namespace)}.${fileSegment(name)}`;
  if (base.length <= MAX_FILE_NAME) return `${base}.yaml`;
  const hash = createHash("sha256").update(base).digest("hex").slice(0, 12);
  return `${base.slice(0, MAX_FILE_NAME - 13)}-${hash}.yaml`;
}

/** Names for objects in order; a clash (same name after lowering, another group) gets `.2`, `.3`, ... */
export function uniqueFileNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; used.has(candidate); n++) candidate = name.replace(/\.yaml$/, `.${n}.yaml`);
    used.add(candidate);
    return candidate;
  });
}

/** The comment header of a hydrated file (each line becomes `# ...`). */
export function objectHeader(lines: readonly string[]): string {
  return lines.map((line) => (line ? `# ${line}` : "#")).join("\n") + "\n";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses and checks an index file's text; `file` names it in errors. */
export function parseHydratedIndex(text: string, file: string): HydratedIndex {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HomelabError(ErrorCode.Syntax, `hydrated index is not valid JSON: ${(error as Error).message}`, {
      position: { file },
      hint: "run `npx homelab hydrate` again",
    });
  }
  const problem = indexProblem(value);
  if (problem) {
    throw new HomelabError(ErrorCode.Syntax, `hydrated index ${problem}`, { position: { file }, hint: "run `npx homelab hydrate` again" });
  }
  return value as HydratedIndex;
}

function indexProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return "is not a JSON object";
  if (value.schema !== INDEX_SCHEMA) return `has schema ${JSON.stringify(value.schema)}, expected ${INDEX_SCHEMA}`;
  for (const key of ["application", "component", "project"]) if (typeof value[key] !== "string") return `lacks '${key}'`;
  for (const key of ["sources", "objects", "findings", "warnings"]) if (!Array.isArray(value[key])) return `lacks the list '${key}'`;
  for (const [i, object] of (value.objects as unknown[]).entries()) {
    if (!isRecord(object)) return `objects[${i}] is not an object`;
    for (const key of ["apiVersion", "kind", "name", "file"]) if (typeof object[key] !== "string") return `objects[${i}] lacks '${key}'`;
    if (typeof object.line !== "number" || object.line < 1) return `objects[${i}] has no valid line`;
    if (!isRecord(object.source) || (object.source.type !== "helm" && object.source.type !== "directory")) return `objects[${i}] has no valid source`;
    const file = object.file as string;
    if (!file.startsWith(`${HYDRATED_FOLDER}/`) || file.split("/").some((s) => s === ".." || s === ""))
      return `objects[${i}] names a file outside ${HYDRATED_FOLDER}`;
  }
  return undefined;
}
