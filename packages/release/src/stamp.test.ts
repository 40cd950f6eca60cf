import { instantiate, loadConfig, LABELS, renderComponent, type HomelabConfig } from "@homelab/core";
import { YamlSource } from "@homelab/yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./testing.js";

/** Every rendered file of the real configuration, path → content, plus each component's record. */
function renderAll(config: HomelabConfig): { files: Map<string, string>; records: Map<string, Record<string, unknown>> } {
  const files = new Map<string, string>();
  const records = new Map<string, Record<string, unknown>>();
  for (const component of instantiate(config)) {
    const render = renderComponent(config.cluster, component);
    for (const file of render.files) files.set(file.path, file.content);
    records.set(component.name, render.record as unknown as Record<string, unknown>);
  }
  return { files, records };
}

describe("the version stamp in the real repository's render", () => {
  let config: HomelabConfig;
  let baseline: ReturnType<typeof renderAll>;
  let owner: Map<string, string>;
  beforeAll(async () => {
    config = await loadConfig(REPO_ROOT);
    baseline = renderAll(config);
    owner = new Map();
    for (const component of instantiate(config)) {
      for (const file of renderComponent(config.cluster, component).files) owner.set(file.path, component.name);
    }
  });

  it("a version bump changes every rendered file of that component, only by the version, and nothing of any other", () => {
    const names = instantiate(config).map((c) => c.name);
    expect(names.length).toBeGreaterThanOrEqual(13);
    for (const name of names) {
      const bumped: HomelabConfig = {
        ...config,
        components: config.components.map((factory) => (cluster) => {
          const component = factory(cluster);
          return component.name === name ? { ...component, version: "99.0.0-bump" } : component;
        }),
      };
      const after = renderAll(bumped);
      expect([...after.files.keys()].sort()).toEqual([...baseline.files.keys()].sort());
      const changed = [...after.files.keys()].filter((p) => after.files.get(p) !== baseline.files.get(p)).sort();
      const own = [...owner.entries()]
        .filter(([, c]) => c === name)
        .map(([p]) => p)
        .sort();
      expect(changed, name).toEqual(own);
      const original = instantiate(config).find((c) => c.name === name)!.version;
      for (const file of changed) expect(after.files.get(file)!.replaceAll("99.0.0-bump", original), file).toBe(baseline.files.get(file));
      expect({ ...after.records.get(name), version: original }).toEqual(baseline.records.get(name));
      expect(after.records.get(name)!.version).toBe("99.0.0-bump");
    }
  });

  it("the ApplicationSet and its Applications carry the component and its version as labels", () => {
    for (const component of instantiate(config)) {
      const file = [...owner.entries()].find(([p, c]) => c === component.name && p.startsWith("apps-root-config/applications/"))?.[0];
      expect(file, component.name).toBeDefined();
      const appSet = YamlSource.parse(baseline.files.get(file!)!, file!).nonEmpty()[0]!.value as any;
      expect(appSet.kind).toBe("ApplicationSet");
      expect(appSet.metadata.labels[LABELS.component]).toBe(component.name);
      expect(appSet.metadata.labels[LABELS.version]).toBe(component.version);
      expect(appSet.spec.template.metadata.labels[LABELS.version]).toBe(component.version);
    }
  });
});
