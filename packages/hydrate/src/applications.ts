/**
 * The Applications the repository defines, as ArgoCD's ApplicationSet
 * controller generates them from apps-root-config/applications/*.yaml: list
 * generator elements as parameters, the template rendered with goTemplate
 * (or fasttemplate), `templatePatch` rendered and applied as a strategic
 * merge patch on the Application. Plain `Application` documents are taken
 * as they are.
 */
import { ErrorCode, HomelabError } from "@homelab/errors";
import { LABELS } from "@homelab/layout";
import { GO_YAML, YamlSource, type JsonPath } from "@homelab/yaml";
import { parse as parseYaml } from "yaml";
import { TemplateError, renderFastTemplate, renderGoTemplate, type TemplateOptions } from "./gotemplate.js";

export const APPLICATIONS_FOLDER = "apps-root-config/applications";

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
      out.push(...expandApplicationSet(value, source, doc.index, doc.line, component));
    } else {
      fail(source, doc.index, ["kind"], `expected kind ApplicationSet or Application, found ${JSON.stringify(value.kind)}`);
    }
  }
  return out;
}

function expandApplicationSet(set: Record<string, unknown>, source: YamlSource, doc: number, line: number, component: string): DefinedApplication[] {
  const name = isRecord(set.metadata) && typeof set.metadata.name === "string" ? set.metadata.name : undefined;
  if (!name) fail(source, doc, ["metadata"], "ApplicationSet has no metadata.name");
  const spec = set.spec;
  if (!isRecord(spec)) fail(source, doc, ["spec"], `ApplicationSet ${name} has no spec`);
  const goTemplate = spec.goTemplate === true;
  const templateOptions = parseTemplateOptions(spec.goTemplateOptions, source, doc);
  if (!Array.isArray(spec.generators) || spec.generators.length === 0) fail(source, doc, ["spec", "generators"], `ApplicationSet ${name} has no generators`);
  if (!isRecord(spec.template)) fail(source, doc, ["spec", "template"], `ApplicationSet ${name} has no template`);
  const out: DefinedApplication[] = [];
  spec.generators.forEach((generator: unknown, g: number) => {
    const at: JsonPath = ["spec", "generators", g];
    if (!isRecord(generator)) fail(source, doc, at, "a generator must be a mapping");
    const kinds = Object.keys(generator).filter((k) => k !== "selector" && k !== "template");
    if (kinds.length !== 1 || kinds[0] !== "list") {
      fail(
        source,
        doc,
        at,
        `generator ${kinds.join(", ") || "(none)"} is not supported by homelab hydrate: only the list generator is`,
        "render writes list generators; other generators need a live cluster or Git API",
      );
    }
    if (generator.template !== undefined || generator.selector !== undefined) {
      fail(source, doc, at, "per-generator template and selector are not supported by homelab hydrate");
    }
    const list = generator.list;
    if (!isRecord(list)) fail(source, doc, [...at, "list"], "list generator must be a mapping");
    if (list.elementsYaml !== undefined)
      fail(source, doc, [...at, "list", "elementsYaml"], "list.elementsYaml is not supported by homelab hydrate; use elements");
    if (!Array.isArray(list.elements)) fail(source, doc, [...at, "list", "elements"], "list generator has no elements");
    list.elements.forEach((element: unknown, e: number) => {
      const elementAt: JsonPath = [...at, "list", "elements", e];
      if (!isRecord(element)) fail(source, doc, elementAt, "a list element must be a mapping of parameters");
      const render = (text: string, path: JsonPath): string => {
        try {
          return goTemplate ? renderGoTemplate(text, element, templateOptions) : renderFastTemplate(text, element);
        } catch (error) {
          if (error instanceof TemplateError) {
            fail(source, doc, path, `ApplicationSet ${name}, element ${e} (${describeElement(element)}): ${error.message}`);
          }
          throw error;
        }
      };
      let app = renderDeep(spec.template, ["spec", "template"], render, source, doc) as Record<string, unknown>;
      if (typeof spec.templatePatch === "string") {
        const patchText = render(spec.templatePatch, ["spec", "templatePatch"]);
        app = applyTemplatePatch(app, patchText, source, doc, name, e);
      } else if (spec.templatePatch !== undefined) {
        fail(source, doc, ["spec", "templatePatch"], "templatePatch must be a string");
      }
      const application = checkApplication({ apiVersion: "argoproj.io/v1alpha1", kind: "Application", ...app }, source, doc, elementAt);
      out.push({ application, origin: { file: source.file, line, applicationSet: name, component } });
    });
  });
  return out;
}

