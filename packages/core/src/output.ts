import * as nodeFs from "node:fs/promises";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import {
  JOURNAL_FILE,
  OUTPUT_FOLDERS,
  OUTPUT_ROOTS,
  RECORDS_FOLDER,
  contentDigest,
  parseRenderRecord,
  realInside,
  recordFile,
  relativePathProblem,
  renderRecordText,
  resolveInside,
  type RenderRecord,
} from "@homelab/layout";
import type { ComponentRender } from "./plan.js";

/**
 * Writing a render. Every path is confined to the repository twice: lexically
 * (resolveInside) when it is planned, and through its real path (realInside)
 * right before each read, mkdir, write, rename and delete, so neither a
 * tampered record nor a symlinked folder leads outside it. Render deletes or
 * overwrites only files a record owns whose bytes still have the recorded
 * digest; the renames that publish a render are journalled so a crash between
 * them is completed by the next render.
 */

export type EntryKind = "file" | "directory" | "symlink" | "other";

/** The file operations render uses; tests inject failures (e.g. a crash at the k-th rename) through it. */
export interface RenderFs {
  readFile(file: string): Promise<string>;
  /** Creates the file; fails when it exists (staging files are never reused). */
  writeFile(file: string, content: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  rm(file: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
  readdir(dir: string): Promise<{ name: string; isDirectory: boolean }[]>;
  rmdir(dir: string): Promise<void>;
  /** What is at the path without following a final symlink; undefined when nothing is. */
  kind(file: string): Promise<EntryKind | undefined>;
}

export const nodeRenderFs: RenderFs = {
  readFile: (file) => nodeFs.readFile(file, "utf8"),
  writeFile: (file, content) => nodeFs.writeFile(file, content, { encoding: "utf8", flag: "wx" }),
  rename: (from, to) => nodeFs.rename(from, to),
  rm: (file) => nodeFs.rm(file, { force: true }),
  mkdir: async (dir) => {
    await nodeFs.mkdir(dir, { recursive: true });
  },
  readdir: async (dir) => (await nodeFs.readdir(dir, { withFileTypes: true })).map((e) => ({ name: e.name, isDirectory: e.isDirectory() })),
  rmdir: (dir) => nodeFs.rmdir(dir),
  kind: async (file) => {
    try {
      const stat = await nodeFs.lstat(file);
      return stat.isSymbolicLink() ? "symlink" : stat.isDirectory() ? "directory" : stat.isFile() ? "file" : "other";
    } catch (error) {
      if (errno(error) === "ENOENT" || errno(error) === "ENOTDIR") return undefined;
      throw error;
    }
  },
};

/** The digest records hold (`sha256:<hex>` of the UTF-8 bytes); owned by @homelab/layout. */
export const digest = contentDigest;

/** Suffix of a staged file: `<target>.homelab-tmp-<pid>`. */
const STAGING = /\.homelab-tmp-\d+$/;
const stagingSuffix = () => `.homelab-tmp-${process.pid}`;

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** The gate for one repository-relative path: lexical, then real (symlinks resolved). */
async function gate(root: string, relative: string, what: string): Promise<string> {
  return realInside(root, resolveInside(root, relative, what), what);
}

/** Reads a file render may own; undefined when absent. A folder or other non-file in its place is an error naming it. */
async function readOwned(root: string, relative: string, fs: RenderFs): Promise<string | undefined> {
  const file = await gate(root, relative, "rendered file");
  const kind = await fs.kind(file);
  if (kind === undefined) return undefined;
  if (kind !== "file") {
    throw new HomelabError(ErrorCode.RenderConflict, `${relative} is a ${kind === "other" ? "special file" : kind}, where render writes a file`, {
      position: { file: relative },
      hint: "move it away; render owns this path",
    });
  }
  try {
    return await fs.readFile(file);
  } catch (error) {
    if (errno(error) === "ENOENT") return undefined;
    throw new HomelabError(ErrorCode.Io, `cannot read ${relative}: ${(error as Error).message}`, { position: { file: relative }, cause: error });
  }
}

/** Every record render has written, by component name; each parsed and validated by @homelab/layout. */
export async function readRecords(root: string, fs: RenderFs = nodeRenderFs): Promise<Map<string, RenderRecord>> {
  const records = new Map<string, RenderRecord>();
  const dir = await gate(root, RECORDS_FOLDER, "records folder");
  const kind = await fs.kind(dir);
  if (kind === undefined) return records;
  if (kind !== "directory") {
    throw new HomelabError(ErrorCode.RenderConflict, `${RECORDS_FOLDER} is a ${kind}, not the folder of render records`, {
      position: { file: RECORDS_FOLDER },
      hint: "restore the folder from git",
    });
  }
  const entries = await fs.readdir(dir);
  for (const entry of entries.filter((e) => e.name.endsWith(".json")).sort((a, b) => compare(a.name, b.name))) {
    const file = `${RECORDS_FOLDER}/${entry.name}`;
    const text = await readOwned(root, file, fs);
    if (text === undefined) continue;
    const record = parseRenderRecord(text, file);
    records.set(record.component, record);
  }
  return records;
}

/** Code-point order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A file render left in place, and why. */
export interface KeptFile {
  path: string;
  reason: string;
}

export interface RenderChanges {
  /** Files whose bytes differ from (or are missing on) disk. */
  changed: string[];
  /** Files this render no longer produces and will delete. */
  stale: string[];
  /** Records of components no longer in the configuration (only when rendering everything). */
  removedComponents: string[];
  /** Owned files whose bytes no longer have the recorded digest: edited by hand. */
  handEdited: string[];
  /** Files render leaves alone although it would change or delete them, with the reason. */
  kept: KeptFile[];
}

export interface WriteResult extends RenderChanges {
  written: number;
  /** Hand-edited files overwritten or deleted because of `force`. */
  overwritten: string[];
  /** Files in the layer folders that render did not write and left alone. */
  unowned: string[];
  /** Set when this run first completed a render that was interrupted (its journal). */
  recovered: boolean;
}

/** What render does with owned files edited by hand: refuse (default), overwrite them, or keep them. */
export type HandEdits = "refuse" | "force" | "keep";

export interface WriteOptions {
  prune: boolean;
  handEdits?: HandEdits;
  fs?: RenderFs;
}

function recordOf(render: ComponentRender): RenderRecord {
  const files: Record<string, string> = {};
  for (const file of [...render.files].sort((a, b) => compare(a.path, b.path))) files[file.path] = digest(file.content);
  return { ...render.record, files };
}

export function recordContent(render: ComponentRender): string {
  return renderRecordText(recordOf(render));
}

interface Plan {
  writes: { path: string; content: string }[];
  /** Stale owned files to delete, with the digest they must still have. */
  deletes: { path: string; digest: string }[];
  changes: RenderChanges;
  overwritten: string[];
}

async function plan(root: string, renders: readonly ComponentRender[], prune: boolean, handEdits: HandEdits, fs: RenderFs): Promise<Plan> {
  const records = await readRecords(root, fs);
  const owner = new Map<string, string>();
  for (const [component, record] of records) for (const file of Object.keys(record.files)) owner.set(file, component);

  const rendering = new Set(renders.map((r) => r.component.name));
  const writes: Plan["writes"] = [];
  const deletes: Plan["deletes"] = [];
  const changed: string[] = [];
  const stale: string[] = [];
  const conflicts: string[] = [];
  const handEdited: string[] = [];
  const kept: KeptFile[] = [];
  const overwritten: string[] = [];
  const refusedEdits: string[] = [];

  /** A stale file: deleted only when still byte-identical to what render wrote. */
  const retire = async (file: string, recorded: string, component: string) => {
    const current = await readOwned(root, file, fs);
    if (current === undefined) return;
    if (digest(current) === recorded) {
      stale.push(file);
      deletes.push({ path: file, digest: recorded });
      return;
    }
    handEdited.push(file);
    if (handEdits === "force") {
      stale.push(file);
      overwritten.push(file);
      deletes.push({ path: file, digest: digest(current) });
    } else {
      // Deleting is the one thing render cannot undo: an edited stale file stays, no longer owned.
      kept.push({
        path: file,
        reason: `edited by hand since render wrote it for ${component}; no longer rendered, so kept and no longer owned (--force deletes it)`,
      });
    }
  };

  const nextRecords: { render: ComponentRender; record: RenderRecord }[] = [];
  for (const render of renders) {
    const name = render.component.name;
    const previous = records.get(name);
    const record = recordOf(render);
    const produced = new Set<string>();
    for (const file of render.files) {
      produced.add(file.path);
      const current = await readOwned(root, file.path, fs);
      const fileOwner = owner.get(file.path);
      if (current !== undefined && fileOwner !== name) {
        conflicts.push(
          fileOwner && rendering.has(fileOwner) === false
            ? `${file.path}: written by component ${fileOwner}, not ${name}`
            : fileOwner
              ? `${file.path}: both ${fileOwner} and ${name} render it`
              : `${file.path}: exists but was not written by render`,
        );
        continue;
      }
      if (current === file.content) continue;
      const recorded = previous?.files[file.path];
      if (current !== undefined && recorded !== undefined && digest(current) !== recorded) {
        handEdited.push(file.path);
        if (handEdits === "keep") {
          kept.push({ path: file.path, reason: "edited by hand since render wrote it; kept (--keep)" });
          continue;
        }
        if (handEdits === "refuse") {
          refusedEdits.push(file.path);
          continue;
        }
        overwritten.push(file.path);
      }
      changed.push(file.path);
      writes.push(file);
    }
    for (const [file, recorded] of Object.entries(previous?.files ?? {})) {
      if (!produced.has(file)) await retire(file, recorded, name);
    }
    nextRecords.push({ render, record });
  }
  const removedComponents: string[] = [];
  if (prune) {
    for (const [component, record] of records) {
      if (rendering.has(component)) continue;
      removedComponents.push(component);
      for (const [file, recorded] of Object.entries(record.files)) await retire(file, recorded, component);
      const recordPath = recordFile(component);
      if ((await readOwned(root, recordPath, fs)) !== undefined) {
        stale.push(recordPath);
        deletes.push({ path: recordPath, digest: "" });
      }
    }
  }
  if (conflicts.length > 0) {
    throw new HomelabError(ErrorCode.RenderConflict, "render would overwrite files it does not own; nothing was written", {
      details: conflicts,
      hint: "move or delete the hand-written files, or rename what the component renders",
    });
  }
  if (refusedEdits.length > 0) {
    throw new HomelabError(
      ErrorCode.RenderConflict,
      `${refusedEdits.length} rendered file(s) were edited by hand since render wrote them; nothing was written`,
      {
        details: refusedEdits.map((f) => `${f}: content no longer has the recorded digest`),
        hint: "move the change into the component package; then --force overwrites the edits, or --keep keeps them as they are",
      },
    );
  }
  // Records are the fresh render: a kept stale file is not in it, so it is no longer render's.
  for (const { render, record } of nextRecords) {
    const file = { path: recordFile(render.component.name), content: renderRecordText(record) };
    // Never write a record the next render would refuse to read: that would lock the user out of their own output.
    parseRenderRecord(file.content, file.path);
    const current = await readOwned(root, file.path, fs);
    if (current !== file.content) {
      changed.push(file.path);
      writes.push(file);
    }
  }
  return {
    writes,
    deletes,
    overwritten: overwritten.sort(compare),
    changes: {
      changed: changed.sort(compare),
      stale: stale.sort(compare),
      removedComponents: removedComponents.sort(compare),
      handEdited: handEdited.sort(compare),
      kept: kept.sort((a, b) => compare(a.path, b.path)),
    },
  };
}

/** Compares a fresh render with the files on disk without writing anything. Hand edits are reported, not refused. */
export async function checkRender(root: string, renders: readonly ComponentRender[], prune: boolean, fs: RenderFs = nodeRenderFs): Promise<RenderChanges> {
  if ((await fs.kind(await gate(root, JOURNAL_FILE, "render journal"))) !== undefined) {
    throw new HomelabError(ErrorCode.RenderConflict, "an interrupted render left its journal; the output is half-written", {
      position: { file: JOURNAL_FILE },
      hint: "run `homelab render` (without --check): it completes the interrupted render first",
    });
  }
  const { changes } = await plan(root, renders, prune, "keep", fs);
  // With "keep", edited files that are still rendered are not in `changed`; --check lists them as differing.
  const produced = new Set(renders.flatMap((r) => r.files.map((f) => f.path)));
  const edited = changes.kept.filter((k) => produced.has(k.path)).map((k) => k.path);
  return { ...changes, changed: [...new Set([...changes.changed, ...edited])].sort(compare) };
}

// ---------------------------------------------------------------------------
// Journal: the renames and deletes that publish a render, written before the first of them.

interface Journal {
  journalVersion: 1;
  pid: number;
  /** Staged file → target, in the order they are renamed (records last). */
  renames: { temp: string; target: string }[];
  /** Stale files to delete when they still have the digest (empty digest: a record file of a pruned component). */
  deletes: { path: string; digest: string }[];
}

const JOURNAL_HINT = "restore it from git if it was changed; delete it only after checking the output (git status), then render again";

/** Journal paths are input too: each must be a clean path in render's folders, a temp exactly its target plus the staging suffix. */
function parseJournal(text: string): Journal {
  const fail = (what: string) =>
    new HomelabError(ErrorCode.Config, `render journal is invalid: ${what}`, { position: { file: JOURNAL_FILE }, hint: JOURNAL_HINT });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw fail(`not valid JSON (${(error as Error).message}); a crash while it was written leaves no journal, so it was edited`);
  }
  const journal = data as Journal;
  if (typeof data !== "object" || data === null || journal.journalVersion !== 1 || !Array.isArray(journal.renames) || !Array.isArray(journal.deletes)) {
    throw fail("expected { journalVersion: 1, renames: [...], deletes: [...] }");
  }
  const owned = (p: unknown): p is string =>
    typeof p === "string" && relativePathProblem(p) === undefined && [...OUTPUT_FOLDERS, RECORDS_FOLDER].some((folder) => p.startsWith(`${folder}/`));
  for (const r of journal.renames) {
    if (!r || !owned(r.target) || typeof r.temp !== "string" || !r.temp.startsWith(`${r.target}.homelab-tmp-`) || !STAGING.test(r.temp) || !owned(r.temp)) {
      throw fail(`rename entry ${JSON.stringify(r)} is not a staged file of render's folders`);
    }
  }
  for (const d of journal.deletes) {
    if (!d || !owned(d.path) || typeof d.digest !== "string" || (d.digest !== "" && !/^sha256:[0-9a-f]{64}$/.test(d.digest))) {
      throw fail(`delete entry ${JSON.stringify(d)} is not a file of render's folders with a digest`);
    }
    if (d.digest === "" && !d.path.startsWith(`${RECORDS_FOLDER}/`)) throw fail(`delete entry ${JSON.stringify(d.path)} has no digest`);
  }
  return journal;
}

async function writeJournal(root: string, journal: Journal, fs: RenderFs): Promise<void> {
  const target = await gate(root, JOURNAL_FILE, "render journal");
  await fs.mkdir(await realInside(root, path.dirname(target), "render journal folder"));
  const temp = `${target}${stagingSuffix()}`;
  await fs.rm(temp);
  await fs.writeFile(temp, `${JSON.stringify(journal, null, 2)}\n`);
  // Atomic: a crash leaves either no journal (nothing renamed yet) or the whole journal.
  await fs.rename(temp, target);
}

/** Applies a journal's remaining steps; each step is idempotent, so running it after any crash point converges. */
async function applyJournal(root: string, journal: Journal, fs: RenderFs): Promise<void> {
  for (const { temp, target } of journal.renames) {
    const from = await gate(root, temp, "staged file");
    if ((await fs.kind(from)) !== "file") continue; // Renamed before the crash.
    const to = await gate(root, target, "rendered file");
    if ((await fs.kind(to)) === "directory") {
      throw new HomelabError(ErrorCode.RenderConflict, `${target} is a folder, where render writes a file`, { position: { file: target } });
    }
    await fs.rename(from, to);
  }
  for (const { path: file, digest: recorded } of journal.deletes) {
    const absolute = await gate(root, file, "stale file");
    if ((await fs.kind(absolute)) !== "file") continue;
    if (recorded !== "" && digest(await fs.readFile(absolute)) !== recorded) continue; // Edited since: keep it.
    await fs.rm(absolute);
  }
  await removeEmptyFolders(
    root,
    journal.deletes.map((d) => d.path),
    fs,
  );
  await fs.rm(await gate(root, JOURNAL_FILE, "render journal"));
}

/** Completes (rolls forward) a render interrupted after its journal was written; true when there was one. */
export async function recoverInterruptedRender(root: string, fs: RenderFs = nodeRenderFs): Promise<boolean> {
  const file = await gate(root, JOURNAL_FILE, "render journal");
  const kind = await fs.kind(file);
  if (kind === undefined) return false;
  if (kind !== "file")
    throw new HomelabError(ErrorCode.RenderConflict, `${JOURNAL_FILE} is a ${kind}, not a journal file`, {
      position: { file: JOURNAL_FILE },
      hint: JOURNAL_HINT,
    });
  await applyJournal(root, parseJournal(await fs.readFile(file)), fs);
  return true;
}

/**
 * Removes staging files (`*.homelab-tmp-<pid>`) left by a render that died
 * before its journal existed (its old output and records are intact). Only
 * names of that pattern inside render's folders are touched, never through a symlink.
 */
export async function removeStagingLeftovers(root: string, fs: RenderFs = nodeRenderFs): Promise<string[]> {
  const removed: string[] = [];
  await walkRenderFolders(root, [...OUTPUT_ROOTS, ".homelab"], fs, async (rel, name, folder) => {
    if (STAGING.test(name) && (await fs.kind(path.join(folder, name))) === "file") {
      await fs.rm(path.join(folder, name));
      removed.push(rel);
    }
  });
  return removed;
}

/**
 * Visits every non-folder entry below `tops` in name order, each folder through
 * the containment gate (so never through a symlink leaving the repository).
 * `visit` gets the repository-relative path, the entry name and its folder's real path.
 */
async function walkRenderFolders(
  root: string,
  tops: readonly string[],
  fs: RenderFs,
  visit: (rel: string, name: string, folder: string) => Promise<void> | void,
): Promise<void> {
  const walk = async (dir: string): Promise<void> => {
    const absolute = await gate(root, dir, "rendered folder");
    if ((await fs.kind(absolute)) !== "directory") return;
    for (const entry of (await fs.readdir(absolute)).sort((a, b) => compare(a.name, b.name))) {
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(rel);
      else await visit(rel, entry.name, absolute);
    }
  };
  for (const top of tops) await walk(top);
}

// ---------------------------------------------------------------------------
// Lock: one render at a time per repository (Nx runs render tasks in parallel processes).

const LOCK_FILE = ".homelab/render.lock";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errno(error) === "EPERM";
  }
}

