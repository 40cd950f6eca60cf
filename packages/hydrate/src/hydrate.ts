/**
 * Hydration: every Application the repository defines, rendered into the
 * objects ArgoCD would apply.
 *
 * 1. Applications from apps-root-config/applications (ApplicationSets expanded).
 * 2. Each source planned as ArgoCD's repo-server plans it (plan.ts).
 * 3. The API surface (api.ts) to a fixed point: render every release with the
 *    built-ins and @homelab/crds, add the CRDs the releases and folders
 *    install, render again until the `--api-versions` list stops changing.
 *    All releases take part even when only some components are written:
 *    any chart may install a CRD another chart tests for.
 * 4. Each written release rendered once more with the same inputs: objects
 *    that differ are determinism findings.
 * 5. ArgoCD's own settings, from the argocd-cm ConfigMap the hydrated set
 *    renders (argocd.ts): objects resource.exclusions/inclusions keep ArgoCD
 *    from applying are marked and reported, and each object gets the
 *    tracking id or instance label ArgoCD gives it.
 * 6. One folder per Application (layout.ts), written atomically per component.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import os from "node:os";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { realInside, resolveInside } from "@homelab/layout";
import { ApiSurface, baseSurface, crdResources, listDigest, splitApiVersion, type ApiResource } from "./api.js";
import { APPLICATIONS_FOLDER, applicationsFromFile, type DefinedApplication } from "./applications.js";
import {
  DEFAULT_ARGOCD_NAMESPACE,
  IN_CLUSTER,
  defaultSettings,
  exclusionOf,
  instanceName,
  settingsFromConfigMap,
  trackingOf,
  type ArgoSettings,
} from "./argocd.js";
import { differingPaths } from "./determinism.js";
import { engineDocument, parseCached, parseDocuments, type DocumentCache, type ParsedDocument } from "./documents.js";
import type { ChartResolver, ReleaseRequest, ReleaseResult, RenderEngine, ResolvedChart } from "./engine.js";
import {
  HYDRATED_FOLDER,
  INDEX_FILE,
  INDEX_SCHEMA,
  OBJECTS_SCHEMA,
  contentDigest,
  objectsFile,
  SUMMARY_SCHEMA,
  applicationFolder,
  objectFileName,
  objectHeader,
  summaryFile,
  uniqueFileNames,
  withTrackingLabel,
  type ComponentSummary,
  type HookRecord,
  type HydrateFinding,
  type HydratedIndex,
  type HydratedObjects,
  type ObjectRecord,
  type SourceRecord,
} from "./layout.js";
import { planApplication, type ApplicationPlan, type DirectorySourcePlan, type HelmSourcePlan, type RepositoryFacts } from "./plan.js";
import { writeComponents, type OutputFile } from "./write.js";

export interface HydrateOptions extends RepositoryFacts {
  /** The cluster's Kubernetes version (`--kube-version`). */
  kubeVersion: string;
  /** Components to write; all when empty or absent. */
  components?: readonly string[];
  engine: RenderEngine;
  charts: ChartResolver;
  /** Write the output folders (default true). */
  write?: boolean;
  signal?: AbortSignal;
  /** How many fixed-point passes at most before giving up (default 4). */
  maxPasses?: number;
}

export interface HydratedObject {
  record: ObjectRecord;
  /** The object as the engine or the folder gave it. */
  content: string;
  value: Record<string, unknown>;
}

export interface HydratedApplication {
  plan: ApplicationPlan;
  index: HydratedIndex;
  objects: HydratedObject[];
}

export interface HydrateResult {
  applications: HydratedApplication[];
  findings: HydrateFinding[];
  surface: ApiSurface;
  /** Renders per release until the API list was stable (1 when the base surface was already complete; 0 when it came from the memo). */
  passes: number;
  engine: string;
  /** Repository-relative component folders written. */
  written: string[];
}

/** Every Application of the repository, in file order; names must be unique as they are in the argocd namespace. */
export async function defineApplications(root: string): Promise<DefinedApplication[]> {
  const folder = resolveInside(root, APPLICATIONS_FOLDER, "the ApplicationSet folder");
  let entries: string[];
  try {
    entries = (await readdir(await realInside(root, folder, "the ApplicationSet folder"))).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") {
      throw new HomelabError(ErrorCode.Config, `${APPLICATIONS_FOLDER} does not exist: nothing defines an Application`, {
        hint: "run `npx homelab render` first",
      });
    }
    throw error;
  }
  const out: DefinedApplication[] = [];
  const seen = new Map<string, DefinedApplication>();
  for (const entry of entries) {
    const file = `${APPLICATIONS_FOLDER}/${entry}`;
    const text = await readFile(await realInside(root, resolveInside(root, file, "an ApplicationSet file"), "an ApplicationSet file"), "utf8");
    for (const defined of applicationsFromFile(text, file)) {
      const name = defined.application.metadata.name;
      const earlier = seen.get(name);
      if (earlier) {
        throw new HomelabError(ErrorCode.Config, `Application ${name} is generated twice: also by ${earlier.origin.file}:${earlier.origin.line}`, {
          position: { file: defined.origin.file, line: defined.origin.line },
          hint: "ArgoCD keeps one Application per name in its namespace; the second ApplicationSet fights the first",
        });
      }
      seen.set(name, defined);
      out.push(defined);
    }
  }
  return out;
}

