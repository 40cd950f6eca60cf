import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, realpathSync, statSync, type Stats } from "node:fs";
import { resolve } from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { isBelow, realInsideSync } from "@homelab/layout";
import { YamlSource, type YamlParseOptions } from "./source.js";

/**
 * Largest YAML input read, per file: 16 MiB. Far above any values file or
 * manifest (Kubernetes refuses objects above ~1.5 MiB), low enough that a
 * stray dump fails at once with a clear message instead of eating memory.
 * `HOMELAB_MAX_YAML_BYTES` (bytes) changes it.
 */
export const DEFAULT_MAX_YAML_BYTES = 16 * 1024 * 1024;
export const MAX_YAML_BYTES_ENV = "HOMELAB_MAX_YAML_BYTES";

export function maxYamlBytes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[MAX_YAML_BYTES_ENV];
  if (raw === undefined || raw === "") return DEFAULT_MAX_YAML_BYTES;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) {
    throw new HomelabError(ErrorCode.Usage, `${MAX_YAML_BYTES_ENV} must be a positive number of bytes, not ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** Why a path was not read: a user would expect it listed (in a walk) or named in an error (when asked for). */
export type SkipReason = "missing" | "dangling-symlink" | "symlink-loop" | "outside" | "directory" | "fifo" | "socket" | "device";

export type InputFile = { kind: "file"; text: string; bytes: number } | { kind: "skipped"; why: SkipReason; reason: string };

export interface ReadInputOptions {
  /** The name errors show (relative to the checked folder, or as the user typed it). */
  display: string;
  /** A symlink whose target resolves outside this folder is not followed (the path itself must be inside it). */
  within?: string;
  /** Default: {@link maxYamlBytes}(). */
  maxBytes?: number;
}

const REASONS: Record<SkipReason, string> = {
  missing: "no such file",
  "dangling-symlink": "a symlink to a missing file",
  "symlink-loop": "a symlink loop",
  outside: "outside the checked folder (through a symlink or `..`): not followed",
  directory: "a folder, not a file",
  fifo: "a FIFO (named pipe), not a file",
  socket: "a socket, not a file",
  device: "a device, not a file",
};

const skipped = (why: SkipReason): InputFile => ({ kind: "skipped", why, reason: REASONS[why] });

function typeOf(stats: Stats): SkipReason | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return "directory";
  if (stats.isFIFO()) return "fifo";
  if (stats.isSocket()) return "socket";
  return "device";
}

/** The containment gate of @homelab/layout: a path (or a link on its way) resolving outside `root` is refused. */
function isContained(root: string, abs: string): boolean {
  try {
    realInsideSync(root, abs, "input file");
    return true;
  } catch (error) {
    if (error instanceof HomelabError && error.code === ErrorCode.PathOutside) return false;
    throw error;
  }
}

/**
 * The one way input files are read (check's tree, values files, records,
 * waivers): never blocks, never follows a link out of `within`, never reads
 * more than the size limit, and text is strict UTF-8. The type is checked
 * before opening (lstat) and again on the open descriptor (O_NONBLOCK), so a
 * FIFO swapped in between cannot hang the read. Unreadable files (permissions,
 * I/O) throw a HomelabError naming the file.
 */
export function readInputFile(abs: string, options: ReadInputOptions): InputFile {
  const display = options.display;
  const fail = (message: string, cause?: unknown): HomelabError =>
    new HomelabError(ErrorCode.Io, message, { position: { file: display }, ...(cause === undefined ? {} : { cause }) });
  // A path from input that climbs out of `within` is refused before anything is looked at.
  if (options.within !== undefined && !isBelow(resolve(options.within), resolve(abs))) return skipped("outside");
  let link: Stats;
  try {
    link = lstatSync(abs);
  } catch (error) {
    if (errno(error) === "ENOENT" || errno(error) === "ENOTDIR") return skipped("missing");
    throw fail(`cannot read: ${errno(error) ?? (error as Error).message}`, error);
  }
  let target = abs;
  let stats = link;
  // With `within`, the real path is checked even for a plain file: a parent folder may be the symlink.
  if (link.isSymbolicLink() || options.within !== undefined) {
    try {
      target = realpathSync(abs);
      stats = link.isSymbolicLink() ? statSync(target) : link;
    } catch (error) {
      if (errno(error) === "ELOOP") return skipped("symlink-loop");
      if (errno(error) === "ENOENT" || errno(error) === "ENOTDIR") return skipped("dangling-symlink");
      throw fail(`cannot follow the symlink: ${errno(error) ?? (error as Error).message}`, error);
    }
    if (options.within !== undefined && !isContained(options.within, abs)) return skipped("outside");
  }
  const type = typeOf(stats);
  if (type) return skipped(type);

  const limit = options.maxBytes ?? maxYamlBytes();
  let fd: number;
  try {
    fd = openSync(target, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    if (errno(error) === "ELOOP") return skipped("symlink-loop");
    if (errno(error) === "ENOENT") return skipped("missing");
    throw fail(`cannot read: ${errno(error) ?? (error as Error).message}`, error);
  }
  try {
    const opened = fstatSync(fd);
    const swapped = typeOf(opened);
    if (swapped) return skipped(swapped);
    if (opened.size > limit) throw tooLarge(display, opened.size, limit);
    // Read up to the limit + 1 byte whatever fstat said: the file may grow while we read.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(Math.min(Math.max(opened.size - total, 64 * 1024), limit + 1 - total));
      if (chunk.length === 0) break;
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
      total += n;
      if (total > limit) throw tooLarge(display, total, limit);
    }
    return { kind: "file", text: decodeUtf8(Buffer.concat(chunks, total), display), bytes: total };
  } catch (error) {
    if (error instanceof HomelabError) throw error;
    throw fail(`cannot read: ${errno(error) ?? (error as Error).message}`, error);
  } finally {
    closeSync(fd);
  }
}

/** A file read through {@link readInputFile} and parsed, or why it was not read. */
export function loadYamlFile(
  abs: string,
  options: ReadInputOptions & YamlParseOptions,
): { kind: "file"; source: YamlSource } | Extract<InputFile, { kind: "skipped" }> {
  const input = readInputFile(abs, options);
  if (input.kind === "skipped") return input;
  return { kind: "file", source: YamlSource.parse(input.text, options.display, options) };
}

/** A file the user named (a values file, `--findings`): anything but a readable file is an error naming it. */
export function readNamedFile(abs: string, options: ReadInputOptions): string {
  const input = readInputFile(abs, options);
  if (input.kind === "skipped") throw new HomelabError(ErrorCode.Io, `cannot read: ${input.reason}`, { position: { file: options.display } });
  return input.text;
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function mib(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

function tooLarge(file: string, size: number, limit: number): HomelabError {
  return new HomelabError(ErrorCode.Io, `file is larger than the ${mib(limit)} limit for YAML input (${size > limit ? `at least ${mib(size)}` : mib(size)})`, {
    position: { file },
    hint: `split it, or raise the limit with ${MAX_YAML_BYTES_ENV}=<bytes>`,
  });
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Strict UTF-8 (a BOM is dropped): invalid bytes are an error at their byte
 * offset, line and column, not replacement characters that silently change a value.
 */
export function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch (error) {
    const offset = firstInvalidUtf8(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    const byte = bytes[offset] === undefined ? "end of file inside a character" : `byte 0x${bytes[offset]!.toString(16).padStart(2, "0")}`;
    throw new HomelabError(ErrorCode.Syntax, `invalid UTF-8 at byte offset ${offset} (${byte})`, {
      position: { file, line, column: offset - lineStart + 1 },
      hint: "save the file as UTF-8",
      cause: error,
    });
  }
}

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    let need: number;
    let min: number;
    let max = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b === 0xe0) {
      need = 2;
      min = 0xa0;
    } else if (b === 0xed) {
      need = 2;
      min = 0x80;
      max = 0x9f;
    } else if (b >= 0xe1 && b <= 0xef) {
      need = 2;
      min = 0x80;
    } else if (b === 0xf0) {
      need = 3;
      min = 0x90;
    } else if (b === 0xf4) {
      need = 3;
      min = 0x80;
      max = 0x8f;
    } else if (b >= 0xf1 && b <= 0xf3) {
      need = 3;
      min = 0x80;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i;
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