async function acquireLock(root: string, timeoutMs: number): Promise<() => Promise<void>> {
  const file = await gate(root, LOCK_FILE, "render lock");
  await nodeFs.mkdir(await realInside(root, path.dirname(file), "render lock folder"), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await nodeFs.writeFile(file, `${process.pid}\n`, { flag: "wx" });
      return async () => {
        await nodeFs.rm(file, { force: true });
      };
    } catch (error) {
      if (errno(error) !== "EEXIST") throw new HomelabError(ErrorCode.Io, `cannot create ${LOCK_FILE}: ${(error as Error).message}`, { cause: error });
    }
    const holder = Number.parseInt(await nodeFs.readFile(file, "utf8").catch(() => ""), 10);
    if (!Number.isInteger(holder) || holder <= 0 || (holder !== process.pid && !alive(holder))) {
      // Left by a render that died (or half-written by one that was starting): take it over.
      await nodeFs.rm(file, { force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new HomelabError(ErrorCode.RenderConflict, `another render (process ${holder}) is writing this repository`, {
        position: { file: LOCK_FILE },
        hint: `wait for it to finish; if no render is running, delete ${LOCK_FILE}`,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Test hook: the real crash test pauses a child render here (after the journal, before the renames) and kills it. */
async function pauseForCrashTest(): Promise<void> {
  const flag = process.env.HOMELAB_TEST_PAUSE_BEFORE_RENAMES;
  if (!flag) return;
  await nodeFs.writeFile(flag, "paused\n");
  await new Promise((resolve) => setTimeout(resolve, 60_000));
}

/**
 * Writes a render. New files are staged next to their targets (`.homelab-tmp-<pid>`);
 * a failure while staging removes them and leaves the previous output untouched.
 * Then a journal of the renames and deletes is written atomically, the staged
 * files are renamed into place (records last), stale files deleted, and the
 * journal removed. A render killed anywhere in between is completed by the next
 * one; one killed before the journal leaves only staging files, which the next removes.
 */
export async function writeRender(root: string, renders: readonly ComponentRender[], options: WriteOptions): Promise<WriteResult> {
  const fs = options.fs ?? nodeRenderFs;
  const release = await acquireLock(root, 120_000);
  try {
    const recovered = await recoverInterruptedRender(root, fs);
    await removeStagingLeftovers(root, fs);
    const { writes, deletes, changes, overwritten } = await plan(root, renders, options.prune, options.handEdits ?? "refuse", fs);
    const staged: { temp: string; target: string }[] = [];
    const suffix = stagingSuffix();
    try {
      for (const file of writes) {
        const target = await gate(root, file.path, "rendered file");
        await fs.mkdir(await realInside(root, path.dirname(target), "rendered folder"));
        // mkdir may have created folders: resolve again so a link raced in is seen.
        const temp = await realInside(root, `${await realInside(root, target, "rendered file")}${suffix}`, "staged file");
        staged.push({ temp: `${file.path}${suffix}`, target: file.path });
        await fs.writeFile(temp, file.content);
      }
    } catch (error) {
      await Promise.all(staged.map((s) => fs.rm(path.join(root, s.temp)).catch(() => undefined)));
      if (error instanceof HomelabError) throw error;
      throw new HomelabError(ErrorCode.Io, `could not write the render: ${(error as Error).message}`, {
        hint: "nothing was changed; fix the cause and render again",
        cause: error,
      });
    }
    if (staged.length > 0 || deletes.length > 0) {
      // Records are renamed last so that, even without the journal, render still owns the files already in place.
      const isRecord = (s: { target: string }) => s.target.startsWith(`${RECORDS_FOLDER}/`);
      const journal: Journal = {
        journalVersion: 1,
        pid: process.pid,
        renames: [...staged.filter((s) => !isRecord(s)), ...staged.filter(isRecord)],
        deletes,
      };
      try {
        await writeJournal(root, journal, fs);
      } catch (error) {
        await Promise.all(staged.map((s) => fs.rm(path.join(root, s.temp)).catch(() => undefined)));
        if (error instanceof HomelabError) throw error;
        throw new HomelabError(ErrorCode.Io, `could not write the render journal: ${(error as Error).message}`, {
          hint: "nothing was changed; fix the cause and render again",
          cause: error,
        });
      }
      await pauseForCrashTest();
      try {
        await applyJournal(root, journal, fs);
      } catch (error) {
        if (error instanceof HomelabError) throw error;
        throw new HomelabError(ErrorCode.Io, `render was interrupted while publishing its files: ${(error as Error).message}`, {
          position: { file: JOURNAL_FILE },
          hint: "fix the cause and run render again: it completes this render from the journal first",
          cause: error,
        });
      }
    }
    const unowned = await unownedFiles(root, fs);
    return { ...changes, written: staged.length, overwritten, unowned, recovered };
  } finally {
    await release();
  }
}

async function removeEmptyFolders(root: string, deleted: readonly string[], fs: RenderFs): Promise<void> {
  const folders = new Set<string>();
  for (const file of deleted) {
    let dir = path.posix.dirname(file);
    while (dir !== "." && dir !== "") {
      folders.add(dir);
      dir = path.posix.dirname(dir);
    }
  }
  const tops = new Set<string>([...OUTPUT_FOLDERS, ...OUTPUT_ROOTS, RECORDS_FOLDER, ".homelab"]);
  for (const dir of [...folders].sort((a, b) => b.length - a.length)) {
    if (tops.has(dir)) continue;
    try {
      const absolute = await gate(root, dir, "rendered folder");
      if ((await fs.kind(absolute)) !== "directory") continue;
      if ((await fs.readdir(absolute)).length === 0) await fs.rmdir(absolute);
    } catch (error) {
      if (error instanceof HomelabError) throw error;
      // Already gone or not empty: nothing to tidy.
    }
  }
}

/** Files inside the layer folders that no record owns: hand-written, left alone, reported. Symlinks are not followed. */
export async function unownedFiles(root: string, fs: RenderFs = nodeRenderFs): Promise<string[]> {
  const records = await readRecords(root, fs);
  const owned = new Set<string>();
  for (const record of records.values()) for (const file of Object.keys(record.files)) owned.add(file);
  const found: string[] = [];
  await walkRenderFolders(root, OUTPUT_ROOTS, fs, (rel, name) => {
    if (!owned.has(rel) && name !== ".gitkeep") found.push(rel);
  });
  return found;
}
