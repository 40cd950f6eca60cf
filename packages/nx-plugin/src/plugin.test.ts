import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

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
