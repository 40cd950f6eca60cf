import { readdirSync, rmSync, statSync, utimesSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./mirrors.js";

/**
 * Caches the tools keep between runs live inside the repository, under
 * `node_modules/.cache/homelab/<name>` (where bundlers and linters keep theirs):
 * ignored by git, gone with `rm -rf node_modules`, and never outside the checkout.
 * HOMELAB_CACHE_DIR moves them (a CI cache step, a read-only checkout).
 */
export const CACHE_DIR_ENV = "HOMELAB_CACHE_DIR";

export function workspaceCacheDir(name: string, env: NodeJS.ProcessEnv = process.env, repoRoot = REPO_ROOT): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new Error(`cache name ${JSON.stringify(name)}: lower-case letters, digits and dashes only`);
  const override = env[CACHE_DIR_ENV];
  const base = override ? path.resolve(override) : path.join(repoRoot, "node_modules", ".cache", "homelab");
  return path.join(base, name);
}

/**
 * Marks the folder `current` (which the caller made) as used now and removes all but
 * the `keep` most recently used folders beside it in `dir`. A folder used within the
 * last hour is never removed: another process (a parallel Nx task) may be reading it.
 */
export function keepNewest(dir: string, current: string, keep: number, now = Date.now()): void {
  try {
    const date = new Date(now);
    utimesSync(current, date, date);
    const others = readdirSync(dir)
      .map((name) => ({ path: path.join(dir, name), stat: statSync(path.join(dir, name)) }))
      .filter((o) => o.path !== current && o.stat.isDirectory())
      .sort((a, b) => b.stat.mtimeMs - a.stat.mtimeMs);
    for (const old of others.slice(keep - 1)) if (now - old.stat.mtimeMs > IN_USE_MS) rmSync(old.path, { recursive: true, force: true });
  } catch {
    // A cache that cannot be tidied is only bigger.
  }
}

const IN_USE_MS = 60 * 60_000;
