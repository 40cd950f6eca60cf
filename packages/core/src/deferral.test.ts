import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HomelabError } from "@homelab/errors";
import { instantiate } from "./instantiate.js";
import { renderComponent } from "./plan.js";
import { demoComponent, demoConfig } from "./testing/fixtures.js";

// `demo` in the init layer renders an ExternalSecret; `eso` in the platform layer provides its CRDs.
const eso = demoComponent({
  name: "eso",
  layer: "platform",
  provides: ["external-secrets.io"],
  routes: [],
  secrets: [],
  instances: [{ name: "eso", values: {} }],
});

function render(allowed: boolean) {
  const early = demoComponent({
    layer: "init",
    routes: [],
    // Without the allowance the dependency is not declared at all: render must still notice it from the API group.
    ...(allowed ? { dependsOn: ["eso"], allowLaterLayerDependencies: { eso: "the token arrives once External Secrets runs" } } : {}),
  });
  const config = demoConfig(early, eso);
  const all = instantiate(config);
  return renderComponent(config.cluster, all[0]!, all);
}

describe("manifests whose CRDs come from a later layer", () => {
  it("are synced with that layer in a separate Application, so the earlier layer can become healthy", () => {
    const out = render(true);
    const paths = out.files.map((f) => f.path);
    expect(paths).toContain("cluster-init-apps/demo/manifests-platform/externalsecret-demo-db.yaml");
    expect(paths).toContain("cluster-init-apps/demo/manifests/configmap-demo-settings.yaml");
    const sets = out.files
      .find((f) => f.path === "apps-root-config/applications/demo.yaml")!
      .content.split(/^---$/m)
      .map(
        (doc) =>
          parse(doc) as {
            metadata: { name: string; annotations: Record<string, string> };
            spec: { generators: { list: { elements: { manifestsPath: string }[] } }[] };
          },
      );
    expect(sets.map((s) => [s.metadata.name, s.metadata.annotations["argocd.argoproj.io/sync-wave"]])).toEqual([
      ["demo", "1"],
      ["demo-platform", "3"],
    ]);
    expect(sets[1]!.spec.generators[0]!.list.elements.map((e) => e.manifestsPath)).toEqual(["cluster-init-apps/demo/manifests-platform"]);
    expect(out.record.deferred).toEqual([{ layer: "platform", layerOrder: 3, instance: "demo", manifestsDir: "cluster-init-apps/demo/manifests-platform" }]);
  });

  it("are an error unless the later provider is allowed explicitly", () => {
    const error = (() => {
      try {
        render(false);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(HomelabError);
    expect((error as HomelabError).message).toBe(
      "component demo (layer init) renders ExternalSecret demo-db, whose CRDs come with eso in the later layer platform",
    );
  });
});
