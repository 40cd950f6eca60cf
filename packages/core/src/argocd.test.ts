import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { instantiate } from "./instantiate.js";
import { renderComponent } from "./plan.js";
import { demoComponent, demoConfig } from "./testing/fixtures.js";

function applicationSetOf(config: ReturnType<typeof demoConfig>) {
  const component = instantiate(config)[0]!;
  const file = renderComponent(config.cluster, component).files.find((f) => f.path.startsWith("apps-root-config/applications/"))!;
  return parse(file.content) as {
    metadata: { annotations: Record<string, string> };
    spec: { generators: { list: { elements: Record<string, string>[] } }[]; template: { spec: { sources: object[] } }; templatePatch?: string };
  };
}

describe("ApplicationSet", () => {
  it("orders layers by sync wave and lists one element per instance", () => {
    const set = applicationSetOf(demoConfig(demoComponent({ layer: "critical" })));
    expect(set.metadata.annotations["argocd.argoproj.io/sync-wave"]).toBe("2");
    expect(set.spec.generators[0]!.list.elements).toEqual([
      {
        instance: "demo",
        application: "demo",
        releaseName: "demo",
        namespace: "demo",
        valuesFile: "cluster-critical-apps/demo/values.yaml",
        manifestsPath: "cluster-critical-apps/demo/manifests",
      },
    ]);
    expect(set.spec.template.spec.sources).toHaveLength(3);
    expect(set.spec.templatePatch).toBeUndefined();
  });

  it("patches the sources of instances that differ: no manifests, CRDs owned elsewhere", () => {
    const two = demoComponent({
      routes: [],
      secrets: [],
      instances: [
        { name: "public", values: {}, manifests: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "demo" } }] },
        { name: "private", values: {}, skipCrds: true },
      ],
    });
    const set = applicationSetOf(demoConfig(two));
    expect(set.spec.generators[0]!.list.elements.map((e) => [e.application, e.manifestsPath])).toEqual([
      ["demo-public", "cluster-platform-apps/demo/public/manifests"],
      ["demo-private", ""],
    ]);
    expect(set.spec.template.spec.sources).toHaveLength(3);
    const patch = set.spec.templatePatch!;
    expect(patch.split("\n")[0]).toBe('{{- if eq .instance "private" }}');
    const patched = parse(patch.replace(/^\{\{.*\}\}$/gm, "")) as { spec: { sources: { helm?: { skipCrds?: boolean }; path?: string }[] } };
    expect(patched.spec.sources).toHaveLength(2);
    expect(patched.spec.sources[0]!.helm?.skipCrds).toBe(true);
    expect(patched.spec.sources.some((source) => source.path !== undefined)).toBe(false);
  });
});
