import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";

/**
 * The one path-containment gate. Every path derived from input (records,
 * object names, CLI arguments, chart references) goes through
 * `resolveInside` before anything is read, written or deleted, and through
 * `realInside` right before the file system is touched, so that neither a
 * `..` segment nor a symlinked folder can lead outside the root.
 */

function refuse(what: string, shown: string, why: string, hint?: string): HomelabError {
  return new HomelabError(ErrorCode.PathOutside, `${what} ${JSON.stringify(shown)} ${why}`, {
    position: { file: shown },
    ...(hint ? { hint } : {}),
  });
}

/**
 * Why `relative` is not a clean repository-relative POSIX path (no `.`/`..`
 * segment, no empty segment, no leading or trailing slash), or undefined when
 * it is one. Records must hold paths in exactly this form, so each file has
 * one spelling and two entries cannot name the same file.
 */
export function relativePathProblem(relative: string): string | undefined {
  if (typeof relative !== "string" || relative.length === 0) return "is empty";
  if (relative.includes("\0")) return "contains a NUL byte";
  if (relative.includes("\\")) return "contains a backslash (paths are POSIX, relative to the root)";
  if (relative.startsWith("/") || /^[A-Za-z]:/.test(relative)) return "is absolute";
  for (const segment of relative.split("/")) {
    if (segment === "") return "has an empty segment (a leading, trailing or doubled '/')";
    if (segment === "." || segment === "..") return `has a '${segment}' segment`;
  }
  return undefined;
}

/**
 * Resolves `relative` against `root` lexically and returns the absolute,
 * normalised path; throws (exit 2) naming `what` when the path is absolute,
 * holds a NUL byte or a backslash, climbs out of `root`, or names `root` itself.
 * Inner `..` segments that stay inside are accepted here (callers that need
 * the canonical spelling check `relativePathProblem`).
 */
export function resolveInside(root: string, relative: string, what: string): string {
  if (typeof relative !== "string" || relative.length === 0) throw refuse(what, String(relative), "is empty");
  if (relative.includes("\0")) throw refuse(what, relative.replaceAll("\0", "\\0"), "contains a NUL byte");
  if (relative.includes("\\")) throw refuse(what, relative, "contains a backslash (paths are POSIX, relative to the root)");
  if (path.posix.isAbsolute(relative) || path.win32.isAbsolute(relative)) throw refuse(what, relative, "is absolute; it must be relative to the repository");
  const normalised = path.posix.normalize(relative);
  if (normalised === "." || normalised === "./" || normalised === "")
    throw refuse(what, relative, "names the root folder itself, not a file or folder inside it");
  if (normalised === ".." || normalised.startsWith("../")) throw refuse(what, relative, "leaves the repository");
  const base = path.resolve(root);
  const resolved = path.resolve(base, normalised);
  // Belt and braces: the lexical result must sit strictly below the root.
  if (!isBelow(base, resolved)) throw refuse(what, relative, "leaves the repository");
  return resolved;
}

