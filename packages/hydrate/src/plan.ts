/**
 * From a generated Application to what ArgoCD's repo-server does with each of
 * its sources (reposerver/repository/repository.go, helmTemplate and
 * GenerateManifests):
 *
 * - a Helm chart source: release name = `helm.releaseName` or the
 *   Application's name; namespace = `helm.namespace` or the destination's;
 *   value files in order (`$<ref>/path` resolved in the ref source's
 *   repository), then `valuesObject` (or else `values`) last, so it wins;
 *   `--include-crds` unless `skipCrds`; `--kube-version` and `--api-versions`
 *   from the cluster unless the source overrides them;
 * - a source with only `ref`: no manifests (it only lends files);
 * - a path source: the directory's YAML/JSON files (not recursive unless
 *   `directory.recurse`).
 *
 * What this repository does not use and ArgoCD would treat differently
 * (parameters, file parameters, remote or chart-relative value files,
 * Kustomize, plugins) is refused with the Application's position.
 */
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { realInside, resolveInside } from "@homelab/layout";
import { parse as parseYaml } from "yaml";
import { GO_YAML } from "@homelab/yaml";
import { isValidReleaseName, type ApplicationSource, type DefinedApplication } from "./applications.js";

export interface RepositoryFacts {
  /** The repository root on disk. */
  root: string;
  /** ArgoCD's URL of this repository: git sources with it are read from `root`. */
  repoURL: string;
}

export interface ValueFile {
  /** Repository-relative path. */
  file: string;
  values: Record<string, unknown>;
}

export interface HelmSourcePlan {
  type: "helm";
  index: number;
  repoURL: string;
  chart: string;
  version: string;
  releaseName: string;
  namespace: string;
  valueFiles: ValueFile[];
  inline: { kind: "valuesObject" | "values"; values: Record<string, unknown> } | null;
  includeCrds: boolean;
  /** Source-level overrides (`helm.kubeVersion`, `helm.apiVersions`), else the cluster's. */
  kubeVersion: string | null;
  apiVersions: string[] | null;
}

export interface DirectorySourcePlan {
  type: "directory";
  index: number;
  repoURL: string;
  path: string;
  recurse: boolean;
  /** Repository-relative files, sorted as ArgoCD walks them. */
  files: string[];
}

export type SourcePlan = HelmSourcePlan | DirectorySourcePlan;

export interface ApplicationPlan {
  defined: DefinedApplication;
  name: string;
  component: string;
  project: string;
  destination: { server: string | null; namespace: string | null };
  syncWave: string | null;
  sources: SourcePlan[];
}

function refuse(defined: DefinedApplication, message: string, hint?: string): never {
  const { origin, application } = defined;
  throw new HomelabError(ErrorCode.Config, `Application ${application.metadata.name}: ${message}`, {
    position: { file: origin.file, line: origin.line },
    ...(hint ? { hint } : {}),
  });
}

function normalizeGitURL(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * YAML as Helm reads a values file (sigs.k8s.io/yaml: YAML 1.1, so `yes` is
 * true; duplicate keys are an error). An empty file is an empty map.
 */
export function parseValuesYaml(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(text, GO_YAML);
  } catch (error) {
    const line = (error as { linePos?: { line: number }[] }).linePos?.[0]?.line;
    throw new HomelabError(ErrorCode.Syntax, `values file is not valid YAML: ${(error as Error).message.split("\n")[0]}`, {
      position: { file, ...(line ? { line } : {}) },
    });
  }
  if (value === null || value === undefined) return {};
  if (!isRecord(value)) throw new HomelabError(ErrorCode.Syntax, "values file must hold a mapping at the top level", { position: { file, line: 1 } });
  return value;
}

