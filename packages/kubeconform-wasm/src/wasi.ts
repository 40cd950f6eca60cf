import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { randomFillSync } from "node:crypto";
import path from "node:path";

/**
 * The part of WASI preview1 the Go runtime and kubeconform use, read-only.
 *
 * Not node:wasi: on Node 20 it keeps the linear memory it saw at initialize()
 * and, once the Go heap grows the memory, writes through a stale pointer
 * (heap corruption, SIGSEGV). Here every call reads `memory.buffer` afresh.
 * It also has no experimental warning and no way to write or reach the network:
 * files are only read, and only below the preopened folders.
 */

const ERRNO = { SUCCESS: 0, BADF: 8, INVAL: 28, IO: 29, ISDIR: 31, NOENT: 44, NOSYS: 52, NOTDIR: 54, ROFS: 69, NOTCAPABLE: 76 } as const;
const FILETYPE = { CHARACTER_DEVICE: 2, DIRECTORY: 3, REGULAR_FILE: 4 } as const;
const OFLAGS = { CREAT: 1, DIRECTORY: 2, EXCL: 4, TRUNC: 8 } as const;
const ALL_RIGHTS = 0xffffffffffffffffn;

/** Thrown by proc_exit; only a Go runtime crash gets there in a reactor module. */
export class WasiExit extends Error {
  constructor(readonly code: number) {
    super(`the WebAssembly module exited with code ${code}`);
  }
}

interface OpenDir {
  type: "dir";
  host: string;
  /** The preopened folder this one lies in; nothing above it can be opened. */
  root: string;
  guest?: string;
}
interface OpenFile {
  type: "file";
  host: string;
  fd: number;
  position: bigint;
}

export interface WasiOptions {
  /** Guest path → host folder. */
  preopens: Record<string, string>;
  env?: Record<string, string>;
  /** Where the module's stdout and stderr go (panics only); default process.stderr. */
  write?: (text: string) => void;
}

export class Wasi {
  private memory: { buffer: ArrayBuffer } | undefined;
  private readonly fds = new Map<number, OpenDir | OpenFile>();
  private readonly env: string[];
  private readonly write: (text: string) => void;
  private readonly decoder = new TextDecoder();
  readonly imports: Record<string, (...args: never[]) => number | void>;

