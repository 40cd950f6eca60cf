import { describe, expect, it } from "vitest";
import { componentPackage } from "./define.js";

describe("componentPackage", () => {
  it("takes the component's name from package.json's homelab.component, beside package name, version and description", () => {
    expect(componentPackage({ name: "@homelab/component-demo", version: "1.2.3", description: "d", homelab: { component: "demo" } })).toEqual({
      name: "demo",
      packageName: "@homelab/component-demo",
      version: "1.2.3",
      description: "d",
    });
  });

  it("names the package when its package.json says no component name", () => {
    expect(() => componentPackage({ name: "@homelab/component-demo", version: "1.2.3" })).toThrow(
      expect.objectContaining({ code: "CONFIG", message: '@homelab/component-demo: package.json has no "homelab": { "component": "<name>" }' }),
    );
  });
});