async function readContained(repo: RepositoryFacts, relative: string, what: string): Promise<{ file: string; text: string } | undefined> {
  const lexical = resolveInside(repo.root, relative, what);
  let real: string;
  try {
    real = await realInside(repo.root, lexical, what);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  try {
    return { file: path.posix.normalize(relative), text: await readFile(real, "utf8") };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new HomelabError(ErrorCode.Io, `cannot read ${relative}: ${(error as Error).message}`, { position: { file: relative } });
  }
}

export async function planApplication(defined: DefinedApplication, repo: RepositoryFacts): Promise<ApplicationPlan> {
  const app = defined.application;
  const spec = app.spec;
  const sources: ApplicationSource[] = Array.isArray(spec.sources) && spec.sources.length > 0 ? spec.sources : [spec.source!];
  const ours = normalizeGitURL(repo.repoURL);
  // `ref` sources lend their repository to `$ref/...` value files.
  const refs = new Map<string, ApplicationSource>();
  for (const source of sources) if (source.ref) refs.set(`$${source.ref}`, source);
  const destination = { server: spec.destination.server ?? null, namespace: spec.destination.namespace ?? null };
  const plans: SourcePlan[] = [];
  for (const [index, source] of sources.entries()) {
    if (source.kustomize !== undefined || source.plugin !== undefined)
      refuse(defined, `source ${index}: Kustomize and plugin sources are not supported by homelab hydrate`);
    if (source.chart) {
      plans.push(await planHelm(defined, source, index, destination.namespace, refs, repo, ours));
      continue;
    }
    if (source.ref && source.path === undefined) continue;
    if (source.path === undefined) refuse(defined, `source ${index} has neither chart, path nor ref`);
    if (normalizeGitURL(source.repoURL) !== ours) {
      refuse(
        defined,
        `source ${index} reads ${source.repoURL}, which is not this repository (${repo.repoURL})`,
        "hydrate renders this repository's folders and Helm charts only",
      );
    }
    plans.push(await planDirectory(defined, source, index, repo));
  }
  const annotations = app.metadata.annotations ?? {};
  return {
    defined,
    name: app.metadata.name,
    component: defined.origin.component,
    project: spec.project ?? "default",
    destination,
    syncWave: annotations["argocd.argoproj.io/sync-wave"] ?? null,
    sources: plans,
  };
}

async function planHelm(
  defined: DefinedApplication,
  source: ApplicationSource,
  index: number,
  destinationNamespace: string | null,
  refs: Map<string, ApplicationSource>,
  repo: RepositoryFacts,
  ours: string,
): Promise<HelmSourcePlan> {
  const helm = source.helm ?? {};
  const where = `source ${index} (chart ${source.chart})`;
  if (!source.targetRevision) refuse(defined, `${where} has no targetRevision: hydrate renders pinned chart versions only`);
  if (helm.parameters?.length || helm.fileParameters?.length) {
    refuse(
      defined,
      `${where}: helm.parameters and helm.fileParameters are not supported by homelab hydrate`,
      "put the values into the component's typed values",
    );
  }
  if (helm.skipTests || helm.skipSchemaValidation)
    refuse(defined, `${where}: helm.skipTests and helm.skipSchemaValidation are not supported by homelab hydrate`);
  const releaseName = helm.releaseName || defined.application.metadata.name;
  if (!isValidReleaseName(releaseName)) {
    refuse(defined, `${where}: release name ${JSON.stringify(releaseName)} is not a valid Helm release name (a DNS-1123 name of at most 53 characters)`);
  }
  const namespace = helm.namespace || destinationNamespace || "";
  if (!namespace) refuse(defined, `${where}: neither helm.namespace nor spec.destination.namespace is set`);
  const valueFiles: ValueFile[] = [];
  for (const raw of helm.valueFiles ?? []) {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) refuse(defined, `${where}: remote value file ${raw} is not supported by homelab hydrate`);
    if (!raw.startsWith("$")) {
      refuse(defined, `${where}: value file ${raw} is relative to the chart; homelab hydrate reads value files from a ref source ($values/...)`);
    }
    const [refName, ...rest] = raw.split("/");
    const ref = refs.get(refName!);
    if (!ref) refuse(defined, `${where}: value file ${raw} names ${refName}, and no source has ref: ${refName!.slice(1)}`);
    if (normalizeGitURL(ref.repoURL) !== ours) refuse(defined, `${where}: value file ${raw} is in ${ref.repoURL}, not this repository (${repo.repoURL})`);
    const relative = rest.join("/");
    const read = await readContained(repo, relative, `value file ${raw} of Application ${defined.application.metadata.name}`);
    if (!read) {
      if (helm.ignoreMissingValueFiles) continue;
      refuse(defined, `${where}: value file ${relative} does not exist`, "render the component (npx homelab render) or fix the ApplicationSet");
    }
    valueFiles.push({ file: read.file, values: parseValuesYaml(read.text, read.file) });
  }
  let inline: HelmSourcePlan["inline"] = null;
  // ArgoCD's ValuesYAML(): valuesObject when set, else the values string.
  if (helm.valuesObject !== undefined && helm.valuesObject !== null) {
    if (!isRecord(helm.valuesObject)) refuse(defined, `${where}: helm.valuesObject must be a mapping`);
    if (Object.keys(helm.valuesObject).length > 0) inline = { kind: "valuesObject", values: helm.valuesObject };
  }
  if (!inline && typeof helm.values === "string" && helm.values.trim() !== "") {
    inline = { kind: "values", values: parseValuesYaml(helm.values, defined.origin.file) };
  }
  return {
    type: "helm",
    index,
    repoURL: source.repoURL,
    chart: source.chart!,
    version: source.targetRevision!,
    releaseName,
    namespace,
    valueFiles,
    inline,
    includeCrds: helm.skipCrds !== true,
    kubeVersion: helm.kubeVersion ?? null,
    apiVersions: helm.apiVersions ?? null,
  };
}

const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

async function planDirectory(defined: DefinedApplication, source: ApplicationSource, index: number, repo: RepositoryFacts): Promise<DirectorySourcePlan> {
  const folder = path.posix.normalize(source.path!);
  const where = `source ${index} (path ${source.path})`;
  if (source.directory?.include !== undefined || source.directory?.exclude !== undefined || source.directory?.jsonnet !== undefined) {
    refuse(defined, `${where}: directory include/exclude/jsonnet are not supported by homelab hydrate`);
  }
  const recurse = source.directory?.recurse === true;
  const lexical = resolveInside(repo.root, folder, `path of Application ${defined.application.metadata.name}`);
  let real: string;
  try {
    real = await realInside(repo.root, lexical, `path of Application ${defined.application.metadata.name}`);
    if (!(await stat(real)).isDirectory()) refuse(defined, `${where} is not a folder`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT")
      refuse(defined, `${where} does not exist (ArgoCD reports "app path does not exist")`, "render the component");
    throw error;
  }
  const files: string[] = [];
  const walk = async (absolute: string, relative: string): Promise<void> => {
    const entries = (await readdir(absolute, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = `${relative}/${entry.name}`;
      if (entry.isDirectory()) {
        // ArgoCD skips hidden folders.
        if (recurse && !entry.name.startsWith(".")) await walk(path.join(absolute, entry.name), child);
      } else if (entry.isFile() && (entry.name === "Chart.yaml" || entry.name === "kustomization.yaml")) {
        refuse(defined, `${where} holds ${entry.name}: ArgoCD would render it with Helm or Kustomize, which homelab hydrate does not do for path sources`);
      } else if (entry.isFile() && MANIFEST_EXTENSIONS.has(path.posix.extname(entry.name))) {
        files.push(child);
      }
    }
  };
  await walk(real, folder);
  return { type: "directory", index, repoURL: source.repoURL, path: folder, recurse, files };
}
