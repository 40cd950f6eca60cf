import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { componentFolder } from "./layout.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const plugin = createRequire(import.meta.url)(path.join(root, "packages/nx-plugin/src/index.cjs")) as {
  createNodesV2: [
    string,
    (
      files: string[],
      options: unknown,
      context: { workspaceRoot: string },
    ) => [string, { projects: Record<string, { targets: Record<string, Record<string, unknown>> }> }][],
  ];
};

describe("the inferred hydrate target", () => {
  const [, create] = plugin.createNodesV2;
  const [[, node]] = create(["packages/components/traefik/package.json"], {}, { workspaceRoot: root }) as [
    [string, { projects: Record<string, { targets: Record<string, Record<string, unknown>> }> }],
  ];
  const target = node.projects["packages/components/traefik"]!.targets.hydrate!;

  it("runs homelab hydrate for the component after every component's render (any may install a CRD it tests for), cached, into the layout's folder", () => {
    // The batch executor runs it; `command` is the CLI call it stands for.
    expect((target.options as { command: string }).command).toBe("node packages/cli/bin/homelab.js hydrate traefik");
    expect(target.cache).toBe(true);
    expect(target.dependsOn).toEqual([{ target: "render", projects: ["tag:type:component"] }]);
    expect(target.outputs).toEqual([`{workspaceRoot}/${componentFolder("traefik")}`]);
  });

  it("keys the cache on every rendered file, the chart lock, the engine's sources and hydrate's code", () => {
    const inputs = target.inputs as unknown[];
    for (const input of [
      "{workspaceRoot}/apps-root-config/applications/*.yaml",
      "{workspaceRoot}/cluster-platform-apps/**/*",
      "{workspaceRoot}/charts.lock.yaml",
      "{workspaceRoot}/packages/helm/go/**/*",
      "{workspaceRoot}/packages/hydrate/src/**/*.ts",
      "{workspaceRoot}/packages/hydrate/generated/**/*",
    ]) {
      expect(inputs).toContain(input);
    }
    expect(inputs).toContainEqual({ runtime: "go version" });
  });
});
