import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { ensureBuilt } from "./ensure-built.js";

// A stand-in build: records that it ran, waits, then writes its output.
const FAKE_BUILD = `
const fs = require("node:fs");
const [count, out, ms, code] = process.argv.slice(1);
fs.appendFileSync(count, "built\\n");
setTimeout(() => {
  if (out !== "-") fs.writeFileSync(out, "wasm");
  console.log("fake build log line");
  process.exit(Number(code));
}, Number(ms));
`;

describe("ensureBuilt", () => {
  let tmp: string;
  let out: string;
  let count: string;
  let lines: string[];
  const log = (text: string) => lines.push(text);
  const command = (ms = 0, code = 0, output = out) => [process.execPath, "-e", FAKE_BUILD, count, output, String(ms), String(code)];
  const need = () => ({ project: "@homelab/fake", outputs: [out], what: "the fake wasm" });

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "ensure-built-"));
    out = path.join(tmp, "fake.wasm");
    count = path.join(tmp, "count");
    lines = [];
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const builds = () => (existsSync(count) ? readFileSync(count, "utf8").split("\n").filter(Boolean).length : 0);

  it("builds a missing output once, with one progress line and the time it took", () => {
    expect(ensureBuilt(need(), { repoRoot: tmp, command: command(), log, env: {} })).toBe(true);
    expect(readFileSync(out, "utf8")).toBe("wasm");
    expect(lines.join("")).toMatch(/^homelab: first use, building the fake wasm \(@homelab\/fake, `nx run @homelab\/fake:build`\)… done in \d+\.\d s\n$/);
    expect(ensureBuilt(need(), { repoRoot: tmp, command: command(), log, env: {} })).toBe(false);
    expect(builds()).toBe(1);
    expect(existsSync(path.join(tmp, ".tmp/ensure-built/_homelab_fake.lock"))).toBe(false);
  });

  it("does nothing when first-use builds are turned off", () => {
    expect(ensureBuilt(need(), { repoRoot: tmp, command: command(), log, env: { HOMELAB_NO_AUTO_BUILD: "1" } })).toBe(false);
    expect(builds()).toBe(0);
  });

  it("a failing build is a MissingArtifact error with the end of its output", () => {
    let error: unknown;
    try {
      ensureBuilt(need(), { repoRoot: tmp, command: command(0, 3, "-"), log, env: {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HomelabError);
    expect(error).toMatchObject({
      code: "MISSING_ARTIFACT",
      message: "building the fake wasm (@homelab/fake) exited with 3",
      details: ["fake build log line"],
    });
    expect(lines.join("")).toMatch(/… failed after \d+\.\d s\n$/);
  });

  it("a build that succeeds without its output is an error naming the output", () => {
    expect(() => ensureBuilt(need(), { repoRoot: tmp, command: command(0, 0, "-"), log, env: {} })).toThrow(
      "building the fake wasm (@homelab/fake) did not produce fake.wasm",
    );
  });

  it("a build that hangs is stopped at its timeout", () => {
    expect(() => ensureBuilt(need(), { repoRoot: tmp, command: command(30_000), log, env: {}, buildTimeoutMs: 500 })).toThrow(
      "building the fake wasm (@homelab/fake) did not finish within 1 s",
    );
  });

  it("takes over a lock whose owner is gone", () => {
    const lock = path.join(tmp, ".tmp/ensure-built/_homelab_fake.lock");
    mkdirSync(lock, { recursive: true });
    writeFileSync(path.join(lock, "owner"), "999999999\n");
    expect(ensureBuilt(need(), { repoRoot: tmp, command: command(), log, env: {} })).toBe(true);
  });

  it("two processes at once build once: the second waits for the lock, then finds the output", async () => {
    const module = path.join(path.dirname(fileURLToPath(import.meta.url)), "ensure-built.ts");
    const script = `
      const { ensureBuilt } = await import(${JSON.stringify(module)});
      const built = ensureBuilt(${JSON.stringify(need())}, { repoRoot: ${JSON.stringify(tmp)}, command: ${JSON.stringify(command(1500))}, env: {}, log: () => {} });
      console.log(built ? "built" : "found");
    `;
    const run = () => promisify(execFile)(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script]).then((r) => r.stdout.trim());
    const results = await Promise.all([run(), run()]);
    expect(results.sort()).toEqual(["built", "found"]);
    expect(builds()).toBe(1);
  });
});
