import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { instantiate } from "./instantiate.js";
import type { Component, HomelabConfig } from "./model.js";
import { checkRender, writeRender, type HandEdits, type RenderChanges, type RenderFs, type WriteResult } from "./output.js";
import { renderComponent, type ComponentRender } from "./plan.js";

export const CONFIG_FILE = "homelab.config.ts";

/** The repository root: the nearest folder upwards holding homelab.config.ts. */
export function findRoot(from: string): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, CONFIG_FILE))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new HomelabError(ErrorCode.Config, `no ${CONFIG_FILE} found in ${from} or any parent folder`, {
        hint: "run homelab inside the repository, or pass --root",
      });
    }
    dir = parent;
  }
}

export async function loadConfig(root: string): Promise<HomelabConfig> {
  const file = path.join(root, CONFIG_FILE);
  // A --root that is not a repository: say so, rather than let the import fail as an internal error.
  if (!existsSync(file)) {
    throw new HomelabError(ErrorCode.Config, `no ${CONFIG_FILE} in ${root}`, {
      hint: "pass --root the folder that holds it, or run homelab inside the repository",
    });
  }
  const loaded = (await import(pathToFileURL(file).href)) as { default?: HomelabConfig };
  const config = loaded.default;
  if (!config || !Array.isArray(config.components) || !config.cluster) {
    throw new HomelabError(ErrorCode.Config, "the default export must be defineConfig({ cluster, components })", {
      position: { file: CONFIG_FILE },
    });
  }
  return config;
}

export interface RenderOptions {
  root: string;
  /** Component names; empty renders every component and prunes removed ones. */
  components?: readonly string[];
  config?: HomelabConfig;
  fs?: RenderFs;
  /** Owned files edited by hand: refused (default), overwritten (`force`) or kept (`keep`). */
  handEdits?: HandEdits;
}

function select(all: readonly Component[], names: readonly string[]): Component[] {
  if (names.length === 0) return [...all];
  const unknown = names.filter((n) => !all.some((c) => c.name === n));
  if (unknown.length > 0) {
    throw new UsageError(`unknown component(s): ${unknown.join(", ")}`, `known: ${all.map((c) => c.name).join(", ")}`);
  }
  return all.filter((c) => names.includes(c.name));
}

async function prepare(options: RenderOptions): Promise<{ renders: ComponentRender[]; prune: boolean }> {
  const config = options.config ?? (await loadConfig(options.root));
  const all = instantiate(config);
  const components = select(all, options.components ?? []);
  // Every component is rendered in memory before anything is written: one bad component writes nothing.
  const renders = components.map((component) => renderComponent(config.cluster, component, all));
  return { renders, prune: (options.components ?? []).length === 0 };
}

export async function render(options: RenderOptions): Promise<WriteResult> {
  const { renders, prune } = await prepare(options);
  return writeRender(options.root, renders, {
    prune,
    ...(options.fs ? { fs: options.fs } : {}),
    ...(options.handEdits ? { handEdits: options.handEdits } : {}),
  });
}

/** `render --check`: what a fresh render would change, without writing. */
export async function renderCheck(options: RenderOptions): Promise<RenderChanges> {
  const { renders, prune } = await prepare(options);
  return checkRender(options.root, renders, prune, options.fs);
}
