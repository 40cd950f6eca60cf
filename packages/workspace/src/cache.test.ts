import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CACHE_DIR_ENV, keepNewest, statTree, workspaceCacheDir, writableCacheDir, writeFileAtomic } from "./cache.js";

const temp = mkdtempSync(path.join(tmpdir(), "homelab-cache-test-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe("workspaceCacheDir", () => {
  it("is inside the repository's node_modules unless HOMELAB_CACHE_DIR moves it", () => {
    expect(workspaceCacheDir("schema-results", {}, "/repo")).toBe("/repo/node_modules/.cache/homelab/schema-results");
    expect(workspaceCacheDir("schema-results", { [CACHE_DIR_ENV]: "/ci/cache" }, "/repo")).toBe("/ci/cache/schema-results");
  });

  it("writableCacheDir makes the folder, or says it cannot (a read-only checkout) instead of throwing", () => {
    const dir = writableCacheDir("tsx", { [CACHE_DIR_ENV]: path.join(temp, "writable") });
    expect(dir).toBe(path.join(temp, "writable", "tsx"));
    expect(existsSync(dir!)).toBe(true);
    writeFileSync(path.join(temp, "a-file"), "");
    expect(writableCacheDir("tsx", { [CACHE_DIR_ENV]: path.join(temp, "a-file", "cache") })).toBeUndefined();
  });

  it("refuses a name that could lead elsewhere", () => {
    expect(() => workspaceCacheDir("../x", {}, "/repo")).toThrow(/lower-case letters/);
  });
});

describe("keepNewest", () => {
  it("keeps the most recently used folders and any used within the hour", () => {
    const dir = path.join(temp, "gens");
    const hour = 60 * 60_000;
    const now = Date.now();
    const ages: Record<string, number> = { a: 5 * hour, b: 4 * hour, c: 3 * hour, d: 2 * hour, recent: hour / 2 };
    for (const [name, age] of Object.entries(ages)) {
      mkdirSync(path.join(dir, name), { recursive: true });
      const t = new Date(now - age);
      utimesSync(path.join(dir, name), t, t);
    }
    mkdirSync(path.join(dir, "current"));
    keepNewest(dir, path.join(dir, "current"), 2, now);
    // current + the newest other (recent); c, d are older than an hour and beyond the two: gone, like a and b.
    expect(readdirSync(dir).sort()).toEqual(["current", "recent"]);
  });

  it("never removes a folder used within the hour, however many there are", () => {
    const dir = path.join(temp, "busy");
    for (const name of ["x", "y", "z", "current"]) mkdirSync(path.join(dir, name), { recursive: true });
    keepNewest(dir, path.join(dir, "current"), 1);
    expect(readdirSync(dir).sort()).toEqual(["current", "x", "y", "z"]);
  });
});

describe("statTree", () => {
  const digest = (root: string) => statTree(createHash("sha256"), root).digest("hex");

  it("changes with a file's size, mtime, name or presence, and never reads content", () => {
    const root = mkdtempSync(path.join(tmpdir(), "homelab-stat-tree-"));
    try {
      mkdirSync(path.join(root, "sub"));
      writeFileSync(path.join(root, "sub", "a.json"), "{}");
      const at = new Date("2026-01-01T00:00:00Z");
      utimesSync(path.join(root, "sub", "a.json"), at, at);
      const first = digest(root);
      expect(digest(root)).toBe(first);
      writeFileSync(path.join(root, "sub", "a.json"), "[]"); // same size, new mtime
      expect(digest(root)).not.toBe(first);
      utimesSync(path.join(root, "sub", "a.json"), at, at);
      expect(digest(root)).toBe(first);
      writeFileSync(path.join(root, "b.json"), "");
      expect(digest(root)).not.toBe(first);
      rmSync(path.join(root, "b.json"));
      expect(digest(root)).toBe(first);
      expect(digest(path.join(root, "missing"))).not.toBe(digest(path.join(root, "other-missing")));
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe("writeFileAtomic", () => {
  it("makes the folder, replaces the file whole and leaves no temporary file, also when the write fails", () => {
    const dir = path.join(temp, "atomic", "nested");
    const file = path.join(dir, "entry.json");
    writeFileAtomic(file, "one");
    writeFileAtomic(file, Buffer.from("two"));
    expect(readFileSync(file, "utf8")).toBe("two");
    expect(readdirSync(dir)).toEqual(["entry.json"]);
    // A folder in the way: the rename fails, the error reaches the caller, the temporary file is gone.
    mkdirSync(path.join(dir, "taken"));
    expect(() => writeFileAtomic(path.join(dir, "taken"), "x")).toThrow();
    expect(readdirSync(dir).sort()).toEqual(["entry.json", "taken"]);
  });
});
