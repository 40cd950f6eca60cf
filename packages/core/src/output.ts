import { createHash } from "node:crypto";
import * as nodeFs from "node:fs/promises";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { LAYERS } from "./model.js";
import { RECORDS_FOLDER, recordFile } from "./paths.js";
import type { ComponentRender, RenderRecord } from "./plan.js";

/** The file operations render uses; tests inject failures through it. */
export interface RenderFs {
  readFile(file: string): Promise<string>;
  writeFile(file: string, content: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
  readdir(dir: string): Promise<{ name: string; isDirectory: boolean }[]>;
  rmdir(dir: string): Promise<void>;
}

export const nodeRenderFs: RenderFs = {
  readFile: (file) => nodeFs.readFile(file, "utf8"),
  writeFile: (file, content) => nodeFs.writeFile(file, content, "utf8"),
  rename: (from, to) => nodeFs.rename(from, to),
  rm: (file) => nodeFs.rm(file, { force: true }),
  mkdir: async (dir) => {
    await nodeFs.mkdir(dir, { recursive: true });
  },
  readdir: async (dir) => (await nodeFs.readdir(dir, { withFileTypes: true })).map((e) => ({ name: e.name, isDirectory: e.isDirectory() })),
  rmdir: (dir) => nodeFs.rmdir(dir),
};

export function digest(content: string): string {
  return `sha256:${createHash("sha256").update(content, "utf8").digest("hex")}`;
}

async function readIfExists(fs: RenderFs, file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

/** Every record render has written, by component name. */
export async function readRecords(root: string, fs: RenderFs = nodeRenderFs): Promise<Map<string, RenderRecord>> {
  const records = new Map<string, RenderRecord>();
  let entries: { name: string }[];
  try {
    entries = await fs.readdir(path.join(root, RECORDS_FOLDER));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return records;
    throw error;
  }
  for (const entry of entries.filter((e) => e.name.endsWith(".json")).sort((a, b) => a.name.localeCompare(b.name))) {
    const file = `${RECORDS_FOLDER}/${entry.name}`;
    const text = await fs.readFile(path.join(root, file));
    let record: RenderRecord;
    try {
      record = JSON.parse(text) as RenderRecord;
    } catch (error) {
      throw new HomelabError(ErrorCode.Syntax, `render record is not valid JSON: ${(error as Error).message}`, {
        position: { file },
        hint: "restore it from git; render uses it to know which files it owns",
      });
    }
    if (typeof record.component !== "string" || typeof record.files !== "object" || record.files === null) {
      throw new HomelabError(ErrorCode.Syntax, "render record lacks 'component' or 'files'", { position: { file } });
    }
    records.set(record.component, record);
  }
  return records;
}

export interface RenderChanges {
  /** Files whose bytes differ from (or are missing on) disk. */
  changed: string[];
  /** Files this render no longer produces and will delete. */
  stale: string[];
  /** Records of components no longer in the configuration (only when rendering everything). */
  removedComponents: string[];
}

export interface WriteResult extends RenderChanges {
  written: number;
  /** Files in the layer folders that render did not write and left alone. */
  unowned: string[];
}

function recordOf(render: ComponentRender): RenderRecord {
  const files: Record<string, string> = {};
  for (const file of [...render.files].sort((a, b) => a.path.localeCompare(b.path))) files[file.path] = digest(file.content);
  return { ...render.record, files };
}

export function recordContent(render: ComponentRender): string {
  return `${JSON.stringify(recordOf(render), null, 2)}\n`;
}

interface Plan {
  writes: { path: string; content: string }[];
  deletes: string[];
  changes: RenderChanges;
}

async function plan(root: string, renders: readonly ComponentRender[], prune: boolean, fs: RenderFs): Promise<Plan> {
  const records = await readRecords(root, fs);
  const owner = new Map<string, string>();
  for (const [component, record] of records) for (const file of Object.keys(record.files)) owner.set(file, component);

  const rendering = new Set(renders.map((r) => r.component.name));
  const writes: Plan["writes"] = [];
  const deletes: string[] = [];
  const changed: string[] = [];
  const stale: string[] = [];
  const conflicts: string[] = [];

  for (const render of renders) {
    const name = render.component.name;
    const produced = new Set<string>();
    for (const file of [...render.files, { path: recordFile(name), content: recordContent(render) }]) {
      produced.add(file.path);
      const current = await readIfExists(fs, path.join(root, file.path));
      const fileOwner = owner.get(file.path);
      const isRecord = file.path === recordFile(name);
      if (current !== undefined && !isRecord && fileOwner !== name) {
        conflicts.push(
          fileOwner && rendering.has(fileOwner) === false
            ? `${file.path}: written by component ${fileOwner}, not ${name}`
            : fileOwner
              ? `${file.path}: both ${fileOwner} and ${name} render it`
              : `${file.path}: exists but was not written by render`,
        );
        continue;
      }
      if (current !== file.content) {
        changed.push(file.path);
        writes.push(file);
      }
    }
    for (const file of Object.keys(records.get(name)?.files ?? {})) {
      if (!produced.has(file) && (await readIfExists(fs, path.join(root, file))) !== undefined) {
        stale.push(file);
        deletes.push(file);
      }
    }
  }
  const removedComponents: string[] = [];
  if (prune) {
    for (const [component, record] of records) {
      if (rendering.has(component)) continue;
      removedComponents.push(component);
      for (const file of [...Object.keys(record.files), recordFile(component)]) {
        if ((await readIfExists(fs, path.join(root, file))) !== undefined) {
          stale.push(file);
          deletes.push(file);
        }
      }
    }
  }
  if (conflicts.length > 0) {
    throw new HomelabError(ErrorCode.RenderConflict, "render would overwrite files it does not own; nothing was written", {
      details: conflicts,
      hint: "move or delete the hand-written files, or rename what the component renders",
    });
  }
  return { writes, deletes, changes: { changed: changed.sort(), stale: stale.sort(), removedComponents: removedComponents.sort() } };
}

/** Compares a fresh render with the files on disk without writing anything. */
export async function checkRender(root: string, renders: readonly ComponentRender[], prune: boolean, fs: RenderFs = nodeRenderFs): Promise<RenderChanges> {
  return (await plan(root, renders, prune, fs)).changes;
}

/**
 * Writes a render. Every new file is first staged next to its target; only
 * when all are staged are they renamed into place, then stale files are
 * removed and the records written last. A failure while staging removes the
 * staged files and leaves the previous output untouched.
 */
export async function writeRender(
  root: string,
  renders: readonly ComponentRender[],
  options: { prune: boolean; fs?: RenderFs },
): Promise<WriteResult> {
  const fs = options.fs ?? nodeRenderFs;
  const { writes, deletes, changes } = await plan(root, renders, options.prune, fs);
  const staged: { temp: string; target: string }[] = [];
  const suffix = `.homelab-tmp-${process.pid}`;
  try {
    for (const file of writes) {
      const target = path.join(root, file.path);
      await fs.mkdir(path.dirname(target));
      const temp = `${target}${suffix}`;
      staged.push({ temp, target });
      await fs.writeFile(temp, file.content);
    }
  } catch (error) {
    await Promise.all(staged.map((s) => fs.rm(s.temp).catch(() => undefined)));
    throw new HomelabError(ErrorCode.Io, `could not write the render: ${(error as Error).message}`, {
      hint: "nothing was changed; fix the cause and render again",
      cause: error,
    });
  }
  // Records are renamed last so an interrupted run still knows it owns the files already in place.
  const isRecord = (s: { target: string }) => s.target.includes(`${path.sep}${RECORDS_FOLDER.split("/").join(path.sep)}${path.sep}`);
  for (const s of [...staged.filter((s) => !isRecord(s)), ...staged.filter(isRecord)]) await fs.rename(s.temp, s.target);
  for (const file of deletes) await fs.rm(path.join(root, file));
  await removeEmptyFolders(root, deletes, fs);
  const unowned = await unownedFiles(root, fs);
  return { ...changes, written: writes.length, unowned };
}

async function removeEmptyFolders(root: string, deleted: readonly string[], fs: RenderFs): Promise<void> {
  const folders = new Set<string>();
  for (const file of deleted) {
    let dir = path.dirname(file);
    while (dir !== "." && dir !== "") {
      folders.add(dir);
      dir = path.dirname(dir);
    }
  }
  const tops = new Set<string>([...LAYERS.map((l) => l.folder), "apps-root-config", "apps-root-config/applications", RECORDS_FOLDER, ".homelab"]);
  for (const dir of [...folders].sort((a, b) => b.length - a.length)) {
    if (tops.has(dir)) continue;
    try {
      if ((await fs.readdir(path.join(root, dir))).length === 0) await fs.rmdir(path.join(root, dir));
    } catch {
      // Already gone or not empty: nothing to tidy.
    }
  }
}

/** Files inside the layer folders that no record owns: hand-written, left alone, reported. */
export async function unownedFiles(root: string, fs: RenderFs = nodeRenderFs): Promise<string[]> {
  const records = await readRecords(root, fs);
  const owned = new Set<string>();
  for (const record of records.values()) for (const file of Object.keys(record.files)) owned.add(file);
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: { name: string; isDirectory: boolean }[];
    try {
      entries = await fs.readdir(path.join(root, dir));
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(rel);
      else if (!owned.has(rel) && entry.name !== ".gitkeep") found.push(rel);
    }
  };
  const tops = [...new Set(["apps-root-config", ...LAYERS.map((l) => l.folder.split("/")[0]!)])];
  for (const top of tops) await walk(top);
  return found;
}
