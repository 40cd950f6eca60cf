/**
 * The Applications the repository defines, from apps-root-config/applications/*.yaml:
 * an ApplicationSet's as @homelab/sources expands them (as ArgoCD's
 * ApplicationSet controller does: list generator elements, goTemplate or
 * fasttemplate, templatePatch), exactly or not at all; plain `Application`
 * documents as they are. Each must be an Application ArgoCD can render.
 */
import { ErrorCode, HomelabError } from "@homelab/errors";
import { APPLICATIONS_FOLDER, LABELS } from "@homelab/layout";
import { expandApplicationSet } from "@homelab/sources";
import { YamlSource, type JsonPath } from "@homelab/yaml";

export { APPLICATIONS_FOLDER };

export interface ApplicationSource {
  repoURL: string;
  targetRevision?: string;
  chart?: string;
  path?: string;
  ref?: string;
  helm?: HelmSourceSpec;
  directory?: { recurse?: boolean; include?: string; exclude?: string; jsonnet?: unknown };
  kustomize?: unknown;
  plugin?: unknown;
}

export interface HelmSourceSpec {
  releaseName?: string;
  namespace?: string;
  valueFiles?: string[];
  values?: string;
  valuesObject?: Record<string, unknown>;
  parameters?: unknown[];
  fileParameters?: unknown[];
  skipCrds?: boolean;
  skipTests?: boolean;
  skipSchemaValidation?: boolean;
  ignoreMissingValueFiles?: boolean;
  passCredentials?: boolean;
  version?: string;
  kubeVersion?: string;
  apiVersions?: string[];
}

export interface Application {
  apiVersion: string;
  kind: "Application";
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  spec: {
    project?: string;
    destination: { server?: string; name?: string; namespace?: string };
    source?: ApplicationSource;
    sources?: ApplicationSource[];
    [key: string]: unknown;
  };
}

/** Where a generated Application came from, for messages and the index. */
export interface ApplicationOrigin {
  file: string;
  line: number;
  /** The ApplicationSet's name, or undefined for a plain Application document. */
  applicationSet: string | undefined;
  /** The component the ApplicationSet file belongs to (its label, else the file name). */
  component: string;
}

export interface DefinedApplication {
  application: Application;
  origin: ApplicationOrigin;
}

const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** A Helm release name must be a DNS-1123 label of at most 53 characters. */
const RELEASE_NAME = /^(?=.{1,53}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function isValidApplicationName(name: string): boolean {
  return DNS_SUBDOMAIN.test(name);
}

export function isValidReleaseName(name: string): boolean {
  return RELEASE_NAME.test(name);
}

function fail(source: YamlSource, doc: number, path: JsonPath, message: string, hint?: string): never {
  const at = source.locate(doc, path);
  throw new HomelabError(ErrorCode.Config, message, { position: { file: source.file, line: at.line, column: at.column }, ...(hint ? { hint } : {}) });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every Application one file defines; `file` is repository-relative (for positions). */
export function applicationsFromFile(text: string, file: string): DefinedApplication[] {
  const source = YamlSource.parse(text, file);
  const stem = file
    .split("/")
    .pop()!
    .replace(/\.ya?ml$/, "");
  const out: DefinedApplication[] = [];
  for (const doc of source.nonEmpty()) {
    const value = doc.value;
    if (!isRecord(value)) fail(source, doc.index, [], "an ApplicationSet or Application document must be a mapping");
    if (value.apiVersion !== "argoproj.io/v1alpha1") {
      fail(source, doc.index, ["apiVersion"], `expected apiVersion argoproj.io/v1alpha1, found ${JSON.stringify(value.apiVersion)}`);
    }
    const labels = isRecord(value.metadata) && isRecord(value.metadata.labels) ? value.metadata.labels : {};
    const label = labels[LABELS.component];
    const component = typeof label === "string" ? label : stem;
    if (value.kind === "Application") {
      const application = checkApplication(value, source, doc.index, []);
      out.push({ application, origin: { file, line: doc.line, applicationSet: undefined, component } });
    } else if (value.kind === "ApplicationSet") {
      const applicationSet = isRecord(value.metadata) && typeof value.metadata.name === "string" ? value.metadata.name : undefined;
      for (const generated of expandApplicationSet(value, "exact", { source, index: doc.index })) {
        const application = checkApplication(generated.object, source, doc.index, generated.element);
        out.push({ application, origin: { file, line: doc.line, applicationSet, component } });
      }
    } else {
      fail(source, doc.index, ["kind"], `expected kind ApplicationSet or Application, found ${JSON.stringify(value.kind)}`);
    }
  }
  return out;
}

function checkApplication(value: Record<string, unknown>, source: YamlSource, doc: number, at: JsonPath): Application {
  const metadata = value.metadata;
  if (!isRecord(metadata) || typeof metadata.name !== "string") fail(source, doc, [...at], "the Application has no metadata.name");
  if (!isValidApplicationName(metadata.name)) {
    fail(
      source,
      doc,
      at,
      `Application name ${JSON.stringify(metadata.name)} is not a valid Kubernetes name (lowercase letters, digits, '-' and '.', at most 253)`,
    );
  }
  const spec = value.spec;
  if (!isRecord(spec)) fail(source, doc, at, `Application ${metadata.name} has no spec`);
  if (!isRecord(spec.destination)) fail(source, doc, at, `Application ${metadata.name} has no spec.destination`);
  if (spec.source === undefined && !Array.isArray(spec.sources)) fail(source, doc, at, `Application ${metadata.name} has neither spec.source nor spec.sources`);
  const sources = Array.isArray(spec.sources) ? spec.sources : [spec.source];
  sources.forEach((s: unknown, i: number) => {
    if (!isRecord(s) || typeof s.repoURL !== "string" || s.repoURL === "") fail(source, doc, at, `Application ${metadata.name}: source ${i} has no repoURL`);
  });
  return value as unknown as Application;
}