interface Release {
  plan: ApplicationPlan;
  source: HelmSourcePlan;
  chart: ResolvedChart;
  id: string;
}

function releaseRequest(release: Release, surface: ApiSurface, kubeVersion: string): ReleaseRequest {
  const { source } = release;
  return {
    id: release.id,
    chart: release.chart.path,
    releaseName: source.releaseName,
    namespace: source.namespace,
    values: [...source.valueFiles.map((f) => f.values), ...(source.inline ? [source.inline.values] : [])],
    kubeVersion: source.kubeVersion ?? kubeVersion,
    apiVersions: source.apiVersions ?? surface.apiVersions(),
    includeCrds: source.includeCrds,
    isUpgrade: false,
  };
}

/** What the renders of one hydrate run share. */
interface RenderRun {
  options: Parameters<RenderEngine["renderReleases"]>[1] & {};
  /** Each release's output size at its last render, the estimate of its cost for the next. */
  weights: Map<string, number>;
}

/**
 * Requests split into `count` batches of about equal cost: the costliest first,
 * each to the lightest batch so far (longest processing time first), by the
 * weight of the release's last render; round-robin before any render, when
 * every weight is the same.
 */
export function lanes<T extends { id: string }>(requests: readonly T[], count: number, weights: ReadonlyMap<string, number>): T[][] {
  const batches = Array.from({ length: count }, () => ({ load: 0, requests: [] as T[] }));
  const weight = (r: T) => weights.get(r.id) ?? 1;
  const order = requests.map((r, i) => ({ r, i })).sort((a, b) => weight(b.r) - weight(a.r) || a.i - b.i);
  for (const { r } of order) {
    const lightest = batches.reduce((min, b) => (b.load < min.load ? b : min));
    lightest.requests.push(r);
    lightest.load += weight(r);
  }
  return batches.map((b) => b.requests).filter((b) => b.length > 0);
}

/**
 * A render's cost, estimated from its output, measured on the real cluster's
 * charts: a fixed part, then Helm splitting and sorting the templates' output
 * (and the helper converting new texts); the crds/ files are only read and
 * hashed once converted.
 */
function renderWeight(result: ReleaseResult): number {
  let bytes = 32_768;
  for (const object of result.objects) bytes += object.content.length;
  for (const crd of result.crds) bytes += crd.content.length / 6;
  return bytes;
}

async function renderAll(
  engine: RenderEngine,
  releases: readonly Release[],
  surface: ApiSurface,
  kubeVersion: string,
  run: RenderRun,
): Promise<Map<string, ReleaseResult>> {
  if (releases.length === 0) return new Map();
  const requests = releases.map((r) => releaseRequest(r, surface, kubeVersion));
  // One helper process renders its batch serially: a batch per core uses them all.
  const batches = lanes(requests, Math.max(1, Math.min(os.availableParallelism(), requests.length)), run.weights);
  const results = (await Promise.all(batches.map((batch) => engine.renderReleases(batch, run.options)))).flat();
  const byId = new Map(results.map((r) => [r.id, r]));
  for (const result of results) run.weights.set(result.id, renderWeight(result));
  const failures: string[] = [];
  let first: Release | undefined;
  for (const release of releases) {
    const result = byId.get(release.id);
    if (!result) throw new Error(`the render engine returned no result for ${release.id}`);
    if (result.error) {
      first ??= release;
      const where = result.error.template ? ` (${result.error.template}${result.error.line ? `:${result.error.line}` : ""})` : "";
      failures.push(`${release.plan.name}: chart ${release.source.chart}@${release.source.version}${where}: ${result.error.message}`);
    }
  }
  if (first) {
    const valuesFile = first.source.valueFiles[0]?.file;
    throw new HomelabError(ErrorCode.ChartInvalid, `${failures.length} release(s) failed to render as ArgoCD would render them`, {
      position: valuesFile ? { file: valuesFile } : { file: first.plan.defined.origin.file, line: first.plan.defined.origin.line },
      details: failures,
      hint: "the message is Helm's; fix the component's values (or the chart version) and render again",
    });
  }
  return byId;
}

interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string | null;
}

function identity(value: Record<string, unknown>, what: string, file: string): Identity {
  const metadata = (value.metadata ?? {}) as Record<string, unknown>;
  if (typeof value.apiVersion !== "string" || typeof value.kind !== "string" || typeof metadata.name !== "string" || metadata.name === "") {
    throw new HomelabError(ErrorCode.Syntax, `${what} holds an object without apiVersion, kind or metadata.name`, { position: { file } });
  }
  return {
    apiVersion: value.apiVersion,
    kind: value.kind,
    name: metadata.name,
    namespace: typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : null,
  };
}

