// The compiled framework (packages/cli/build/, made by scripts/build.mjs) and
// how a process uses it: only when every source it was made from is unchanged,
// else the caller runs the TypeScript sources through tsx as before, so a fresh
// clone or an edited package never runs stale code.
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const MANIFEST = "manifest.json";
export const MANIFEST_FORMAT = 1;
/** The Nx batch runner's entry (packages/nx-plugin/src/run.ts; not a package export). */
export const NX_RUNNER = "@homelab/nx-plugin/run";

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(cliDir, "../..");
export const buildDir = path.join(cliDir, "build");

/**
 * @typedef {{ format: number, esbuild: string, entries: Record<string, string>, inputs: Record<string, { size: number, mtimeMs: number, sha256: string }> }} Manifest
 * @typedef {{ dir: string, manifest: Manifest, url(specifier: string): string }} CompiledBuild
 */

/**
 * The build when it is current, else undefined (absent, made by another
 * format, or any input changed). Unchanged size and mtime are trusted; else
 * the content decides, so a checkout or `touch` that keeps the bytes keeps the
 * build. HOMELAB_FROM_SOURCE=1 always runs the sources.
 * @returns {CompiledBuild | undefined}
 */
export function compiledBuild(dir = buildDir, base = root) {
  if (process.env.HOMELAB_FROM_SOURCE === "1") return undefined;
  /** @type {Manifest} */
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path.join(dir, MANIFEST), "utf8"));
  } catch {
    return undefined;
  }
  if (manifest.format !== MANIFEST_FORMAT) return undefined;
  for (const [file, was] of Object.entries(manifest.inputs)) {
    const abs = path.join(base, file);
    let st;
    try {
      st = statSync(abs);
    } catch {
      return undefined;
    }
    if (st.size === was.size && st.mtimeMs === was.mtimeMs) continue;
    if (st.size !== was.size || createHash("sha256").update(readFileSync(abs)).digest("hex") !== was.sha256) return undefined;
  }
  for (const file of Object.values(manifest.entries)) if (!existsSync(path.join(dir, file))) return undefined;
  return {
    dir,
    manifest,
    url: (specifier) => {
      const file = manifest.entries[specifier];
      if (!file) throw new Error(`the compiled CLI has no entry ${specifier}`);
      return pathToFileURL(path.join(dir, file)).href;
    },
  };
}

let sourceLoading;
/**
 * Lets the process import TypeScript (homelab.config.ts, component packages)
 * through tsx, and, with a build, makes every `@homelab/<framework package>`
 * import (the user's code importing @homelab/core, say) load the build's
 * module: one instance of each package, and no framework code compiled twice.
 * Registered once per process.
 * @param {CompiledBuild | undefined} build
 */
export async function enableSourceLoading(build) {
  sourceLoading ??= (async () => {
    const { register: registerTsx } = await import("tsx/esm/api");
    // tsx keeps its compile cache under os.tmpdir(), which its hooks thread reads
    // when it starts (here): point it into the repository's cache for that moment,
    // so running homelab writes nothing outside the checkout. A folder it cannot
    // write (a read-only checkout) would fail every import: then tsx keeps its own.
    const cache = tsxCacheParent();
    const tmpdir = process.env.TMPDIR;
    if (writable(cache)) process.env.TMPDIR = cache;
    try {
      registerTsx();
    } finally {
      if (tmpdir === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = tmpdir;
    }
    if (build) {
      const entries = Object.fromEntries(Object.keys(build.manifest.entries).map((specifier) => [specifier, build.url(specifier)]));
      // Registered after tsx, so it is asked first.
      register(new URL("./resolve-compiled.mjs", import.meta.url), { data: { entries } });
    }
  })();
  return sourceLoading;
}

/**
 * writableCacheDir's test in @homelab/workspace, for the same reason as
 * tsxCacheParent below: nothing TypeScript can load yet.
 * @param {string} dir
 */
function writable(dir) {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * workspaceCacheDir("tsx") of @homelab/workspace, spelled out here because this
 * runs before any TypeScript can load (a test holds the two equal).
 * @param {NodeJS.ProcessEnv} env
 */
export function tsxCacheParent(env = process.env) {
  const override = env.HOMELAB_CACHE_DIR;
  return path.join(override ? path.resolve(override) : path.join(root, "node_modules", ".cache", "homelab"), "tsx");
}
