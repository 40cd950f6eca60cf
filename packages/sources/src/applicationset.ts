/**
 * The Applications an ApplicationSet generates, as ArgoCD's ApplicationSet
 * controller makes them from list generators: each element is the
 * parameters; every string of the template (map values and list items) is
 * rendered with goTemplate (Go's text/template, with goTemplateOptions) or,
 * without it, fasttemplate; the rendered `templatePatch` is applied as a
 * strategic merge patch. The one reading for every stage: hydrate renders
 * these Applications, check judges them.
 */
import { ErrorCode, HomelabError } from "@homelab/errors";
import { YamlSource, type JsonPath } from "@homelab/yaml";
import { TemplateError, UnsupportedTemplateError, renderFastTemplate, renderGoTemplate, type TemplateOptions } from "./gotemplate.js";
import { isObj, str, type Obj } from "./object.js";
import { PatchDirectiveError, applyTemplatePatch } from "./template-patch.js";

export interface GeneratedApplication {
  /** The Application ArgoCD creates: the rendered template, patched, with apiVersion and kind. */
  object: Obj;
  /** The list element it is rendered with. */
  params: Obj;
  /** Where that element is: `["spec", "generators", g, "list", "elements", e]`. */
  element: JsonPath;
}

/** The document that holds the ApplicationSet, so an error names its file and line. */
export interface DocumentPlace {
  source: YamlSource;
  index: number;
}

/**
 * What to do with what cannot be expanded offline. `exact` (hydrate, which
 * must render every Application) refuses it: other generators, a set without
 * a template, an element that is not a mapping. `lenient` (check, over any
 * repository) expands the list generators it can read and skips the rest,
 * including a set whose template uses what homelab's template subset does
 * not evaluate (pipelines, variables, Sprig). Either way a template or
 * templatePatch that ArgoCD would fail to render is an error: no stage
 * guesses what it gives.
 */
export type Expansion = "exact" | "lenient";

/** Throws a HomelabError (exit 2) at the path's line in the document, when it is known. */
function fail(place: DocumentPlace | undefined, path: JsonPath, message: string, hint?: string): never {
  const at = place?.source.locate(place.index, path);
  throw new HomelabError(ErrorCode.Config, message, {
    ...(place && at ? { position: { file: place.source.file, line: at.line, column: at.column } } : {}),
    ...(hint ? { hint } : {}),
  });
}

/** The Applications an ApplicationSet's list generators make, in generator and element order. */
export function expandApplicationSet(set: Obj, expansion: Expansion, place?: DocumentPlace): GeneratedApplication[] {
  try {
    return expand(set, expansion, place);
  } catch (error) {
    if (error instanceof Unreadable) return [];
    throw error;
  }
}

function expand(set: Obj, expansion: Expansion, place?: DocumentPlace): GeneratedApplication[] {
  const exact = expansion === "exact";
  const name = isObj(set.metadata) ? str(set.metadata.name) : null;
  if (!name && exact) fail(place, ["metadata"], "ApplicationSet has no metadata.name");
  const what = `ApplicationSet ${name ?? "(unnamed)"}`;
  const spec = set.spec;
  if (!isObj(spec)) return exact ? fail(place, ["spec"], `${what} has no spec`) : [];
  if (!Array.isArray(spec.generators) || spec.generators.length === 0) {
    return exact ? fail(place, ["spec", "generators"], `${what} has no generators`) : [];
  }
  if (!isObj(spec.template)) return exact ? fail(place, ["spec", "template"], `${what} has no template`) : [];
  const template = spec.template;
  const goTemplate = spec.goTemplate === true;
  const options = templateOptions(spec.goTemplateOptions, exact, place);
  if (spec.templatePatch !== undefined && typeof spec.templatePatch !== "string") fail(place, ["spec", "templatePatch"], "templatePatch must be a string");
  const patch = spec.templatePatch as string | undefined;

  const out: GeneratedApplication[] = [];
  spec.generators.forEach((generator: unknown, g: number) => {
    const elements = listElements(generator, ["spec", "generators", g], exact, place);
    elements.forEach((element: unknown, e: number) => {
      const at: JsonPath = ["spec", "generators", g, "list", "elements", e];
      if (!isObj(element)) {
        if (exact) fail(place, at, "a list element must be a mapping of parameters");
        return;
      }
      const render = (text: string, path: JsonPath): string => {
        try {
          return goTemplate ? renderGoTemplate(text, element, options) : renderFastTemplate(text, element);
        } catch (error) {
          if (error instanceof UnsupportedTemplateError && !exact) throw new Unreadable();
          if (error instanceof TemplateError) fail(place, path, `${what}, element ${e} (${describeElement(element)}): ${error.message}`);
          throw error;
        }
      };
      let app = renderDeep(template, ["spec", "template"], render, place) as Obj;
      if (patch !== undefined) app = patched(app, render(patch, ["spec", "templatePatch"]), place, `${what}, element ${e}`);
      out.push({ object: { apiVersion: "argoproj.io/v1alpha1", kind: "Application", ...app }, params: element, element: at });
    });
  });
  return out;
}