function annotationsOf(value: Record<string, unknown>): Record<string, string> {
  const metadata = value.metadata as Record<string, unknown> | undefined;
  const annotations = metadata?.annotations;
  return annotations && typeof annotations === "object" ? (annotations as Record<string, string>) : {};
}

function splitList(text: string | undefined): string[] {
  return (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

const ARGOCD_HOOK_TYPES = new Set(["PreSync", "Sync", "PostSync", "SyncFail", "PostDelete", "Skip"]);
const HELM_TO_ARGOCD: Record<string, string> = { "pre-install": "PreSync", "pre-upgrade": "PreSync", "post-install": "PostSync", "post-upgrade": "PostSync" };

/**
 * A hook as ArgoCD treats it (gitops-engine sync/hook): its own annotation
 * first, else Helm's (`crd-install` is no hook), whose events the engine
 * reports as Helm saw them.
 */
function hookOf(value: Record<string, unknown>, engineHook: string[] | null): HookRecord | null {
  const annotations = annotationsOf(value);
  const argo = annotations["argocd.argoproj.io/hook"];
  if (argo !== undefined) {
    const types = splitList(argo);
    return {
      types,
      annotation: "argocd.argoproj.io/hook",
      weight: annotations["argocd.argoproj.io/sync-wave"] ?? null,
      deletePolicy: splitList(annotations["argocd.argoproj.io/hook-delete-policy"] ?? annotations["helm.sh/hook-delete-policy"]),
      phases: types.filter((t) => ARGOCD_HOOK_TYPES.has(t)),
    };
  }
  const helm = engineHook && engineHook.length > 0 ? engineHook : splitList(annotations["helm.sh/hook"]);
  if (helm.length === 0 || (helm.length === 1 && helm[0] === "crd-install")) return null;
  return {
    types: helm,
    annotation: "helm.sh/hook",
    weight: annotations["helm.sh/hook-weight"] ?? null,
    deletePolicy: splitList(annotations["helm.sh/hook-delete-policy"]),
    phases: [...new Set(helm.map((t) => HELM_TO_ARGOCD[t]).filter((t): t is string => t !== undefined))],
  };
}

function objectKey(id: Identity): string {
  return `${splitApiVersion(id.apiVersion).group}/${id.kind}/${id.namespace ?? ""}/${id.name}`;
}

interface Collected {
  id: Identity;
  content: string;
  value: Record<string, unknown>;
  source: ObjectRecord["source"];
  hook: HookRecord | null;
}

/** Objects a release installs: the chart's crds/ (with --include-crds), then templates and hooks in Helm's order. */
function releaseObjects(release: Release, result: ReleaseResult, cache: DocumentCache): Collected[] {
  const out: Collected[] = [];
  const what = (template: string) => `${release.source.chart}@${release.source.version} ${template} (Application ${release.plan.name})`;
  const file = release.plan.defined.origin.file;
  for (const crd of result.crds) {
    const where = { file, what: what(crd.file) };
    // Converted by the engine when the file is one document: the charts' CRDs are megabytes of YAML.
    const docs = crd.value === undefined ? parseCached(cache, crd.content, where) : engineDocument(cache, crd.content, crd.value, where);
    for (const doc of docs) {
      out.push({
        id: identity(doc.value, what(crd.file), file),
        ...doc,
        source: { type: "helm", index: release.source.index, template: crd.file, crd: true },
        hook: null,
      });
    }
  }
  for (const object of result.objects) {
    const where = { file, what: what(object.template) };
    const docs = object.value === undefined ? parseCached(cache, object.content, where) : engineDocument(cache, object.content, object.value, where);
    for (const doc of docs) {
      out.push({
        id: identity(doc.value, what(object.template), file),
        ...doc,
        source: { type: "helm", index: release.source.index, template: object.template, crd: false },
        hook: hookOf(doc.value, object.hook),
      });
    }
  }
  return out;
}

async function directoryObjects(root: string, source: DirectorySourcePlan): Promise<Collected[]> {
  const out: Collected[] = [];
  for (const file of source.files) {
    const text = await readFile(await realInside(root, resolveInside(root, file, "a manifest file"), "a manifest file"), "utf8");
    const docs = file.endsWith(".json") ? [{ content: text.trim(), value: parseJsonObject(text, file) }] : parseDocumentsWithLines(text, file);
    for (const doc of docs) {
      out.push({
        id: identity(doc.value, file, file),
        content: doc.content,
        value: doc.value,
        source: { type: "directory", index: source.index, file, line: "line" in doc ? (doc.line as number) : 1 },
        hook: hookOf(doc.value, null),
      });
    }
  }
  return out;
}

function parseJsonObject(text: string, file: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (error) {
    throw new HomelabError(ErrorCode.Syntax, `manifest is not valid JSON: ${(error as Error).message}`, { position: { file } });
  }
  throw new HomelabError(ErrorCode.Syntax, "manifest must hold one JSON object", { position: { file } });
}

function parseDocumentsWithLines(text: string, file: string): (ParsedDocument & { line: number })[] {
  const docs = parseDocuments(text, { file, what: file });
  // Lines come from the position of each document's text in the file.
  let from = 0;
  return docs.map((doc) => {
    const at = text.indexOf(doc.content, from);
    from = at >= 0 ? at + doc.content.length : from;
    const line = at >= 0 ? text.slice(0, at).split("\n").length : 1;
    return { ...doc, line };
  });
}

/**
 * The cluster resource.exclusions/inclusions `clusters` match for an Application: its destination's server URL; a
 * destination by a name other than in-cluster resolves through a cluster Secret hydrate cannot see, so it is that name.
 */
function destinationCluster(plan: ApplicationPlan): string {
  const name = plan.defined.application.spec.destination.name;
  return plan.destination.server ?? (name === "in-cluster" ? IN_CLUSTER : (name ?? ""));
}

/**
 * The APIs the CRDs among an Application's objects serve. A CRD ArgoCD's settings exclude is never applied and
 * serves none; without the settings (not rendered yet) every CRD counts.
 */
function installedCrds(collected: readonly Collected[], plan: ApplicationPlan, argo: ArgoSettings | null): ApiResource[] {
  const cluster = destinationCluster(plan);
  return collected.flatMap((c) =>
    argo && exclusionOf(argo, splitApiVersion(c.id.apiVersion).group, c.id.kind, cluster) !== null
      ? []
      : crdResources(c.value, `Application ${plan.name} ${c.source.type === "helm" ? c.source.template : c.source.file}`),
  );
}

export async function hydrate(options: HydrateOptions): Promise<HydrateResult> {
  const { root, kubeVersion, engine, charts } = options;
  const repo: RepositoryFacts = { root, repoURL: options.repoURL };
  const defined = await defineApplications(root);
  const plans: ApplicationPlan[] = [];
  for (const app of defined) plans.push(await planApplication(app, repo));

  const components = new Set(plans.map((p) => p.component));
  const wanted = options.components?.length ? new Set(options.components) : components;
  for (const name of wanted) {
    if (!components.has(name)) {
      throw new HomelabError(ErrorCode.Usage, `no Application belongs to component ${name}`, {
        hint: `components with Applications: ${[...components].sort().join(", ")}`,
      });
    }
  }

  const documents: DocumentCache = new Map();
  // The engine's conversions of this run, by text digest: the fixed-point passes and the determinism render repeat most texts.
  const run: RenderRun = { options: { ...(options.signal ? { signal: options.signal } : {}), converted: new Map() }, weights: new Map() };
  const resolved = new Map<string, Promise<ResolvedChart>>();
  const releases: Release[] = [];
  for (const plan of plans) {
    for (const source of plan.sources) {
      if (source.type !== "helm") continue;
      const key = `${source.repoURL}\0${source.chart}\0${source.version}`;
      if (!resolved.has(key)) resolved.set(key, charts.resolve({ repoURL: source.repoURL, chart: source.chart, version: source.version }));
      releases.push({ plan, source, chart: await resolved.get(key)!, id: `${plan.name}#${source.index}` });
    }
  }

  // Folders are read once: their CRDs count for the surface, their objects for the output.
  const folderObjects = new Map<string, Collected[]>();
  for (const plan of plans) {
    for (const source of plan.sources) {
      if (source.type === "directory") folderObjects.set(`${plan.name}#${source.index}`, await directoryObjects(root, source));
    }
  }
  const folderCrds = (argo: ArgoSettings | null) =>
    plans.flatMap((plan) =>
      plan.sources.flatMap((s) => (s.type === "directory" ? installedCrds(folderObjects.get(`${plan.name}#${s.index}`)!, plan, argo) : [])),
    );

  const base = baseSurface(kubeVersion);
  const engineVersion = await engine.version();
  const writtenReleases = releases.filter((r) => wanted.has(r.plan.component));
  // ArgoCD's argocd-cm lives in the namespace its Applications are in; the releases that may render it are rendered
  // even when their component is not written, so every component sees the same settings.
  const argocdNamespaces = new Set(plans.map((p) => p.defined.application.metadata.namespace ?? DEFAULT_ARGOCD_NAMESPACE));
  const configReleases = releases.filter((r) => !wanted.has(r.plan.component) && (r.source.chart === "argo-cd" || argocdNamespaces.has(r.source.namespace)));
  // The fixed point depends on every release's inputs; a memo keyed on all of them lets the per-component
  // Nx tasks render only their own charts after the first task has settled the list.
  const memoKey = surfaceKey(engineVersion, base, folderCrds(null), folderObjects, releases, kubeVersion);
  const memo = options.write === false ? undefined : await readSurfaceMemo(root, memoKey);
  let surface: ApiSurface;
  let results: Map<string, ReleaseResult>;
  let passes = 0;
  if (memo) {
    surface = memo;
    results = await renderAll(engine, [...writtenReleases, ...configReleases], surface, kubeVersion, run);
  } else {
    // Which CRDs ArgoCD excludes is known once the argocd-cm renders: the first pass counts every CRD.
    surface = base.with(folderCrds(null));
    results = await renderAll(engine, releases, surface, kubeVersion, run);
    passes = 1;
    const maxPasses = options.maxPasses ?? 4;
    for (;;) {
      const rendered = results;
      const settled = surface;
      const settings = argoSettings(plans, releases, rendered, folderObjects, documents, argocdNamespaces, (plan) =>
        assemble(plan, releases, rendered, new Map(), folderObjects, settled, kubeVersion, engineVersion, documents, null),
      );
      const crds = releases.flatMap((r) => installedCrds(releaseObjects(r, rendered.get(r.id)!, documents), r.plan, settings));
      const next = base.with([...folderCrds(settings), ...crds]);
      if (next.sameAs(surface)) {
        surface = next;
        break;
      }
      if (passes >= maxPasses) {
        throw new HomelabError(
          ErrorCode.ChartInvalid,
          `the cluster's API list did not settle after ${passes} renders: some chart installs different CRDs depending on the API versions it is given`,
        );
      }
      surface = next;
      results = await renderAll(engine, releases, surface, kubeVersion, run);
      passes++;
    }
    if (options.write !== false) await writeSurfaceMemo(root, memoKey, surface);
  }

  const writtenPlans = plans.filter((p) => wanted.has(p.component));
  // Same inputs once more: what differs is not reproducible.
  const again = await renderAll(engine, writtenReleases, surface, kubeVersion, run);

  const assembleOf = (plan: ApplicationPlan, argo: ArgoSettings | null) =>
    assemble(plan, releases, results, again, folderObjects, surface, kubeVersion, engineVersion, documents, argo);
  const argo = argoSettings(plans, releases, results, folderObjects, documents, argocdNamespaces, (plan) => assembleOf(plan, null));
  const applications: HydratedApplication[] = [];
  for (const plan of writtenPlans) applications.push(assembleOf(plan, argo));
  const findings = applications.flatMap((a) => a.index.findings);

  let written: string[] = [];
  if (options.write !== false) {
    const byComponent = new Map<string, OutputFile[]>();
    for (const name of [...wanted].sort()) byComponent.set(name, []);
    for (const app of applications) byComponent.get(app.plan.component)!.push(...applicationFiles(app));
    for (const [component, files] of byComponent) {
      const apps = applications.filter((a) => a.plan.component === component);
      const summary: ComponentSummary = {
        schema: SUMMARY_SCHEMA,
        generator: "@homelab/hydrate",
        component,
        applications: apps.map((a) => a.plan.name),
        kubeVersion,
        apiVersions: { count: surface.apiVersions().length, digest: surface.digest() },
        objects: apps.reduce((n, a) => n + a.objects.length, 0),
        findings: apps.flatMap((a) => a.index.findings),
      };
      files.push({ path: summaryFile(component), content: `${JSON.stringify(summary, null, 2)}\n` });
    }
    // Hydrating everything also removes the folders of components that are gone.
    written = await writeComponents(root, byComponent, !options.components?.length);
  }
  return { applications, findings, surface, passes, engine: engineVersion, written };
}

const SURFACE_MEMO = `${HYDRATED_FOLDER}/.api-surface`;
const SURFACE_MEMOS_KEPT = 8;

/** How the list is derived; a change to that makes every memoised list stale (2: CRDs ArgoCD excludes serve no API). */
const SURFACE_DERIVATION = 2;

function surfaceKey(
  engineVersion: string,
  base: ApiSurface,
  folderCrds: readonly ApiResource[],
  folderObjects: ReadonlyMap<string, readonly Collected[]>,
  releases: readonly Release[],
  kubeVersion: string,
): string {
  const inputs = releases.map((r) => ({
    id: r.id,
    // A pinned package is its digest; a folder is its path (chart versions are immutable once published).
    chart: r.chart.digest ?? `${r.chart.path}@${r.source.version}`,
    request: { ...releaseRequest(r, base, kubeVersion), chart: undefined, apiVersions: r.source.apiVersions },
  }));
  // An argocd-cm in a manifests folder decides which CRDs count (one a chart renders is in the release inputs).
  const folderSettings = [...folderObjects.values()].flatMap((objects) =>
    objects.filter((c) => isArgoConfig(c.id.apiVersion, c.id.kind, c.id.name)).map((c) => c.content),
  );
  return createHash("sha256")
    .update(JSON.stringify({ derivation: SURFACE_DERIVATION, engineVersion, base: base.digest(), folderCrds, folderSettings, inputs }))
    .digest("hex");
}

async function readSurfaceMemo(root: string, key: string): Promise<ApiSurface | undefined> {
  try {
    const file = resolveInside(root, `${SURFACE_MEMO}/${key}.json`, "the API list memo");
    const resources = JSON.parse(await readFile(await realInside(root, file, "the API list memo"), "utf8")) as ApiResource[];
    if (!Array.isArray(resources) || resources.some((r) => typeof r?.group !== "string" || typeof r.kind !== "string" || typeof r.version !== "string"))
      return undefined;
    return new ApiSurface(resources);
  } catch {
    // No memo (or an unreadable one): compute the list.
    return undefined;
  }
}

async function writeSurfaceMemo(root: string, key: string, surface: ApiSurface): Promise<void> {
  const folder = resolveInside(root, SURFACE_MEMO, "the API list memo folder");
  await mkdir(folder, { recursive: true });
  await realInside(root, folder, "the API list memo folder");
  const file = path.join(folder, `${key}.json`);
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, `${JSON.stringify(surface.resources)}\n`);
  await rename(temp, file);
  // The lists of the latest few input sets are kept (switching branches back and forth); other runs' temporary files are theirs.
  const memos = await Promise.all(
    (await readdir(folder))
      .filter((e) => e.endsWith(".json"))
      .map(async (e) => ({ file: path.join(folder, e), mtime: (await stat(path.join(folder, e))).mtimeMs })),
  );
  for (const old of memos.sort((a, b) => b.mtime - a.mtime).slice(SURFACE_MEMOS_KEPT)) await rm(old.file, { force: true });
}

const isArgoConfig = (apiVersion: string, kind: string, name: string) => apiVersion === "v1" && kind === "ConfigMap" && name === "argocd-cm";

/**
 * ArgoCD's settings from the argocd-cm ConfigMap in ArgoCD's namespace that
 * some Application renders (the configuration the cluster runs, not the
 * chart's defaults); ArgoCD 3.x's defaults when none does.
 */
function argoSettings(
  plans: readonly ApplicationPlan[],
  releases: readonly Release[],
  results: Map<string, ReleaseResult>,
  folderObjects: Map<string, Collected[]>,
  documents: DocumentCache,
  namespaces: ReadonlySet<string>,
  assembleWithout: (plan: ApplicationPlan) => HydratedApplication,
): ArgoSettings {
  const found: { app: HydratedApplication; object: HydratedObject }[] = [];
  for (const plan of plans) {
    const own = releases.filter((r) => r.plan === plan);
    // Not rendered in this run (an unwritten component with the API list memoised): it renders no argocd-cm (configReleases).
    if (own.some((r) => !results.has(r.id))) continue;
    const collected = [
      ...own.flatMap((r) => releaseObjects(r, results.get(r.id)!, documents)),
      ...plan.sources.flatMap((s) => folderObjects.get(`${plan.name}#${s.index}`) ?? []),
    ];
    if (!collected.some((c) => isArgoConfig(c.id.apiVersion, c.id.kind, c.id.name))) continue;
    // The whole Application, for the file and line the settings are reported at.
    const app = assembleWithout(plan);
    for (const object of app.objects) {
      const r = object.record;
      if (isArgoConfig(r.apiVersion, r.kind, r.name) && r.namespace !== null && namespaces.has(r.namespace)) found.push({ app, object });
    }
  }
  if (found.length > 1) {
    throw new HomelabError(ErrorCode.Config, `${found.length} Applications render ArgoCD's argocd-cm; ArgoCD reads one`, {
      position: { file: found[1]!.object.record.file, line: found[1]!.object.record.line },
      details: found.map((f) => `${f.app.plan.name}: ${f.object.record.file}:${f.object.record.line}`),
    });
  }
  if (found.length === 0) return defaultSettings(namespaces.size === 1 ? [...namespaces][0] : DEFAULT_ARGOCD_NAMESPACE);
  const { app, object } = found[0]!;
  const record = object.record;
  const source = app.index.sources.find((s) => s.index === record.source.index);
  const origin =
    record.source.type === "directory"
      ? `${record.source.file}:${record.source.line}`
      : source?.type === "helm"
        ? `chart ${source.chart}@${source.version} ${record.source.template}, values ${source.valueFiles.join(", ") || "(chart defaults)"}`
        : record.file;
  return settingsFromConfigMap(
    object.value,
    {
      application: app.plan.name,
      file: record.file,
      line: record.line,
      text: object.content
        .split("\n")
        .slice(record.line - 1)
        .join("\n"),
      origin,
    },
    record.namespace!,
  );
}

function assemble(
  plan: ApplicationPlan,
  releases: readonly Release[],
  results: Map<string, ReleaseResult>,
  again: Map<string, ReleaseResult>,
  folderObjects: Map<string, Collected[]>,
  surface: ApiSurface,
  kubeVersion: string,
  engineVersion: string,
  documents: DocumentCache,
  argo: ArgoSettings | null,
): HydratedApplication {
  const collected: Collected[] = [];
  const sources: SourceRecord[] = [];
  const warnings: string[] = [];
  const findings: HydrateFinding[] = [];
  const nondeterministic: { key: string; paths: string[] | null }[] = [];
  for (const source of plan.sources) {
    if (source.type === "directory") {
      sources.push({ type: "directory", index: source.index, repoURL: source.repoURL, path: source.path, recurse: source.recurse });
      collected.push(...folderObjects.get(`${plan.name}#${source.index}`)!);
      continue;
    }
    const release = releases.find((r) => r.plan === plan && r.source === source)!;
    const result = results.get(release.id)!;
    const request = releaseRequest(release, surface, kubeVersion);
    sources.push({
      type: "helm",
      index: source.index,
      repoURL: source.repoURL,
      chart: source.chart,
      version: source.version,
      digest: release.chart.digest,
      releaseName: source.releaseName,
      namespace: source.namespace,
      valueFiles: source.valueFiles.map((f) => f.file),
      inlineValues: source.inline?.kind ?? null,
      includeCrds: source.includeCrds,
      kubeVersion: request.kubeVersion,
      apiVersions: { count: request.apiVersions.length, digest: source.apiVersions ? listDigest(request.apiVersions) : surface.digest() },
      engine: engineVersion,
    });
    warnings.push(...result.warnings.map((w) => `${source.chart}@${source.version}: ${w}`));
    const first = releaseObjects(release, result, documents);
    // No second render: an Application read for ArgoCD's settings only, whose component is not written.
    const secondResult = again.get(release.id);
    const second = secondResult ? releaseObjects(release, secondResult, documents) : first;
    const secondByKey = new Map(second.map((c) => [objectKey(c.id), c]));
    for (const object of first) {
      const key = objectKey(object.id);
      const other = secondByKey.get(key);
      if (!other) nondeterministic.push({ key, paths: null });
      else if (other.content !== object.content) nondeterministic.push({ key, paths: differingPaths(object.value, other.value) });
    }
    collected.push(...first);
  }

  const folder = applicationFolder(plan.component, plan.name);
  const effective = collected.map((c) => {
    const scope = surface.scopeOf(c.id.apiVersion, c.id.kind);
    const namespace = scope === "Cluster" ? null : (c.id.namespace ?? plan.destination.namespace);
    return { ...c, scope, namespace };
  });
  const names = uniqueFileNames(effective.map((c) => objectFileName(c.id.kind, c.namespace, c.id.name)));
  const objects: HydratedObject[] = [];
  const seen = new Map<string, ObjectRecord>();
  const cluster = destinationCluster(plan);
  const instance = argo ? instanceName({ name: plan.name, namespace: plan.defined.application.metadata.namespace ?? null }, argo.namespace) : plan.name;
  let excludedCount = 0;
  effective.forEach((c, i) => {
    const group = splitApiVersion(c.id.apiVersion).group;
    const excluded = argo ? exclusionOf(argo, group, c.id.kind, cluster) : null;
    // ArgoCD tracks only what it applies.
    const tracking =
      argo && !excluded
        ? trackingOf(argo, instance, plan.destination.namespace, {
            group,
            kind: c.id.kind,
            name: c.id.name,
            namespace: c.namespace,
            cluster: c.scope === "Cluster",
            renderedNamespace: c.id.namespace,
          })
        : null;
    const header = headerLines(plan, c, sources, excluded);
    const record: ObjectRecord = {
      apiVersion: c.id.apiVersion,
      kind: c.id.kind,
      name: c.id.name,
      namespace: c.namespace,
      scope: c.scope,
      file: `${folder}/${names[i]}`,
      line: header.length + 1,
      source: c.source,
      hook: c.hook,
      ...(argo ? { excluded, trackingId: tracking?.id ?? null, trackingLabel: tracking?.label ?? null } : {}),
    };
    const what = `${c.id.kind} ${c.namespace ? `${c.namespace}/` : ""}${c.id.name}`;
    if (excluded) {
      excludedCount++;
      findings.push({
        rule: "hydrate-excluded-resource",
        severity: "warning",
        application: plan.name,
        object: { apiVersion: c.id.apiVersion, kind: c.id.kind, namespace: c.namespace, name: c.id.name },
        path: null,
        message:
          `${what} (${c.source.type === "helm" ? `chart template ${c.source.template}` : `manifest ${c.source.file}:${c.source.line}`}) is never applied nor tracked by ArgoCD:` +
          ` excluded by ${excluded}; the Application only shows an ExcludedResourceWarning, and homelab check leaves it out`,
        file: record.file,
        line: record.line,
      });
    }
    const key = objectKey({ ...c.id, namespace: c.namespace });
    const earlier = seen.get(key);
    if (earlier) {
      findings.push({
        rule: "hydrate-duplicate-object",
        severity: "error",
        application: plan.name,
        object: { apiVersion: c.id.apiVersion, kind: c.id.kind, namespace: c.namespace, name: c.id.name },
        path: null,
        message: `${what} is rendered twice (also ${earlier.file}); ArgoCD applies only one of them`,
        file: record.file,
        line: record.line,
      });
    } else {
      seen.set(key, record);
    }
    const rawKey = objectKey(c.id);
    const drift = c.source.type === "helm" ? nondeterministic.find((n) => n.key === rawKey) : undefined;
    if (drift) {
      const fields = drift.paths === null ? ["(the object is missing from the second render)"] : drift.paths;
      for (const field of fields) {
        findings.push({
          rule: "hydrate-nondeterministic",
          severity: "error",
          application: plan.name,
          object: { apiVersion: c.id.apiVersion, kind: c.id.kind, namespace: c.namespace, name: c.id.name },
          path: drift.paths === null ? null : field,
          message:
            `${c.id.kind} ${c.namespace ? `${c.namespace}/` : ""}${c.id.name}: ${drift.paths === null ? "rendered only once of two identical renders" : `field ${field} differs between two renders of the same inputs`}` +
            " (random values, generated certificates or lookup): ArgoCD shows it OutOfSync after every refresh",
          file: record.file,
          line: record.line,
        });
      }
    }
    // The file stays what the chart rendered (people read it); the value checks read carries the label ArgoCD sets,
    // so a selector on the instance label sees the Application's name as it will in the cluster.
    objects.push({ record, content: `${objectHeader(header)}${c.content}\n`, value: withTrackingLabel(c.value, tracking?.label) });
  });

  const index: HydratedIndex = {
    schema: INDEX_SCHEMA,
    generator: "@homelab/hydrate",
    application: plan.name,
    component: plan.component,
    definedIn: { file: plan.defined.origin.file, line: plan.defined.origin.line, applicationSet: plan.defined.origin.applicationSet ?? null },
    project: plan.project,
    destination: plan.destination,
    syncWave: plan.syncWave,
    sources,
    objects: objects.map((o) => o.record),
    findings,
    warnings,
    ...(argo
      ? {
          argocd: {
            config: argo.config,
            instanceName: instance,
            cluster,
            tracking: { method: argo.trackingMethod, labelKey: argo.instanceLabelKey, installationID: argo.installationID },
            excluded: excludedCount,
          },
        }
      : {}),
  };
  return { plan, index, objects };
}

function headerLines(plan: ApplicationPlan, c: Collected & { namespace: string | null }, sources: readonly SourceRecord[], excluded: string | null): string[] {
  const origin = plan.defined.origin;
  const lines = [
    `Hydrated by homelab hydrate: what ArgoCD applies for Application ${plan.name}. Build output; do not edit or commit.`,
    `Application: ${plan.name} (${origin.file}:${origin.line}${origin.applicationSet ? `, ApplicationSet ${origin.applicationSet}` : ""})`,
    `Object: ${c.id.apiVersion} ${c.id.kind} ${c.namespace ? `${c.namespace}/` : ""}${c.id.name}`,
  ];
  const source = sources.find((s) => s.index === c.source.index)!;
  if (source.type === "helm" && c.source.type === "helm") {
    lines.push(`Chart: ${source.chart}@${source.version} (${source.repoURL})${source.digest ? ` ${source.digest}` : ""}`);
    lines.push(`${c.source.crd ? "CRD file" : "Template"}: ${c.source.template}`);
    lines.push(
      `Values: ${[...source.valueFiles, ...(source.inlineValues ? [`spec.source.helm.${source.inlineValues}`] : [])].join(", ") || "(chart defaults)"}`,
    );
    lines.push(`Release: ${source.releaseName} in ${source.namespace}, Kubernetes ${source.kubeVersion}, ${source.apiVersions.count} API versions`);
  } else if (c.source.type === "directory") {
    lines.push(`Manifest: ${c.source.file}:${c.source.line}`);
  }
  if (c.hook) {
    const weight = c.hook.weight !== null ? `, weight ${c.hook.weight}` : "";
    const policy = c.hook.deletePolicy.length ? `, delete policy ${c.hook.deletePolicy.join(",")}` : "";
    const phases =
      c.hook.phases.length === 0
        ? "never run by ArgoCD (no ArgoCD phase for it)"
        : c.hook.phases.includes("Skip") && c.hook.phases.length === 1
          ? "not applied by ArgoCD (Skip)"
          : `ArgoCD runs it as ${c.hook.phases.join(",")}, not kept as a resource`;
    lines.push(`HOOK: ${c.hook.types.join(",")} (${c.hook.annotation}${weight}${policy}): ${phases}`);
  }
  if (excluded) lines.push(`EXCLUDED: ArgoCD never applies nor tracks this object (${excluded})`);
  return lines;
}

function applicationFiles(app: HydratedApplication): OutputFile[] {
  const folder = applicationFolder(app.plan.component, app.plan.name);
  const objects: HydratedObjects = {
    schema: OBJECTS_SCHEMA,
    generator: "@homelab/hydrate",
    objects: app.objects.map((o) => ({ file: o.record.file, digest: contentDigest(o.content), value: o.value })),
  };
  return [
    ...app.objects.map((o) => ({ path: o.record.file, content: o.content })),
    { path: `${folder}/${INDEX_FILE}`, content: `${JSON.stringify(app.index, null, 2)}\n` },
    // One line: it is read by machines, and is the largest file of the folder.
    { path: objectsFile(app.plan.component, app.plan.name), content: `${JSON.stringify(objects)}\n` },
  ];
}
