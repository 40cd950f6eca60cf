/**
 * Writes hydrated components: each component folder is built complete next to
 * its target and swapped in with renames, so a reader sees the old folder or
 * the new one, never half of one, and a failure leaves the old output.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { mkdir, readdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { realInside, resolveInside } from "@homelab/layout";
import { HYDRATED_FOLDER, componentFolder } from "./layout.js";

export interface OutputFile {
  /** Repository-relative path inside the component's folder. */
  path: string;
  content: string;
}

/**
 * Replaces each component's folder with exactly these files; returns the
 * folders written. With `prune`, folders of components that are not in the
 * map (removed from the repository) are deleted too: dist/hydrated is hydrate's alone.
 */
export async function writeComponents(root: string, byComponent: ReadonlyMap<string, readonly OutputFile[]>, prune = false): Promise<string[]> {
  const outputRoot = resolveInside(root, HYDRATED_FOLDER, "the hydrated output folder");
  await mkdir(outputRoot, { recursive: true });
  // The output folder itself must not be a symlink out of the repository.
  await realInside(root, outputRoot, "the hydrated output folder");
  const written: string[] = [];
  for (const [component, files] of byComponent) {
    const folder = componentFolder(component);
    const target = resolveInside(root, folder, `hydrated folder of ${component}`);
    const staging = `${target}.staging-${process.pid}`;
    const old = `${target}.old-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    try {
      // Synchronously: hundreds of small files, each an awaited trip through libuv's thread pool, left
      // the process idle for about 0.5 s of a re-run on the real cluster.
      const made = new Set<string>();
      for (const file of files) {
        if (!file.path.startsWith(`${folder}/`)) throw new Error(`${file.path} is outside ${folder}`);
        const inside = file.path.slice(folder.length + 1);
        const destination = resolveInside(staging, inside, `hydrated file of ${component}`);
        const dir = path.dirname(destination);
        if (!made.has(dir)) mkdirSync(dir, { recursive: true });
        made.add(dir);
        writeFileSync(destination, file.content, { flag: "wx" });
      }
      await rm(old, { recursive: true, force: true });
      let moved = false;
      try {
        await rename(target, old);
        moved = true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
      try {
        await rename(staging, target);
      } catch (error) {
        // Put the previous output back: better stale than none.
        if (moved) await rename(old, target);
        throw error;
      }
      await rm(old, { recursive: true, force: true });
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      if (error instanceof HomelabError) throw error;
      throw new HomelabError(ErrorCode.Io, `cannot write ${folder}: ${(error as Error).message}`, { position: { file: folder }, cause: error });
    }
    written.push(folder);
  }
  if (prune) {
    const keep = new Set([...byComponent.keys()].map((c) => componentFolder(c).split("/").pop()!));
    for (const entry of await readdir(outputRoot, { withFileTypes: true })) {
      // Only finished component folders: another run's staging folder is that run's to clean, dot folders are memos.
      if (!entry.isDirectory() || keep.has(entry.name) || entry.name.startsWith(".") || entry.name.includes(".staging-") || entry.name.includes(".old-"))
        continue;
      await rm(resolveInside(outputRoot, entry.name, "a stale hydrated folder"), { recursive: true, force: true });
    }
  }
  return written;
}
