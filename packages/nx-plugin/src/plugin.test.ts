import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HYDRATED_FOLDER as HYDRATE_OWNER_FOLDER } from "@homelab/hydrate/layout";
import { MIRROR_ENV } from "@homelab/workspace";
import { describe, expect, it } from "vitest";

const plugin = createRequire(import.meta.url)("./index.cjs") as { HYDRATED_FOLDER: string; CODEGEN_MIRROR_ENV: string[] };
const { HYDRATED_FOLDER } = plugin;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

function nx(...args: string[]): string {
  return execFileSync("npx", ["nx", ...args], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true", NX_TUI: "false" },
  });
}

function affected(file: string): string[] {
  return nx("show", "projects", "--affected", `--files=${file}`, "--json")
    .trim()
    .split("\n")
    .flatMap((line) => (line.startsWith("[") ? (JSON.parse(line) as string[]) : []))
    .filter((p) => p.startsWith("@homelab/component-"))
    .sort();
}

describe("nx plugin constants", () => {
  // CommonJS cannot import the TypeScript owners: these tests keep the plugin's copies equal to them.
  it("names the folder hydrate writes and the mirrors codegen reads as their owners do", () => {
    expect(HYDRATED_FOLDER).toBe(HYDRATE_OWNER_FOLDER);
    expect(plugin.CODEGEN_MIRROR_ENV).toEqual([MIRROR_ENV["chart-packages"], MIRROR_ENV.charts]);
  });
});

describe("nx plugin on this workspace", () => {
  it("infers a cacheable render target whose outputs are the component's files", () => {
    const project = JSON.parse(nx("show", "project", "@homelab/component-metallb", "--json")) as {
      targets: Record<string, { cache?: boolean; outputs?: string[]; options?: { command?: string } }>;
    };
    expect(project.targets.render?.cache).toBe(true);
    expect(project.targets.render?.options?.command).toBe("node packages/cli/bin/homelab.js render metallb");
    expect(project.targets.render?.outputs).toContain("{workspaceRoot}/cluster-init-apps/metallb");
    expect(project.targets.render?.outputs).toContain("{workspaceRoot}/.homelab/rendered/metallb.json");
  });

  /** Every component project: packages/components/* whose package.json names its component. */
  function componentProjects(): string[] {
    const dir = path.join(root, "packages/components");
    return readdirSync(dir)
      .map((name) => JSON.parse(readFileSync(path.join(dir, name, "package.json"), "utf8")) as { name: string; homelab?: { component?: string } })
      .filter((m) => typeof m.homelab?.component === "string")
      .map((m) => m.name)
      .sort();
  }

  it("validate and policy wait for the component's render and every component's hydrate, whose folders are in their key", () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), "nx-graph-")), "graph.json");
    nx("run-many", "-t", "validate", "policy", "-p", "@homelab/component-metallb", `--graph=${file}`);
    const graph = JSON.parse(readFileSync(file, "utf8")) as {
      tasks: { dependencies: Record<string, string[]>; tasks: Record<string, { outputs: string[] }> };
    };
    const hydrates = componentProjects().map((p) => `${p}:hydrate`);
    for (const target of ["validate", "policy"]) {
      const deps = graph.tasks.dependencies[`@homelab/component-metallb:${target}`]!;
      expect(deps.sort()).toEqual(["@homelab/component-metallb:render", ...hydrates].sort());
    }
    // dist/ is gitignored, invisible to file inputs: the hydrated folders reach the key only as these tasks' outputs.
    expect(graph.tasks.tasks["@homelab/component-traefik:hydrate"]!.outputs).toEqual([`${HYDRATED_FOLDER}/traefik`]);
    // hydrate reads every component's rendered files, so every render runs before any hydrate.
    expect(graph.tasks.dependencies["@homelab/component-traefik:hydrate"]!.sort()).toEqual(componentProjects().map((p) => `${p}:render`));
    const project = JSON.parse(nx("show", "project", "@homelab/component-metallb", "--json")) as {
      targets: Record<string, { inputs?: unknown[]; options?: { command?: string } }>;
    };
    for (const target of ["validate", "policy"])
      expect(project.targets[target]?.inputs).toContainEqual({ dependentTasksOutputFiles: "**/*", transitive: false });
  }, 60_000);

  it("codegen runs through the CLI and is keyed on the chart mirrors and the template analyser", () => {
    const project = JSON.parse(nx("show", "project", "@homelab/component-metallb", "--json")) as {
      targets: Record<string, { inputs?: unknown[]; command?: string; options?: { command?: string } }>;
    };
    const codegen = project.targets.codegen!;
    expect(codegen.options?.command ?? codegen.command).toBe("node packages/cli/bin/homelab.js codegen --component metallb");
    for (const kind of ["chart-packages", "charts"] as const) expect(codegen.inputs).toContainEqual({ env: MIRROR_ENV[kind] });
    expect(codegen.inputs).toContain("{workspaceRoot}/packages/codegen/go/**/*");
  });

  it("a change to a component nothing depends on affects only that component", () => {
    expect(affected("packages/components/bookmarks/src/index.ts")).toEqual(["@homelab/component-bookmarks"]);
  });

  it("a change to one component affects exactly it and its dependents", () => {
    // Reverse dependencies from the component package.json files, closed transitively.
    const dir = path.join(root, "packages/components");
    const deps = new Map(
      readdirSync(dir).map((name) => {
        const manifest = JSON.parse(readFileSync(path.join(dir, name, "package.json"), "utf8")) as { name: string; dependencies?: Record<string, string> };
        return [manifest.name, Object.keys(manifest.dependencies ?? {}).filter((d) => d.startsWith("@homelab/component-"))] as const;
      }),
    );
    const expected = new Set(["@homelab/component-cert-manager"]);
    for (let grew = true; grew;) {
      grew = false;
      for (const [name, needs] of deps) {
        if (!expected.has(name) && needs.some((n) => expected.has(n))) {
          expected.add(name);
          grew = true;
        }
      }
    }
    expect(expected.has("@homelab/component-traefik")).toBe(true);
    expect(expected.has("@homelab/component-metallb")).toBe(false);
    expect(affected("packages/components/cert-manager/src/index.ts")).toEqual([...expected].sort());
  });

  it("a change to the cluster facts affects every component", () => {
    const all = affected("packages/cluster/src/homelab.ts");
    expect(all).toContain("@homelab/component-metallb");
    expect(all).toContain("@homelab/component-cert-manager");
    expect(all.length).toBeGreaterThanOrEqual(13);
  });
});
