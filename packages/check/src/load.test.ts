import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode, HomelabError } from "@homelab/errors";
// @ts-expect-error: plain .mjs build script without types
import { buildPolicy } from "../../policy/scripts/build.mjs";
import { check } from "./check.js";
import { loadExtra, loadTree } from "./load.js";
import { aliasBomb } from "@homelab/yaml/testing";

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function tree(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "homelab-load-"));
  temps.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

function thrown(fn: () => unknown): HomelabError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HomelabError);
    return error as HomelabError;
  }
  throw new Error("expected a HomelabError");
}

const CM = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";

describe("loadTree: what a user would expect of odd files", () => {
  it("lists a FIFO, a dangling symlink, a symlink loop and a link to a folder, and reads the rest", () => {
    const dir = tree({ "ok.yaml": CM, "real/cm.yaml": CM });
    execFileSync("mkfifo", [join(dir, "pipe.yaml")]);
    symlinkSync("missing.yaml", join(dir, "dangling.yaml"));
    symlinkSync("loop-b.yaml", join(dir, "loop-a.yaml"));
    symlinkSync("loop-a.yaml", join(dir, "loop-b.yaml"));
    symlinkSync("real", join(dir, "folder-link.yaml"));
    symlinkSync("ok.yaml", join(dir, "same.yaml"));
    const loaded = loadTree(dir, { root: dir });
    expect([...loaded.files.keys()].sort()).toEqual(["ok.yaml", "real/cm.yaml", "same.yaml"]);
    expect(loaded.skipped).toEqual([
      { file: "dangling.yaml", reason: "a symlink to a missing file" },
      { file: "folder-link.yaml", reason: "a folder, not a file" },
      { file: "loop-a.yaml", reason: "a symlink loop" },
      { file: "loop-b.yaml", reason: "a symlink loop" },
      { file: "pipe.yaml", reason: "a FIFO (named pipe), not a file" },
    ]);
  });

  it("walks a real folder named *.yaml as a folder", () => {
    const dir = tree({ "odd.yaml/cm.yaml": CM });
    expect([...loadTree(dir, { root: dir }).files.keys()]).toEqual(["odd.yaml/cm.yaml"]);
  });

  it("does not follow a symlink out of the checked folder", () => {
    const outside = tree({ "secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: { name: s }\nstringData: { password: x }\n" });
    const dir = tree({ "ok.yaml": CM });
    symlinkSync(join(outside, "secret.yaml"), join(dir, "leak.yaml"));
    const loaded = loadTree(dir, { root: dir });
    expect([...loaded.files.keys()]).toEqual(["ok.yaml"]);
    expect(loaded.skipped).toEqual([{ file: "leak.yaml", reason: expect.stringMatching(/^outside the checked folder/) }]);
  });

  it("an alias bomb is an exit-2 error naming the file, with the other malformed files listed", () => {
    const bomb = aliasBomb();
    const dir = tree({ "bomb.yaml": `${bomb}\n`, "z-latin1.yaml": Buffer.from([0x6b, 0x3a, 0x20, 0xe9, 0x0a]) });
    const error = thrown(() => loadTree(dir, { root: dir }));
    expect(error.code).toBe(ErrorCode.Syntax);
    expect(error.position).toEqual({ file: "bomb.yaml", line: 1, column: 1 });
    expect(error.message).toMatch(/too many alias expansions .*\(and 1 more malformed file\(s\)\)$/);
    expect(error.details).toEqual(["z-latin1.yaml:1:4: invalid UTF-8 at byte offset 3 (byte 0xe9)"]);
  });

  it("a file above the size limit is an exit-2 error naming it", () => {
    const dir = tree({ "big.yaml": `k: ${"x".repeat(4096)}\n` });
    const previous = process.env.HOMELAB_MAX_YAML_BYTES;
    process.env.HOMELAB_MAX_YAML_BYTES = "1024";
    try {
      const error = thrown(() => loadTree(dir, { root: dir }));
      expect(error.code).toBe(ErrorCode.Io);
      expect(error.position).toEqual({ file: "big.yaml" });
      expect(error.hint).toMatch(/HOMELAB_MAX_YAML_BYTES/);
    } finally {
      if (previous === undefined) delete process.env.HOMELAB_MAX_YAML_BYTES;
      else process.env.HOMELAB_MAX_YAML_BYTES = previous;
    }
  });

  it("a FIFO named .homelabignore is an error, not a hang", () => {
    const dir = tree({ "ok.yaml": CM });
    execFileSync("mkfifo", [join(dir, ".homelabignore")]);
    expect(thrown(() => loadTree(dir, { root: dir })).position).toEqual({ file: ".homelabignore" });
  });

  it("a malformed pattern in .homelabignore is a syntax error at its line, not a RegExp stack trace", () => {
    const dir = tree({ "ok.yaml": CM, ".homelabignore": "# retired\nlegacy/\n[$values/../etc\n" });
    const error = thrown(() => loadTree(dir, { root: dir }));
    expect(error.code).toBe("SYNTAX");
    expect(error.position).toEqual({ file: ".homelabignore", line: 3 });
    expect(error.message).toContain("[$values/../etc");
  });

  it("the valid patterns of .homelabignore still leave their files out", () => {
    const dir = tree({ "ok.yaml": CM, "legacy/old.yaml": CM, ".homelabignore": "legacy/\n" });
    expect([...loadTree(dir, { root: dir }).files.keys()]).toEqual(["ok.yaml"]);
  });

  it("loadExtra reads nothing outside the repository, lexically or through a symlink, and lists it", () => {
    const outside = tree({ "values.yaml": "a: 1\n" });
    const dir = tree({ "ok.yaml": CM });
    mkdirSync(join(dir, "cluster-init-apps"));
    symlinkSync(outside, join(dir, "cluster-init-apps", "x"));
    const loaded = loadTree(dir, { root: dir });
    expect(loadExtra(loaded, join(dir, "..", "..", outside, "values.yaml"))).toBeUndefined();
    expect(loadExtra(loaded, join(dir, "cluster-init-apps", "x", "values.yaml"))).toBeUndefined();
    expect(loadExtra(loaded, join(dir, "absent.yaml"))).toBeUndefined();
    expect(loaded.skipped.map((s) => s.file)).toEqual([expect.stringMatching(/values\.yaml$/), "cluster-init-apps/x/values.yaml"]);
    expect(loaded.skipped.every((s) => /^outside/.test(s.reason))).toBe(true);
  });

  it("expands kind: List items into documents with their own lines", () => {
    const dir = tree({
      "list.yaml": `apiVersion: v1\nkind: List\nitems:\n  - ${CM.trimEnd().split("\n").join("\n    ")}\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: s\n`,
    });
    const source = loadTree(dir, { root: dir }).files.get("list.yaml")!.source;
    expect(source.nonEmpty().map((d) => [d.line, (d.value as { kind: string }).kind])).toEqual([
      [4, "ConfigMap"],
      [8, "Secret"],
    ]);
  });
});

describe("List items reach the policies", () => {
  beforeAll(() => {
    buildPolicy();
  });

  it("a Secret inside a kind: List is a no-plaintext-secrets finding at the item's line", async () => {
    const dir = tree({
      "cluster-workload-apps/app/manifests/list.yaml": `apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
      namespace: apps
    data:
      color: blue
  - apiVersion: v1
    kind: Secret
    metadata:
      name: leaked
      namespace: apps
    stringData:
      password: hunter2
`,
    });
    const result = await check({ dir, root: dir, schema: false });
    const found = result.violations.filter((v) => v.rule === "no-plaintext-secrets");
    expect(found.map((v) => [v.code, v.file, v.line, v.kind, v.name])).toEqual([
      ["secret-data", "cluster-workload-apps/app/manifests/list.yaml", 16, "Secret", "leaked"],
    ]);
  });
});