function describeElement(element: Record<string, unknown>): string {
  const name = element.application ?? element.name ?? element.instance;
  return typeof name === "string" ? name : JSON.stringify(element).slice(0, 60);
}

function parseTemplateOptions(value: unknown, source: YamlSource, doc: number): TemplateOptions {
  if (value === undefined) return { missingKey: "default" };
  if (!Array.isArray(value)) fail(source, doc, ["spec", "goTemplateOptions"], "goTemplateOptions must be a list");
  let missingKey: TemplateOptions["missingKey"] = "default";
  value.forEach((option: unknown, i: number) => {
    if (option === "missingkey=error") missingKey = "error";
    else if (option === "missingkey=default" || option === "missingkey=invalid") missingKey = "default";
    else if (option === "missingkey=zero") fail(source, doc, ["spec", "goTemplateOptions", i], "missingkey=zero is not supported by homelab hydrate");
    else fail(source, doc, ["spec", "goTemplateOptions", i], `unknown goTemplateOption ${JSON.stringify(option)}`);
  });
  return { missingKey };
}

/** Renders every string of the template (map values and list items), as ArgoCD does field by field. */
function renderDeep(value: unknown, path: JsonPath, render: (text: string, path: JsonPath) => string, source: YamlSource, doc: number): unknown {
  if (typeof value === "string") return render(value, path);
  if (Array.isArray(value)) return value.map((item, i) => renderDeep(item, [...path, i], render, source, doc));
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      if (key.includes("{{")) fail(source, doc, [...path, key], "templated map keys are not supported by homelab hydrate");
      out[key] = renderDeep(child, [...path, key], render, source, doc);
    }
    return out;
  }
  return value;
}

/**
 * ArgoCD applies the rendered templatePatch as a strategic merge patch on the
 * Application type: maps merge, `null` deletes, lists are replaced except
 * `metadata.finalizers` (patchStrategy merge in ObjectMeta).
 */
function applyTemplatePatch(
  app: Record<string, unknown>,
  patchText: string,
  source: YamlSource,
  doc: number,
  setName: string,
  element: number,
): Record<string, unknown> {
  if (patchText.trim() === "") return app;
  let patch: unknown;
  try {
    // sigs.k8s.io/yaml reads the patch: YAML 1.1.
    patch = parseYaml(patchText, GO_YAML);
  } catch (error) {
    fail(
      source,
      doc,
      ["spec", "templatePatch"],
      `ApplicationSet ${setName}, element ${element}: the rendered templatePatch is not valid YAML: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (patch === null || patch === undefined) return app;
  if (!isRecord(patch))
    fail(source, doc, ["spec", "templatePatch"], `ApplicationSet ${setName}, element ${element}: the rendered templatePatch must be a mapping`);
  return mergePatch(app, patch, [], source, doc) as Record<string, unknown>;
}

function mergePatch(target: unknown, patch: unknown, path: string[], source: YamlSource, doc: number): unknown {
  if (!isRecord(patch)) return patch;
  const base = isRecord(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) fail(source, doc, ["spec", "templatePatch"], `strategic merge directive ${key} is not supported by homelab hydrate`);
    const here = [...path, key];
    if (value === null) {
      delete base[key];
    } else if (here.join(".") === "metadata.finalizers" && Array.isArray(value)) {
      const existing = Array.isArray(base[key]) ? (base[key] as unknown[]) : [];
      base[key] = [...existing, ...value.filter((f) => !existing.includes(f))];
    } else {
      base[key] = isRecord(value) ? mergePatch(base[key], value, here, source, doc) : value;
    }
  }
  return base;
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