  constructor(options: WasiOptions) {
    let next = 3;
    for (const [guest, host] of Object.entries(options.preopens)) {
      const root = path.resolve(host);
      this.fds.set(next++, { type: "dir", host: root, root, guest });
    }
    this.env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${v}`);
    this.write = options.write ?? ((text) => process.stderr.write(text));
    this.imports = this.makeImports();
  }

  /** Runs the reactor's `_initialize` once the instance exists. */
  initialize(instance: { exports: unknown }): void {
    const exports = instance.exports as { memory: { buffer: ArrayBuffer }; _initialize?: () => void };
    this.memory = exports.memory;
    exports._initialize?.();
  }

  private view(): DataView {
    return new DataView(this.memory!.buffer);
  }

  private bytes(pointer: number, length: number): Uint8Array {
    return new Uint8Array(this.memory!.buffer, pointer, length);
  }

  private string(pointer: number, length: number): string {
    return this.decoder.decode(this.bytes(pointer, length));
  }

  private writeStrings(values: readonly string[], pointers: number, buffer: number): void {
    const view = this.view();
    let at = buffer;
    values.forEach((value, i) => {
      const encoded = Buffer.from(`${value}\0`, "utf8");
      this.bytes(at, encoded.length).set(encoded);
      view.setUint32(pointers + i * 4, at, true);
      at += encoded.length;
    });
  }

  private sizes(values: readonly string[], countPointer: number, sizePointer: number): number {
    const view = this.view();
    view.setUint32(countPointer, values.length, true);
    view.setUint32(
      sizePointer,
      values.reduce((n, v) => n + Buffer.byteLength(v) + 1, 0),
      true,
    );
    return ERRNO.SUCCESS;
  }

  private iovecs(iovs: number, count: number): Uint8Array[] {
    const view = this.view();
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      out.push(this.bytes(view.getUint32(iovs + i * 8, true), view.getUint32(iovs + i * 8 + 4, true)));
    }
    return out;
  }

  private read(fd: number, iovs: number, count: number, at: bigint | undefined, resultPointer: number): number {
    const entry = this.fds.get(fd);
    if (fd === 0) {
      this.view().setUint32(resultPointer, 0, true);
      return ERRNO.SUCCESS;
    }
    if (!entry) return ERRNO.BADF;
    if (entry.type === "dir") return ERRNO.ISDIR;
    let position = at ?? entry.position;
    let total = 0;
    for (const target of this.iovecs(iovs, count)) {
      const n = readSync(entry.fd, target, 0, target.length, position);
      total += n;
      position += BigInt(n);
      if (n < target.length) break;
    }
    if (at === undefined) entry.position = position;
    this.view().setUint32(resultPointer, total, true);
    return ERRNO.SUCCESS;
  }

  private stat(stats: Stats, pointer: number): void {
    const view = this.view();
    view.setBigUint64(pointer, BigInt(stats.dev), true);
    view.setBigUint64(pointer + 8, BigInt(stats.ino), true);
    view.setUint8(pointer + 16, stats.isDirectory() ? FILETYPE.DIRECTORY : FILETYPE.REGULAR_FILE);
    view.setBigUint64(pointer + 24, BigInt(stats.nlink), true);
    view.setBigUint64(pointer + 32, BigInt(stats.size), true);
    const ns = (ms: number) => BigInt(Math.round(ms * 1e6));
    view.setBigUint64(pointer + 40, ns(stats.atimeMs), true);
    view.setBigUint64(pointer + 48, ns(stats.mtimeMs), true);
    view.setBigUint64(pointer + 56, ns(stats.ctimeMs), true);
  }

  /** A path below an open folder, never above its preopened root. */
  private resolve(dirFd: number, pointer: number, length: number): { host: string; root: string } | number {
    const dir = this.fds.get(dirFd);
    if (!dir) return ERRNO.BADF;
    if (dir.type !== "dir") return ERRNO.NOTDIR;
    const host = path.resolve(dir.host, this.string(pointer, length));
    if (host !== dir.root && !host.startsWith(dir.root + path.sep)) return ERRNO.NOTCAPABLE;
    return { host, root: dir.root };
  }

  private makeImports(): Record<string, (...args: never[]) => number | void> {
    const fail = (errno: number) => () => errno;
    const guard =
      <A extends unknown[]>(fn: (...args: A) => number) =>
      (...args: A): number => {
        try {
          return fn(...args);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          return code === "ENOENT" ? ERRNO.NOENT : code === "ENOTDIR" ? ERRNO.NOTDIR : code === "EISDIR" ? ERRNO.ISDIR : ERRNO.IO;
        }
      };
    return {
      args_sizes_get: (count: number, size: number) => this.sizes(["kubeconform"], count, size),
      args_get: (pointers: number, buffer: number) => (this.writeStrings(["kubeconform"], pointers, buffer), ERRNO.SUCCESS),
      environ_sizes_get: (count: number, size: number) => this.sizes(this.env, count, size),
      environ_get: (pointers: number, buffer: number) => (this.writeStrings(this.env, pointers, buffer), ERRNO.SUCCESS),
      clock_time_get: (id: number, _precision: bigint, pointer: number) => {
        const now = id === 0 ? BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6)) : process.hrtime.bigint();
        this.view().setBigUint64(pointer, now, true);
        return ERRNO.SUCCESS;
      },
      random_get: (pointer: number, length: number) => (randomFillSync(this.bytes(pointer, length)), ERRNO.SUCCESS),
      sched_yield: () => ERRNO.SUCCESS,
      proc_exit: (code: number) => {
        throw new WasiExit(code);
      },
      poll_oneoff: (input: number, output: number, count: number, eventsPointer: number) => {
        // Go polls only to sleep until a timer; sleep for the shortest one, then report them all.
        const view = this.view();
        let sleep = 0n;
        for (let i = 0; i < count; i++) {
          const sub = input + i * 48;
          if (view.getUint8(sub + 8) !== 0) continue;
          let timeout = view.getBigUint64(sub + 24, true);
          if (view.getUint16(sub + 40, true) & 1) timeout -= process.hrtime.bigint();
          if (timeout > 0n && (sleep === 0n || timeout < sleep)) sleep = timeout;
        }
        if (sleep > 0n) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(sleep / 1_000_000n));
        const out = this.view();
        for (let i = 0; i < count; i++) {
          const sub = input + i * 48;
          const event = output + i * 32;
          out.setBigUint64(event, view.getBigUint64(sub, true), true);
          out.setUint16(event + 8, ERRNO.SUCCESS, true);
          out.setUint8(event + 10, view.getUint8(sub + 8));
          out.setBigUint64(event + 16, 0n, true);
          out.setUint16(event + 24, 0, true);
        }
        out.setUint32(eventsPointer, count, true);
        return ERRNO.SUCCESS;
      },
      fd_write: (fd: number, iovs: number, count: number, resultPointer: number) => {
        if (fd !== 1 && fd !== 2) return ERRNO.BADF;
        let total = 0;
        for (const chunk of this.iovecs(iovs, count)) {
          this.write(this.decoder.decode(chunk));
          total += chunk.length;
        }
        this.view().setUint32(resultPointer, total, true);
        return ERRNO.SUCCESS;
      },
      fd_read: guard((fd: number, iovs: number, count: number, result: number) => this.read(fd, iovs, count, undefined, result)),
      fd_pread: guard((fd: number, iovs: number, count: number, offset: bigint, result: number) => this.read(fd, iovs, count, offset, result)),
      fd_seek: guard((fd: number, offset: bigint, whence: number, result: number) => {
        const entry = this.fds.get(fd);
        if (!entry) return ERRNO.BADF;
        if (entry.type !== "file") return ERRNO.ISDIR;
        const base = whence === 0 ? 0n : whence === 1 ? entry.position : BigInt(fstatSync(entry.fd).size);
        if (base + offset < 0n) return ERRNO.INVAL;
        entry.position = base + offset;
        this.view().setBigUint64(result, entry.position, true);
        return ERRNO.SUCCESS;
      }),
      fd_close: (fd: number) => {
        const entry = this.fds.get(fd);
        if (!entry) return ERRNO.BADF;
        if (entry.type === "file") closeSync(entry.fd);
        this.fds.delete(fd);
        return ERRNO.SUCCESS;
      },
      fd_fdstat_get: (fd: number, pointer: number) => {
        const entry = this.fds.get(fd);
        if (!entry && fd > 2) return ERRNO.BADF;
        const view = this.view();
        const type = !entry ? FILETYPE.CHARACTER_DEVICE : entry.type === "dir" ? FILETYPE.DIRECTORY : FILETYPE.REGULAR_FILE;
        view.setUint8(pointer, type);
        view.setUint16(pointer + 2, 0, true);
        view.setBigUint64(pointer + 8, ALL_RIGHTS, true);
        view.setBigUint64(pointer + 16, ALL_RIGHTS, true);
        return ERRNO.SUCCESS;
      },
      fd_fdstat_set_flags: () => ERRNO.SUCCESS,
      fd_filestat_get: guard((fd: number, pointer: number) => {
        const entry = this.fds.get(fd);
        if (!entry) return ERRNO.BADF;
        this.stat(entry.type === "file" ? fstatSync(entry.fd) : statSync(entry.host), pointer);
        return ERRNO.SUCCESS;
      }),
      fd_prestat_get: (fd: number, pointer: number) => {
        const entry = this.fds.get(fd);
        if (!entry || entry.type !== "dir" || entry.guest === undefined) return ERRNO.BADF;
        const view = this.view();
        view.setUint8(pointer, 0);
        view.setUint32(pointer + 4, Buffer.byteLength(entry.guest), true);
        return ERRNO.SUCCESS;
      },
      fd_prestat_dir_name: (fd: number, pointer: number, length: number) => {
        const entry = this.fds.get(fd);
        if (!entry || entry.type !== "dir" || entry.guest === undefined) return ERRNO.BADF;
        this.bytes(pointer, length).set(Buffer.from(entry.guest, "utf8").subarray(0, length));
        return ERRNO.SUCCESS;
      },
      path_open: guard(
        (
          dirFd: number,
          _lookup: number,
          pointer: number,
          length: number,
          oflags: number,
          _rights: bigint,
          _inheriting: bigint,
          _fdflags: number,
          result: number,
        ) => {
          if (oflags & (OFLAGS.CREAT | OFLAGS.TRUNC | OFLAGS.EXCL)) return ERRNO.ROFS;
          const target = this.resolve(dirFd, pointer, length);
          if (typeof target === "number") return target;
          const stats = statSync(target.host);
          let entry: OpenDir | OpenFile;
          if (stats.isDirectory()) entry = { type: "dir", host: target.host, root: target.root };
          else if (oflags & OFLAGS.DIRECTORY) return ERRNO.NOTDIR;
          else entry = { type: "file", host: target.host, fd: openSync(target.host, "r"), position: 0n };
          let fd = 3;
          while (this.fds.has(fd)) fd++;
          this.fds.set(fd, entry);
          this.view().setUint32(result, fd, true);
          return ERRNO.SUCCESS;
        },
      ),
      path_filestat_get: guard((dirFd: number, _flags: number, pointer: number, length: number, result: number) => {
        const target = this.resolve(dirFd, pointer, length);
        if (typeof target === "number") return target;
        this.stat(statSync(target.host), result);
        return ERRNO.SUCCESS;
      }),
      fd_readdir: fail(ERRNO.NOSYS),
      path_readlink: fail(ERRNO.INVAL),
      path_remove_directory: fail(ERRNO.ROFS),
      path_unlink_file: fail(ERRNO.ROFS),
      fd_filestat_set_size: fail(ERRNO.ROFS),
      fd_pwrite: fail(ERRNO.ROFS),
      fd_sync: fail(ERRNO.SUCCESS),
      sock_accept: fail(ERRNO.NOSYS),
      sock_shutdown: fail(ERRNO.NOSYS),
    };
  }
}
