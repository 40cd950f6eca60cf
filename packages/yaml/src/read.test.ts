import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { DEFAULT_MAX_YAML_BYTES, firstInvalidUtf8, loadYamlFile, maxYamlBytes, readInputFile, readNamedFile } from "./read.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "homelab-read-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function thrown(fn: () => unknown): HomelabError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HomelabError);
    return error as HomelabError;
  }
  throw new Error("expected a HomelabError");
}

describe("readInputFile", () => {
  it("reads a regular file as text", () => {
    writeFileSync(join(dir, "a.yaml"), "a: 1\n");
    expect(readInputFile(join(dir, "a.yaml"), { display: "a.yaml", within: dir })).toEqual({ kind: "file", text: "a: 1\n", bytes: 5 });
  });

  it("skips a FIFO without opening it (a blocking open would hang)", () => {
    execFileSync("mkfifo", [join(dir, "pipe.yaml")]);
    const started = Date.now();
    expect(readInputFile(join(dir, "pipe.yaml"), { display: "pipe.yaml" })).toMatchObject({ kind: "skipped", why: "fifo" });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("skips a symlink to a FIFO too", () => {
    execFileSync("mkfifo", [join(dir, "pipe")]);
    symlinkSync("pipe", join(dir, "link.yaml"));
    expect(readInputFile(join(dir, "link.yaml"), { display: "link.yaml", within: dir })).toMatchObject({ kind: "skipped", why: "fifo" });
  });

  it("tells a dangling symlink, a symlink loop and a folder apart", () => {
    symlinkSync("missing.yaml", join(dir, "dangling.yaml"));
    symlinkSync("loop-b.yaml", join(dir, "loop-a.yaml"));
    symlinkSync("loop-a.yaml", join(dir, "loop-b.yaml"));
    mkdirSync(join(dir, "folder.yaml"));
    symlinkSync("folder.yaml", join(dir, "to-folder.yaml"));
    expect(readInputFile(join(dir, "dangling.yaml"), { display: "d" })).toMatchObject({ kind: "skipped", why: "dangling-symlink" });
    expect(readInputFile(join(dir, "loop-a.yaml"), { display: "l" })).toMatchObject({ kind: "skipped", why: "symlink-loop" });
    expect(readInputFile(join(dir, "folder.yaml"), { display: "f" })).toMatchObject({ kind: "skipped", why: "directory" });
    expect(readInputFile(join(dir, "to-folder.yaml"), { display: "f" })).toMatchObject({ kind: "skipped", why: "directory" });
    expect(readInputFile(join(dir, "absent.yaml"), { display: "a" })).toMatchObject({ kind: "skipped", why: "missing" });
  });

  it("does not follow a symlink (or a symlinked folder) out of `within`", () => {
    const outside = mkdtempSync(join(tmpdir(), "homelab-outside-"));
    try {
      writeFileSync(join(outside, "secret.yaml"), "token: x\n");
      mkdirSync(join(dir, "checked"));
      symlinkSync(join(outside, "secret.yaml"), join(dir, "checked", "leak.yaml"));
      symlinkSync(outside, join(dir, "checked", "folder"));
      writeFileSync(join(dir, "checked", "inside.yaml"), "a: 1\n");
      symlinkSync("inside.yaml", join(dir, "checked", "alias.yaml"));
      const within = join(dir, "checked");
      expect(readInputFile(join(within, "leak.yaml"), { display: "leak.yaml", within })).toMatchObject({ kind: "skipped", why: "outside" });
      expect(readInputFile(join(within, "folder", "secret.yaml"), { display: "folder/secret.yaml", within })).toMatchObject({
        kind: "skipped",
        why: "outside",
      });
      expect(readInputFile(join(within, relative(within, join(outside, "secret.yaml"))), { display: "x", within })).toMatchObject({
        kind: "skipped",
        why: "outside",
      });
      expect(readInputFile(join(within, "alias.yaml"), { display: "alias.yaml", within })).toMatchObject({ kind: "file", text: "a: 1\n" });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  it("refuses a file above the size limit with a clear error, before reading it", () => {
    writeFileSync(join(dir, "big.yaml"), `a: ${"x".repeat(2048)}\n`);
    const error = thrown(() => readInputFile(join(dir, "big.yaml"), { display: "big.yaml", maxBytes: 1024 }));
    expect(error.code).toBe(ErrorCode.Io);
    expect(error.position).toEqual({ file: "big.yaml" });
    expect(error.message).toMatch(/larger than the 0\.0 MiB limit/);
    expect(error.hint).toMatch(/HOMELAB_MAX_YAML_BYTES/);
    expect(readInputFile(join(dir, "big.yaml"), { display: "big.yaml", maxBytes: 4096 }).kind).toBe("file");
  });

  it("takes the limit from HOMELAB_MAX_YAML_BYTES, and refuses a bad value", () => {
    expect(maxYamlBytes({})).toBe(DEFAULT_MAX_YAML_BYTES);
    expect(DEFAULT_MAX_YAML_BYTES).toBe(16 * 1024 * 1024);
    expect(maxYamlBytes({ HOMELAB_MAX_YAML_BYTES: "100" })).toBe(100);
    expect(thrown(() => maxYamlBytes({ HOMELAB_MAX_YAML_BYTES: "16M" })).code).toBe(ErrorCode.Usage);
  });

  it("refuses invalid UTF-8 with the byte offset, line and column", () => {
    writeFileSync(join(dir, "latin1.yaml"), Buffer.concat([Buffer.from("a: 1\nname: caf"), Buffer.from([0xe9]), Buffer.from("\n")]));
    const error = thrown(() => readInputFile(join(dir, "latin1.yaml"), { display: "latin1.yaml" }));
    expect(error.code).toBe(ErrorCode.Syntax);
    expect(error.message).toBe("invalid UTF-8 at byte offset 14 (byte 0xe9)");
    expect(error.position).toEqual({ file: "latin1.yaml", line: 2, column: 10 });
  });

  it("drops a UTF-8 byte order mark", () => {
    writeFileSync(join(dir, "bom.yaml"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("a: 1\n")]));
    expect(readInputFile(join(dir, "bom.yaml"), { display: "bom.yaml" })).toMatchObject({ text: "a: 1\n" });
  });

  it("readNamedFile: a file the user named that is not a file is an error naming it", () => {
    execFileSync("mkfifo", [join(dir, "values.yaml")]);
    const error = thrown(() => readNamedFile(join(dir, "values.yaml"), { display: "values.yaml" }));
    expect(error.message).toMatch(/FIFO/);
    expect(error.position?.file).toBe("values.yaml");
  });

  it("loadYamlFile parses what it read, with the display name in errors", () => {
    writeFileSync(join(dir, "dup.yaml"), "a: 1\na: 2\n");
    expect(thrown(() => loadYamlFile(join(dir, "dup.yaml"), { display: "x/dup.yaml" })).position).toEqual({ file: "x/dup.yaml", line: 2, column: 1 });
  });
});

describe("firstInvalidUtf8", () => {
  it("accepts valid sequences and finds overlongs, surrogates and truncation", () => {
    expect(firstInvalidUtf8(Buffer.from("aé€😀"))).toBe(Buffer.byteLength("aé€😀"));
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc0, 0xaf]))).toBe(1); // overlong "/"
    expect(firstInvalidUtf8(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe(0); // UTF-16 surrogate
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0x62, 0xe2, 0x82]))).toBe(2); // truncated at the end
    expect(firstInvalidUtf8(Uint8Array.from([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // above U+10FFFF
  });
});