/** True when `inner` is strictly below `outer` (both absolute and normalised). */
export function isBelow(outer: string, inner: string): boolean {
  const rel = path.relative(outer, inner);
  return rel !== "" && rel !== ".." && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

function isInsideOrEqual(outer: string, inner: string): boolean {
  return outer === inner || isBelow(outer, inner);
}

interface FsProbe {
  realpath(p: string): string | Promise<string>;
  lstat(p: string): { isSymbolicLink(): boolean; isDirectory(): boolean } | Promise<{ isSymbolicLink(): boolean; isDirectory(): boolean }>;
}

function errnoCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * The shared walk of `realInside` and `realInsideSync`, written once as a
 * generator over the probe calls so the async and the sync variant cannot drift.
 * It resolves the longest existing prefix of `absolutePath` through its
 * symlinks, refuses a dangling symlink in the missing tail (a later mkdir or
 * write would follow it), and refuses when the real path leaves real(root).
 */
function* walk(root: string, absolutePath: string, what: string): Generator<{ op: "realpath" | "lstat"; path: string }, string, unknown> {
  const base = path.resolve(root);
  const target = path.resolve(absolutePath);
  const shown = (p: string) => path.relative(base, p).split(path.sep).join("/") || ".";
  if (!isInsideOrEqual(base, target)) throw refuse(what, target, "leaves the repository");
  let realRoot: string;
  try {
    realRoot = (yield { op: "realpath", path: base }) as string;
  } catch (error) {
    throw new HomelabError(ErrorCode.Io, `repository root ${base} cannot be resolved: ${(error as Error).message}`, { cause: error });
  }
  // Longest existing prefix: walk up until realpath succeeds.
  let prefix = target;
  const tail: string[] = [];
  let realPrefix: string | undefined;
  while (realPrefix === undefined) {
    try {
      realPrefix = (yield { op: "realpath", path: prefix }) as string;
    } catch (error) {
      const code = errnoCode(error);
      if (code === "ELOOP") throw refuse(what, shown(prefix), "is a symlink loop", "replace the link with a real folder or file");
      if (code === "ENOTDIR") {
        // A component of the path is a regular file where a folder is needed.
        let probe = path.dirname(prefix);
        while (probe !== base && isBelow(base, probe)) {
          try {
            const stat = (yield { op: "lstat", path: probe }) as { isDirectory(): boolean; isSymbolicLink(): boolean };
            if (!stat.isDirectory() && !stat.isSymbolicLink()) {
              throw new HomelabError(ErrorCode.Io, `${what} ${JSON.stringify(shown(target))}: ${JSON.stringify(shown(probe))} is a file, not a folder`, {
                position: { file: shown(probe) },
                hint: "move the file away (render owns this folder) or restore the folder from git",
              });
            }
          } catch (inner) {
            if (inner instanceof HomelabError) throw inner;
          }
          probe = path.dirname(probe);
        }
        throw new HomelabError(ErrorCode.Io, `${what} ${JSON.stringify(shown(target))}: a part of the path is a file, not a folder`, {
          position: { file: shown(target) },
        });
      }
      if (code !== "ENOENT")
        throw new HomelabError(ErrorCode.Io, `${what} ${JSON.stringify(shown(prefix))} cannot be resolved: ${(error as Error).message}`, {
          position: { file: shown(prefix) },
          cause: error,
        });
      // Missing: a dangling symlink here would be followed by the next write or mkdir.
      try {
        const stat = (yield { op: "lstat", path: prefix }) as { isSymbolicLink(): boolean };
        if (stat.isSymbolicLink())
          throw refuse(what, shown(prefix), "is a symlink to a missing target; render does not write through it", "replace the link with a real folder");
      } catch (inner) {
        if (inner instanceof HomelabError) throw inner;
      }
      if (prefix === base || !isBelow(base, prefix)) {
        throw new HomelabError(ErrorCode.Io, `repository root ${base} does not exist`);
      }
      tail.unshift(path.basename(prefix));
      prefix = path.dirname(prefix);
    }
  }
  const real = path.join(realPrefix, ...tail);
  if (!isInsideOrEqual(realRoot, realPrefix)) {
    throw refuse(
      what,
      shown(target),
      `resolves to ${real}, outside the repository, through the symlink ${JSON.stringify(shown(yield* firstLeavingLink(base, prefix, realRoot)))}`,
      "replace the symlink with a real folder inside the repository",
    );
  }
  // A path below the root must stay below it: a link resolving to the root itself is refused as well.
  if (target !== base && !isBelow(realRoot, real)) {
    throw refuse(what, shown(target), "resolves to the repository root itself through a symlink", "replace the symlink with a real folder or file");
  }
  return real;
}

/** The first path component from `base` down to `prefix` whose real path leaves `realRoot`: the link to name. */
function* firstLeavingLink(base: string, prefix: string, realRoot: string): Generator<{ op: "realpath" | "lstat"; path: string }, string, unknown> {
  const parts = path.relative(base, prefix).split(path.sep).filter(Boolean);
  let current = base;
  for (const part of parts) {
    current = path.join(current, part);
    try {
      const real = (yield { op: "realpath", path: current }) as string;
      if (!isInsideOrEqual(realRoot, real)) return current;
    } catch {
      return current;
    }
  }
  return prefix;
}

function runSync(generator: Generator<{ op: "realpath" | "lstat"; path: string }, string, unknown>, probe: FsProbe): string {
  let step = generator.next();
  while (!step.done) {
    const { op, path: p } = step.value;
    let result: unknown;
    try {
      result = op === "realpath" ? probe.realpath(p) : probe.lstat(p);
    } catch (error) {
      step = generator.throw(error);
      continue;
    }
    step = generator.next(result);
  }
  return step.value;
}

async function runAsync(generator: Generator<{ op: "realpath" | "lstat"; path: string }, string, unknown>, probe: FsProbe): Promise<string> {
  let step = generator.next();
  while (!step.done) {
    const { op, path: p } = step.value;
    let result: unknown;
    try {
      result = await (op === "realpath" ? probe.realpath(p) : probe.lstat(p));
    } catch (error) {
      step = generator.throw(error);
      continue;
    }
    step = generator.next(result);
  }
  return step.value;
}

const asyncProbe: FsProbe = { realpath: (p) => fsp.realpath(p), lstat: (p) => fsp.lstat(p) };
const syncProbe: FsProbe = { realpath: (p) => fs.realpathSync(p), lstat: (p) => fs.lstatSync(p) };

/**
 * The real path of `absolutePath` (symlinks resolved on its longest existing
 * prefix); throws (exit 2) naming the link when it leads outside real(root),
 * when a dangling symlink or a loop is on the way, or when a file stands where
 * a folder is needed. Call it right before each write, mkdir, rename and delete.
 */
export function realInside(root: string, absolutePath: string, what: string): Promise<string> {
  return runAsync(walk(root, absolutePath, what), asyncProbe);
}

/** `realInside` for synchronous callers (loaders, the Nx plugin). */
export function realInsideSync(root: string, absolutePath: string, what: string): string {
  return runSync(walk(root, absolutePath, what), syncProbe);
}

/** `resolveInside` then `realInside`: the usual gate for a relative path from input. */
export async function containedPath(root: string, relative: string, what: string): Promise<string> {
  return realInside(root, resolveInside(root, relative, what), what);
}