/** Leniently, a set whose template uses what the subset cannot evaluate generates nothing we can know, as other generators. */
class Unreadable extends Error {}

/** A list generator's elements; any other generator is refused (exact) or has none (lenient). */
function listElements(generator: unknown, at: JsonPath, exact: boolean, place: DocumentPlace | undefined): unknown[] {
  if (!isObj(generator)) return exact ? fail(place, at, "a generator must be a mapping") : [];
  const kinds = Object.keys(generator).filter((k) => k !== "selector" && k !== "template");
  if (kinds.length !== 1 || kinds[0] !== "list") {
    if (!exact) return [];
    fail(
      place,
      at,
      `generator ${kinds.join(", ") || "(none)"} is not supported by homelab: only the list generator is`,
      "render writes list generators; other generators need a live cluster or Git API",
    );
  }
  if (generator.template !== undefined || generator.selector !== undefined) {
    return exact ? fail(place, at, "per-generator template and selector are not supported by homelab") : [];
  }
  const list = generator.list;
  if (!isObj(list)) return exact ? fail(place, [...at, "list"], "list generator must be a mapping") : [];
  if (list.elementsYaml !== undefined) {
    return exact ? fail(place, [...at, "list", "elementsYaml"], "list.elementsYaml is not supported by homelab; use elements") : [];
  }
  if (!Array.isArray(list.elements)) return exact ? fail(place, [...at, "list", "elements"], "list generator has no elements") : [];
  return list.elements;
}

function describeElement(element: Obj): string {
  const name = element.application ?? element.name ?? element.instance;
  return typeof name === "string" ? name : JSON.stringify(element).slice(0, 60);
}

function templateOptions(value: unknown, exact: boolean, place: DocumentPlace | undefined): TemplateOptions {
  if (value === undefined) return { missingKey: "default" };
  if (!Array.isArray(value)) fail(place, ["spec", "goTemplateOptions"], "goTemplateOptions must be a list");
  let missingKey: TemplateOptions["missingKey"] = "default";
  value.forEach((option: unknown, i: number) => {
    if (option === "missingkey=error") missingKey = "error";
    else if (option === "missingkey=default" || option === "missingkey=invalid") missingKey = "default";
    else if (option === "missingkey=zero") {
      if (!exact) throw new Unreadable();
      fail(place, ["spec", "goTemplateOptions", i], "missingkey=zero is not supported by homelab");
    } else fail(place, ["spec", "goTemplateOptions", i], `unknown goTemplateOption ${JSON.stringify(option)}`);
  });
  return { missingKey };
}

/** Renders every string of the template (map values and list items), as ArgoCD does field by field. */
function renderDeep(value: unknown, path: JsonPath, render: (text: string, path: JsonPath) => string, place: DocumentPlace | undefined): unknown {
  if (typeof value === "string") return render(value, path);
  if (Array.isArray(value)) return value.map((item, i) => renderDeep(item, [...path, i], render, place));
  if (isObj(value)) {
    const out: Obj = {};
    for (const [key, child] of Object.entries(value)) {
      if (key.includes("{{")) fail(place, [...path, key], "templated map keys are not supported by homelab");
      out[key] = renderDeep(child, [...path, key], render, place);
    }
    return out;
  }
  return value;
}

/** The Application with the rendered templatePatch applied; `what` names the set and element in errors. */
function patched(app: Obj, patchText: string, place: DocumentPlace | undefined, what: string): Obj {
  if (patchText.trim() === "") return app;
  const at: JsonPath = ["spec", "templatePatch"];
  let patch: unknown;
  try {
    // sigs.k8s.io/yaml reads the patch (YAML 1.1), its first document.
    patch = YamlSource.parse(patchText, "templatePatch", { goYaml: true }).documents[0]?.value;
  } catch (error) {
    if (!(error instanceof HomelabError)) throw error;
    const line = error.position?.line ? ` (line ${error.position.line} of the rendered patch)` : "";
    fail(place, at, `${what}: the rendered templatePatch is not valid YAML${line}: ${error.message}`);
  }
  if (patch === null || patch === undefined) return app;
  if (!isObj(patch)) fail(place, at, `${what}: the rendered templatePatch must be a mapping`);
  try {
    return applyTemplatePatch(app, patch);
  } catch (error) {
    if (error instanceof PatchDirectiveError) fail(place, at, error.message);
    throw error;
  }
}
