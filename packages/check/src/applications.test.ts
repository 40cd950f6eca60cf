import { HomelabError } from "@homelab/errors";
import { APPLICATION_SET } from "@homelab/sources/testing";
import { YamlSource } from "@homelab/yaml";
import { describe, expect, it } from "vitest";
import { applicationsOf } from "./applications.js";
import { classifyDocuments } from "./model/documents.js";

const FILE = "apps-root-config/applications/demo.yaml";

const documentsOf = (text: string) =>
  YamlSource.parse(text, FILE).documents.map((d) => ({
    file: FILE,
    index: d.index,
    component: "demo",
    instance: null,
    layerOrder: 1,
    object: d.value as Record<string, unknown>,
    images: [],
    namedValues: [],
  }));

describe("applicationsOf", () => {
  it("sees the Applications an ApplicationSet renders to, conditionals and templatePatch included, as hydrate does", () => {
    // Element b's wave is a conditional; its sync options, manifests folder and chart settings come from the templatePatch.
    const apps = applicationsOf(documentsOf(APPLICATION_SET));
    expect(apps.map(({ name, wave, syncOptions, namespace, paths }) => ({ name, wave, syncOptions, namespace, paths }))).toEqual([
      { name: "demo-a", wave: 2, syncOptions: [], namespace: "demo-a", paths: [] },
      { name: "demo-b", wave: 3, syncOptions: ["ServerSideApply=true"], namespace: "demo-b", paths: ["cluster-workload-apps/demo/b/manifests"] },
    ]);
    expect(apps.map((a) => a.charts.map((c) => c.releaseName))).toEqual([["demo-a"], [null]]);
  });
});

describe("classifyDocuments", () => {
  it("stops at a template that does not render, naming its file and line (exit 2), as hydrate does", () => {
    const broken = APPLICATION_SET.replace('name: "{{.application}}"', 'name: "{{.app}}"');
    try {
      classifyDocuments([{ file: FILE, source: YamlSource.parse(broken, FILE) }]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HomelabError);
      expect((error as HomelabError).message).toBe('ApplicationSet demo, element 0 (demo-a): map has no entry for key "app"');
      expect((error as HomelabError).position).toMatchObject({ file: FILE, line: 19 });
    }
  });
});
