import { describe, expect, it } from "vitest";
import { componentPackage } from "./define.js";

describe("componentPackage", () => {
  it("takes the component's name from package.json's homelab.component, beside package name, version and description", () => {
    expect(componentPackage({ name: "@homelab/component-demo", version: "1.2.3", description: "d", homelab: { component: "demo" } })).toEqual({
      name: "demo",
      packageName: "@homelab/component-demo",
      version: "1.2.3",
      description: "d",
      dependsOn: [],
    });
  });

  it("names the package when its package.json says no component name", () => {
    expect(() => componentPackage({ name: "@homelab/component-demo", version: "1.2.3" })).toThrow(
      expect.objectContaining({ code: "CONFIG", message: '@homelab/component-demo: package.json has no "homelab": { "component": "<name>" }' }),
    );
  });

  it("takes dependsOn from the package's dependencies on component packages, sorted by name, other dependencies left out", () => {
    const manifest = {
      name: "@homelab/component-demo",
      version: "1.0.0",
      homelab: { component: "demo" },
      dependencies: { "@homelab/core": "*", "@homelab/component-traefik": "*", "@homelab/component-cert-manager": "*", yaml: "2.8.0" },
    };
    expect(componentPackage(manifest).dependsOn).toEqual(["cert-manager", "traefik"]);
    expect(componentPackage(manifest)).not.toHaveProperty("allowLaterLayerDependencies");
  });

  it("adds the later-layer dependencies it is given, with their reasons, to dependsOn", () => {
    const manifest = { name: "@homelab/component-demo", version: "1.0.0", homelab: { component: "demo" }, dependencies: { "@homelab/component-metallb": "*" } };
    const later = { "kube-prometheus-stack": "scraped once the ServiceMonitor CRD exists" };
    const result = componentPackage(manifest, undefined, { allowLaterLayerDependencies: later });
    expect(result.dependsOn).toEqual(["kube-prometheus-stack", "metallb"]);
    expect(result.allowLaterLayerDependencies).toEqual(later);
  });

  it("refuses a component that is both a package dependency and an allowed later-layer one", () => {
    const manifest = { name: "@homelab/component-demo", version: "1.0.0", homelab: { component: "demo" }, dependencies: { "@homelab/component-loki": "*" } };
    expect(() => componentPackage(manifest, undefined, { allowLaterLayerDependencies: { loki: "reason" } })).toThrow(
      expect.objectContaining({ code: "CONFIG", message: '@homelab/component-demo: "loki" is a package dependency and an allowed later-layer dependency' }),
    );
  });
});
