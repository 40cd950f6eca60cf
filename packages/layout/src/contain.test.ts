import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { realpathSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { realInside, realInsideSync, relativePathProblem, resolveInside } from "./contain.js";

function thrown(fn: () => unknown): HomelabError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HomelabError);
    return error as HomelabError;
  }
  throw new Error("expected a HomelabError");
}

describe("resolveInside", () => {
  const root = path.resolve("/repo");

  it("returns the absolute normalised path for paths inside", () => {
    expect(resolveInside(root, "a/b.yaml", "file")).toBe(path.join(root, "a", "b.yaml"));
    expect(resolveInside(root, "a/./c/../b.yaml", "file")).toBe(path.join(root, "a", "b.yaml"));
  });

  it.each([
    ["../x", "leaves the repository"],
    ["a/../../x", "leaves the repository"],
    ["..", "leaves the repository"],
    ["/etc/passwd", "is absolute"],
    ["C:\\x", "backslash"],
    ["C:/x", "is absolute"],
    ["a\\..\\..\\x", "backslash"],
    ["a\0b", "NUL"],
    ["", "is empty"],
    [".", "root folder itself"],
    ["a/..", "root folder itself"],
  ])("refuses %j (%s) naming what and the path", (relative, why) => {
    const error = thrown(() => resolveInside(root, relative, "render record entry"));
    expect(error.code).toBe(ErrorCode.PathOutside);
    expect(error.message).toContain("render record entry");
    expect(error.message).toContain(why);
  });
});

describe("relativePathProblem", () => {
  it("accepts only the canonical spelling", () => {
    expect(relativePathProblem("cluster-init-apps/x/values.yaml")).toBeUndefined();
    expect(relativePathProblem("./a")).toMatch(/'\.' segment/);
    expect(relativePathProblem("a//b")).toMatch(/empty segment/);
    expect(relativePathProblem("a/")).toMatch(/empty segment/);
    expect(relativePathProblem("a/../b")).toMatch(/'\.\.' segment/);
    expect(relativePathProblem("/a")).toMatch(/absolute/);
  });
});

describe("realInside", () => {
  let base: string;
  let root: string;
  let outside: string;
  beforeEach(() => {
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), "homelab-contain-")));
    root = path.join(base, "repo");
    outside = path.join(base, "outside");
    mkdirSync(path.join(root, "cluster-init-apps"), { recursive: true });
    mkdirSync(outside);
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  for (const [variant, call] of [
    ["async", (r: string, p: string, w: string) => realInside(r, p, w)],
    ["sync", async (r: string, p: string, w: string) => realInsideSync(r, p, w)],
  ] as const) {
    describe(variant, () => {
      it("returns the real path of an existing or missing file inside", async () => {
        expect(await call(root, path.join(root, "cluster-init-apps", "a", "b.yaml"), "file")).toBe(path.join(root, "cluster-init-apps", "a", "b.yaml"));
      });

      it("follows a symlink that stays inside", async () => {
        symlinkSync(path.join(root, "cluster-init-apps"), path.join(root, "alias"));
        expect(await call(root, path.join(root, "alias", "x.yaml"), "file")).toBe(path.join(root, "cluster-init-apps", "x.yaml"));
      });

      it("refuses a symlinked folder that leads outside, naming the link", async () => {
        symlinkSync(outside, path.join(root, "cluster-critical-apps"));
        const error = await call(root, path.join(root, "cluster-critical-apps", "vault", "values.yaml"), "rendered file").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(HomelabError);
        expect((error as HomelabError).code).toBe(ErrorCode.PathOutside);
        expect((error as HomelabError).message).toContain('through the symlink "cluster-critical-apps"');
      });

      it("refuses a symlinked file that leads outside", async () => {
        writeFileSync(path.join(outside, "victim"), "x");
        symlinkSync(path.join(outside, "victim"), path.join(root, "cluster-init-apps", "f.yaml"));
        const error = await call(root, path.join(root, "cluster-init-apps", "f.yaml"), "rendered file").catch((e: unknown) => e);
        expect((error as HomelabError).message).toContain('symlink "cluster-init-apps/f.yaml"');
      });

      it("refuses a dangling symlink on the way, which a mkdir would follow", async () => {
        symlinkSync(path.join(outside, "not-yet"), path.join(root, "cluster-platform-apps"));
        const error = await call(root, path.join(root, "cluster-platform-apps", "x", "y.yaml"), "rendered file").catch((e: unknown) => e);
        expect((error as HomelabError).code).toBe(ErrorCode.PathOutside);
        expect((error as HomelabError).message).toContain('"cluster-platform-apps" is a symlink to a missing target');
      });

      it("refuses a symlink loop", async () => {
        symlinkSync(path.join(root, "loop"), path.join(root, "loop"));
        const error = await call(root, path.join(root, "loop", "x"), "rendered file").catch((e: unknown) => e);
        expect((error as HomelabError).message).toContain("symlink loop");
      });

      it("names a file that stands where a folder is needed", async () => {
        writeFileSync(path.join(root, "cluster-workload-apps"), "not a folder");
        const error = await call(root, path.join(root, "cluster-workload-apps", "app", "values.yaml"), "rendered file").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(HomelabError);
        expect((error as HomelabError).message).toContain('"cluster-workload-apps" is a file, not a folder');
        expect((error as HomelabError).position?.file).toBe("cluster-workload-apps");
      });

      it("refuses an absolute path outside the root", async () => {
        const error = await call(root, path.join(outside, "x"), "file").catch((e: unknown) => e);
        expect((error as HomelabError).code).toBe(ErrorCode.PathOutside);
      });

      it("works when the root itself is reached through a symlink", async () => {
        const alias = path.join(base, "alias-repo");
        symlinkSync(root, alias);
        expect(await call(alias, path.join(alias, "cluster-init-apps", "x"), "file")).toBe(path.join(root, "cluster-init-apps", "x"));
      });
    });
  }
});
