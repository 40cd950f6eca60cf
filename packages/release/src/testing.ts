/** Test helpers: a miniature homelab repository in a temporary git repo, rendered by the real render. */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { homelab } from "@homelab/cluster";
import { render, type ComponentFactory, type HomelabConfig } from "@homelab/core";
import { demoSchema } from "@homelab/core/testing";
import type { ValuesSchema } from "@homelab/values";
import type { TempGitRepo } from "@homelab/test-fixtures";

export const REPO_ROOT = path.resolve(import.meta.dirname, "../../..");
const CHANGESET_BIN = path.join(REPO_ROOT, "node_modules/.bin/changeset");

/** The repository's real changeset config, with the changelog generator addressed by absolute path (the temp repo has no node_modules). */
export function changesetConfig(): string {
  const config = JSON.parse(readFileSync(path.join(REPO_ROOT, ".changeset/config.json"), "utf8"));
  config.changelog[0] = path.join(REPO_ROOT, "packages/release/changelog.cjs");
  return `${JSON.stringify(config, null, 2)}\n`;
}

function manifest(name: string, extra: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ name, version: "0.1.0", private: true, type: "module", ...extra }, null, 2)}\n`;
}

/** Files of a workspace with a framework package and two components, alpha and beta (beta depends on alpha). */
export function workspaceFiles(): Record<string, string> {
  return {
    "package.json": `${JSON.stringify({ name: "homelab", private: true, type: "module", workspaces: ["packages/*", "packages/components/*"] }, null, 2)}\n`,
    ".changeset/config.json": changesetConfig(),
    ".changeset/README.md": "Changesets live here.\n",
    "packages/core/package.json": manifest("@homelab/core"),
    "packages/components/alpha/package.json": manifest("@homelab/component-alpha", {
      homelab: { component: "alpha", chart: { name: "demo", version: "1.2.3", repository: "https://charts.example.invalid" } },
      dependencies: { "@homelab/core": "*" },
    }),
    "packages/components/alpha/values.json": `${JSON.stringify({ replicaCount: 2 })}\n`,
    "packages/components/beta/package.json": manifest("@homelab/component-beta", {
      homelab: { component: "beta", chart: { name: "demo", version: "1.2.3", repository: "https://charts.example.invalid" } },
      dependencies: { "@homelab/core": "*", "@homelab/component-alpha": "*" },
    }),
    "packages/components/beta/values.json": `${JSON.stringify({ replicaCount: 1 })}\n`,
  };
}

/** The core test schema, pinned to the chart the temp repo names (codegen would write it there). */
const valuesSchema = (chart: ValuesSchema["chart"]): ValuesSchema => ({ ...demoSchema, chart });

/** A component whose version and values come from its files in the temp repo, as a real component's come from its package. */
function fromFiles(root: string, name: string): ComponentFactory<any> {
  const dir = path.join(root, "packages/components", name);
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const values = JSON.parse(readFileSync(path.join(dir, "values.json"), "utf8"));
  const chart = pkg.homelab.chart as ValuesSchema["chart"];
  return () => ({
    name,
    packageName: pkg.name,
    version: pkg.version,
    layer: "platform",
    namespace: name,
    chart: { repoURL: chart.repository, chart: chart.name, version: chart.version },
    valuesSchema: valuesSchema(chart),
    instances: [
      {
        name,
        values,
        manifests: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: `${name}-settings`, namespace: name }, data: { a: "b" } } as never],
      },
    ],
  });
}

/** The configuration of the temp repo: alpha and beta read from its files. */
export function workspaceConfig(root: string): HomelabConfig {
  return { cluster: homelab, components: [fromFiles(root, "alpha"), fromFiles(root, "beta")] };
}

/** Renders alpha and beta from the temp repo's files into its layer folders with the real render. */
export async function renderWorkspace(root: string): Promise<void> {
  await render({ root, config: workspaceConfig(root) });
}

/** A homelab.config.ts for the temp repo, so the real `homelab` binary renders it too. */
export function configFile(): string {
  const self = path.join(REPO_ROOT, "packages/release/src/testing.ts");
  return `import { workspaceConfig } from ${JSON.stringify(self)};\n\nexport default workspaceConfig(import.meta.dirname);\n`;
}

/** Runs the real `changeset` CLI in the repo; `env` replaces the environment (plus PATH), so CI variables do not leak in. */
export function runChangeset(repo: TempGitRepo, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [CHANGESET_BIN, ...args],
      { cwd: repo.dir, env: { PATH: process.env.PATH ?? "", HOME: repo.dir, GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", ...env } },
      (error, stdout, stderr) => (error ? reject(new Error(`changeset ${args.join(" ")} failed: ${stderr || stdout}`)) : resolve(stdout + stderr)),
    );
  });
}
