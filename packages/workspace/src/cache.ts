import { randomBytes, type Hash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
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
 * The cache folder `name`, made if missing, when this process can write to it;
 * undefined otherwise (a read-only checkout without HOMELAB_CACHE_DIR), so a
 * caller can fall back instead of failing on its first write.
 */
export function writableCacheDir(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = workspaceCacheDir(name, env);
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * Writes `file` whole or not at all: a temporary sibling (named by process and
 * a random suffix, so parallel writers never share one) renamed over it, so a
 * reader sees the old content or the new, and of two writers the last one
 * wins. Its folder is made when missing; on failure the temporary file is
 * removed and the error thrown.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    writeFileSync(temp, data);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/**
 * Marks the folder `current` (which the caller made) as used now and removes all but
 * the `keep` most recently used folders beside it in `dir`. A folder used within the
 * last hour is never removed: another process (a parallel Nx task) may be reading it.
 */
export function keepNewest(dir: string, current: string, keep = GENERATIONS_KEPT, now = Date.now()): void {
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

/** Generations of a cache kept at once (engine builds, schema sets): a branch switch and back still hits. */
const GENERATIONS_KEPT = 4;

/**
 * The folder of one generation of a cache (`<dir>/<name>`), made and marked as used,
 * the older ones beyond GENERATIONS_KEPT removed. Never throws: an unwritable cache
 * only misses (lookups under the folder find nothing, writes fail quietly).
 */
export function openGeneration(dir: string, name: string): string {
  const folder = path.join(dir, name);
  try {
    mkdirSync(folder, { recursive: true });
  } catch {
    return folder;
  }
  keepNewest(dir, folder);
  return folder;
}

/**
 * Adds every file under `root` (relative path, size and content, in name order) to
 * `hash`: the content identity of a folder of schemas or of a chart, for cache keys.
 * A file `root` is hashed by its content; an absent one by its absence.
 */
export function hashTree(hash: Hash, root: string): Hash {
  if (!existsSync(root)) return hash.update(`absent ${root}\0`);
  if (!statSync(root).isDirectory()) return hash.update(readFileSync(root));
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full, `${rel}${name}/`);
      else if (stat.isFile()) hash.update(`${rel}${name}\0${stat.size}\0`).update(readFileSync(full)).update("\0");
    }
  };
  walk(root, "");
  return hash;
}

/**
 * Adds every file under `root` (relative path, size and modification time, in
 * name order) to `hash`, reading no content: the identity of a folder of build
 * output or generated files, for a key checked on every run (hashing the
 * schema folders' 3 MB was ~15 ms of each check). Unchanged size and mtime are
 * trusted, as for the compiled CLI (packages/cli/bin/compiled.mjs); a rewrite,
 * a checkout or a rebuild changes the mtime. An absent root is hashed by its absence.
 */
export function statTree(hash: Hash, root: string): Hash {
  if (!existsSync(root)) return hash.update(`absent ${root}\0`);
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const stat = statSync(full);
      if (stat.isDirectory()) walk(full, `${rel}${name}/`);
      else if (stat.isFile()) hash.update(`${rel}${name}\0${stat.size}\0${stat.mtimeMs}\0`);
    }
  };
  const stat = statSync(root);
  if (stat.isDirectory()) walk(root, "");
  else hash.update(`${stat.size}\0${stat.mtimeMs}\0`);
  return hash;
}
