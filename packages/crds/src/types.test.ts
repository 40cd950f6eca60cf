import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";

const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = path.resolve(packageDir, "../..");
const fixture = path.join(packageDir, "test/types/typos.ts");
const stripped = path.join(packageDir, ".tmp/types/typos.ts");

it("tsc rejects exactly the typo'd fields marked in test/types/typos.ts, and nothing else", () => {
  // The fixture passes only if each @ts-expect-error meets an error; the copy
  // without the directives must then fail on exactly the lines they guarded.
  const lines = readFileSync(fixture, "utf8").split("\n");
  const expectedLines: number[] = [];
  const kept: string[] = [];
  for (const line of lines) {
    if (line.trim().startsWith("// @ts-expect-error")) expectedLines.push(kept.length + 1);
    else kept.push(line);
  }
  expect(expectedLines.length).toBe(8);
  rmSync(path.dirname(stripped), { recursive: true, force: true });
  mkdirSync(path.dirname(stripped), { recursive: true });
  writeFileSync(stripped, kept.join("\n"));

  const tsc = path.join(repoRoot, "node_modules/typescript/bin/tsc");
  const run = spawnSync(process.execPath, [tsc, "--noEmit", "--pretty", "false", "-p", path.join(packageDir, "test/types/tsconfig.json")], {
    cwd: repoRoot,
    encoding: "utf8",
  });
  const errors = run.stdout
    .split("\n")
    .map((line) => /^(.+?)\((\d+),\d+\): error (TS\d+)/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ file: path.resolve(repoRoot, m[1]!), line: Number(m[2]) }));
  expect(run.status).toBe(2);
  expect(errors.filter((e) => e.file !== stripped)).toEqual([]);
  expect([...new Set(errors.map((e) => e.line))].sort((a, b) => a - b)).toEqual(expectedLines);
});
