import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { instantiate, loadConfig, renderComponent, layer } from "@homelab/core";
import { validateCustomResource } from "@homelab/crds";
import { YamlSource } from "@homelab/yaml";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const config = await loadConfig(root);
const components = instantiate(config);

describe("the cluster in homelab.config.ts", () => {
  it("lists every component package", () => {
    const packages = readdirSync(path.join(root, "packages/components")).filter((name) =>
      existsSync(path.join(root, "packages/components", name, "src/index.ts")),
    );
    expect(components.map((c) => c.name).sort()).toEqual(packages.sort());
  });

  it("takes every component's dependencies from its package.json (no component declares a dependsOn of its own beside it)", () => {
    const mismatches: string[] = [];
    for (const component of components) {
      const manifest = JSON.parse(readFileSync(path.join(root, "packages/components", component.name, "package.json"), "utf8")) as {
        dependencies?: Record<string, string>;
      };
      const declared = Object.keys(manifest.dependencies ?? {})
        .filter((d) => d.startsWith("@homelab/component-"))
        .map((d) => d.slice("@homelab/component-".length))
        .sort();
      const expected = (component.dependsOn ?? []).filter((d) => !component.allowLaterLayerDependencies?.[d]).sort();
      if (JSON.stringify(declared) !== JSON.stringify(expected))
        mismatches.push(`${component.name}: package.json ${declared.join(",")} vs dependsOn ${expected.join(",")}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("syncs what needs a later layer's CRDs with that layer, so no layer waits on a later one", () => {
    const certManager = renderComponent(
      config.cluster,
      components.find((c) => c.name === "cert-manager")!,
      components,
    );
    expect(certManager.record.deferred).toEqual([
      { layer: "platform", layerOrder: 3, instance: "cert-manager", manifestsDir: "cluster-init-apps/cert-manager/manifests-platform" },
    ]);
    const argocd = renderComponent(
      config.cluster,
      components.find((c) => c.name === "argocd")!,
      components,
    );
    expect(argocd.record.deferred.map((d) => d.layer)).toEqual(["init", "critical", "platform"]);
    expect(argocd.files.filter((f) => f.path.startsWith("apps-root-config/bootstrap/argocd/manifests/")).map((f) => f.path)).toEqual([
      "apps-root-config/bootstrap/argocd/manifests/application-homelab-root.yaml",
    ]);
  });

  it("scrapes the components the alert rules watch, synced with the layer that brings the ServiceMonitor CRD", () => {
    const monitors = components.flatMap((component) =>
      renderComponent(config.cluster, component, components)
        .files.filter((f) => /\/servicemonitor-[^/]+\.yaml$/.test(f.path))
        .map((f) => `${component.name}: ${f.path.split("/").slice(-2, -1)[0]}`),
    );
    // All five live in layers before kube-prometheus-stack (platform), so each monitor waits for it.
    for (const watched of ["argocd", "cert-manager", "longhorn", "traefik", "vault"]) expect(monitors).toContain(`${watched}: manifests-platform`);
  });

  it("covers every layer", () => {
    expect([...new Set(components.map((c) => layer(c.layer).order))].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("renders every component, and every rendered custom resource matches its CRD", () => {
    const problems: string[] = [];
    let customResources = 0;
    for (const component of components) {
      for (const file of renderComponent(config.cluster, component, components).files) {
        if (file.path.endsWith("/values.yaml")) continue;
        for (const doc of YamlSource.parse(file.content, file.path).nonEmpty()) {
          const found = validateCustomResource(doc.value);
          if (found) customResources += 1;
          for (const p of found ?? []) problems.push(`${file.path}: ${p.path.join(".")}: ${p.message}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(customResources).toBeGreaterThan(40);
  });
});
