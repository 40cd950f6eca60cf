import { HomelabError } from "@homelab/errors";
import { YamlSource } from "@homelab/yaml";
import { describe, expect, it } from "vitest";
import { declaredApplications, expandApplicationSet, type Obj } from "./index.js";
import { APPLICATION_SET } from "./testing.js";

const SET = APPLICATION_SET;

const parsed = (text: string) => {
  const source = YamlSource.parse(text, "apps/demo.yaml");
  return { source, set: source.documents[0]!.value as Obj, place: { source, index: 0 } };
};

describe("expandApplicationSet", () => {
  it("renders the template per list element and applies templatePatch as a strategic merge patch", () => {
    const { set } = parsed(SET);
    const apps = expandApplicationSet(set, "exact");
    expect(apps.map((a) => a.element)).toEqual([
      ["spec", "generators", 0, "list", "elements", 0],
      ["spec", "generators", 0, "list", "elements", 1],
    ]);
    const [a, b] = apps.map((x) => x.object as { metadata: Obj; spec: { sources: { helm: Obj }[] } });
    expect(a).toMatchObject({ apiVersion: "argoproj.io/v1alpha1", kind: "Application", metadata: { name: "demo-a" } });
    expect(a!.spec.sources[0]!.helm).toEqual({ releaseName: "demo-a" });
    // Lists are replaced, finalizers merge (ObjectMeta's patch strategy), maps merge.
    expect(b!.spec.sources[0]!.helm).toEqual({ skipCrds: true });
    expect(b!.metadata.finalizers).toEqual(["resources-finalizer.argocd.argoproj.io", "extra"]);
    // The patch is YAML read by sigs.k8s.io/yaml, but "yes" in quotes stays a string.
    expect(b!.metadata.labels).toEqual({ patched: "yes" });
    expect(apps[1]!.params).toEqual({ instance: "b", application: "demo-b" });
  });

  it("does not modify the set it expands", () => {
    const { set } = parsed(SET);
    const before = structuredClone(set);
    expandApplicationSet(set, "exact");
    expect(set).toEqual(before);
  });

  it("renders with fasttemplate without goTemplate: `{{ key }}` is replaced, `{{.key}}` stays as written, as ArgoCD leaves it", () => {
    const set = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "ApplicationSet",
      metadata: { name: "fast" },
      spec: {
        generators: [{ list: { elements: [{ application: "demo-a" }] } }],
        template: { metadata: { name: "{{ application }}" }, spec: { project: "{{.application}}" } },
      },
    };
    expect(expandApplicationSet(set, "exact")[0]!.object).toMatchObject({ metadata: { name: "demo-a" }, spec: { project: "{{.application}}" } });
  });

  it("names file and line of a template error, in either expansion", () => {
    const { set, place } = parsed(SET.replace('name: "{{.application}}"', 'name: "{{.app}}"'));
    for (const expansion of ["exact", "lenient"] as const) {
      try {
        expandApplicationSet(set, expansion, place);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(HomelabError);
        expect((error as HomelabError).message).toBe('ApplicationSet demo, element 0 (demo-a): map has no entry for key "app"');
        expect((error as HomelabError).position).toEqual({ file: "apps/demo.yaml", line: 19, column: 7 });
      }
    }
  });

  it("reports a templatePatch that renders to something other than a mapping at the patch", () => {
    const { set, place } = parsed(SET.replace(/ {2}templatePatch: \|[\s\S]*$/, '  templatePatch: "[{{ .instance }}]"\n'));
    expect(() => expandApplicationSet(set, "exact", place)).toThrow(/element 0: the rendered templatePatch must be a mapping/);
    const invalid = parsed(SET.replace('{{- if eq .instance "b" }}', '{{- if eq .instance "b" }}\n    metadata: [unclosed'));
    try {
      expandApplicationSet(invalid.set, "lenient", invalid.place);
      expect.unreachable();
    } catch (error) {
      expect((error as HomelabError).message).toMatch(
        /^ApplicationSet demo, element 1: the rendered templatePatch is not valid YAML \(line 3 of the rendered patch\): /,
      );
      expect((error as HomelabError).position).toMatchObject({ file: "apps/demo.yaml", line: 28 });
    }
  });

  it("refuses generators it cannot expand offline when exact, skips them when lenient", () => {
    const { set, place } = parsed(SET.replace("    - list:\n", "    - git:\n        repoURL: x\n      list:\n"));
    expect(() => expandApplicationSet(set, "exact", place)).toThrow(/only the list generator/);
    expect(expandApplicationSet(set, "lenient", place)).toEqual([]);
    const junk = parsed(SET.replace("          - instance: a\n            application: demo-a\n", "          - junk\n"));
    expect(() => expandApplicationSet(junk.set, "exact", junk.place)).toThrow(/a list element must be a mapping/);
    expect(expandApplicationSet(junk.set, "lenient").map((a) => a.element)).toEqual([["spec", "generators", 0, "list", "elements", 1]]);
  });
});

describe("a template homelab's subset cannot evaluate (valid for ArgoCD)", () => {
  it.each([
    ["a Sprig function", 'name: "{{.application}}"', 'name: "{{ lower .application }}"', /function "lower" is not supported/],
    ["a pipeline", 'name: "{{.application}}"', "name: '{{ .application | printf \"%s\" }}'", /pipelines\) is not supported/],
    ["a variable", 'name: "{{.application}}"', 'name: "{{ $.application }}"', /template variables/],
  ])("%s: refused when exact (hydrate must render it), the set skipped when lenient (check reads any repository)", (_, from, to, message) => {
    expect(SET).toContain(from);
    const { set, place } = parsed(SET.replace(from, to));
    expect(() => expandApplicationSet(set, "exact", place)).toThrow(message);
    expect(expandApplicationSet(set, "lenient", place)).toEqual([]);
  });

  it("a template that ArgoCD would fail to render is still an error when lenient", () => {
    const { set, place } = parsed(SET.replace('name: "{{.application}}"', 'name: "{{ .application"'));
    expect(() => expandApplicationSet(set, "lenient", place)).toThrow(/unclosed action/);
  });
});

describe("declaredApplications of an ApplicationSet", () => {
  it("reads the Applications as ArgoCD renders them, templatePatch included", () => {
    const { set, place } = parsed(SET);
    const [a, b] = declaredApplications(set, place);
    expect(a!.application.sources[0]!.helm.releaseName).toBe("demo-a");
    expect(b!.application.sources[0]!.helm.releaseName).toBeNull();
    // A value the element gave points at the element; one the patch replaced does not.
    expect(a!.origin(["spec", "sources", 0, "helm", "releaseName"])).toEqual(["spec", "generators", 0, "list", "elements", 0, "application"]);
    expect(b!.origin(["spec", "sources", 0, "helm", "releaseName"])).toBeNull();
  });
});
