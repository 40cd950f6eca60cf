import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { writeFileAtomic } from "@homelab/workspace";
import { isDigest } from "./lock.js";

/** Overrides the chart cache folder. */
export const CHART_CACHE_ENV = "HOMELAB_CHART_CACHE";

/** `$HOMELAB_CHART_CACHE`, else `$XDG_CACHE_HOME/homelab/charts`, else `~/.cache/homelab/charts`. */
export function chartCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[CHART_CACHE_ENV];
  if (override) return path.resolve(override);
  const xdg = env.XDG_CACHE_HOME;
  // XDG: a relative XDG_CACHE_HOME is invalid and must be ignored.
  const base = xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), ".cache");
  return path.join(base, "homelab", "charts");
}

export function sha256Digest(data: Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/**
 * The cache path of a package: `<cache>/sha256/<hex>.tgz`. The digest is
 * checked first, so no input ever names a path outside the cache.
 */
export function cachedPath(cacheDir: string, digest: string): string {
  if (!isDigest(digest)) throw new HomelabError(ErrorCode.Config, `not a sha256 digest: ${JSON.stringify(digest)}`);
  return path.join(cacheDir, "sha256", `${digest.slice("sha256:".length)}.tgz`);
}

/** Reads a cached package; undefined when absent. The caller verifies its digest. */
export function readCached(cacheDir: string, digest: string): Buffer | undefined {
  try {
    return readFileSync(cachedPath(cacheDir, digest));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new HomelabError(ErrorCode.Io, `cannot read the chart cache: ${(error as Error).message}`, { position: { file: cachedPath(cacheDir, digest) } });
  }
}

/** Stores a package under its own digest, atomically (a reader never sees half a file). */
export function storeCached(cacheDir: string, data: Uint8Array): { digest: string; path: string } {
  const digest = sha256Digest(data);
  const file = cachedPath(cacheDir, digest);
  try {
    writeFileAtomic(file, data);
  } catch (error) {
    throw new HomelabError(ErrorCode.Io, `cannot write the chart cache: ${(error as Error).message}`, { position: { file }, cause: error });
  }
  return { digest, path: file };
}
