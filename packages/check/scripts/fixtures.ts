// Turns the fixture trees under policies/testdata/cases/<rule>/<case>/ into the
// policy inputs the Rego tests read (policies/testdata/inputs/<rule>.json, at
// data.testdata.inputs.<rule>.<case>). vitest checks the same trees through
// the wasm path and proves these files current.
//   npx tsx packages/check/scripts/fixtures.ts [--check]
import { readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { policyConfig } from "../src/check.js";
import { loadTree } from "../src/load.js";
import { buildModel } from "../src/model.js";

export const POLICIES = join(dirname(fileURLToPath(import.meta.url)), "../../../policies");
export const CASES = join(POLICIES, "testdata/cases");
export const INPUTS = join(POLICIES, "testdata/inputs");

const key = (name: string): string => name.replace(/-/g, "_");

export function caseDirs(): { rule: string; name: string; dir: string }[] {
  const out: { rule: string; name: string; dir: string }[] = [];
  for (const rule of readdirSync(CASES).sort()) {
    for (const name of readdirSync(join(CASES, rule)).sort()) out.push({ rule, name, dir: join(CASES, rule, name) });
  }
  return out;
}

/** File name → content of every generated input file. */
export function generate(): Map<string, string> {
  const byRule = new Map<string, Record<string, unknown>>();
  for (const { rule, name, dir } of caseDirs()) {
    // Each case is its own repository root: records and `$values/` paths resolve inside it.
    const model = buildModel(loadTree(dir, { root: dir }), policyConfig());
    const cases = byRule.get(rule) ?? {};
    cases[key(name)] = model.input;
    byRule.set(rule, cases);
  }
  const files = new Map<string, string>();
  for (const [rule, cases] of byRule) files.set(`${key(rule)}.json`, `${JSON.stringify({ [key(rule)]: cases }, null, 1)}\n`);
  return files;
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  const files = generate();
  const checkOnly = process.argv.includes("--check");
  mkdirSync(INPUTS, { recursive: true });
  let stale = 0;
  for (const [name, text] of files) {
    const path = join(INPUTS, name);
    let current = "";
    try {
      current = readFileSync(path, "utf8");
    } catch {}
    if (current === text) continue;
    stale++;
    if (!checkOnly) writeFileSync(path, text);
    console.error(`${checkOnly ? "stale" : "wrote"} policies/testdata/inputs/${name}`);
  }
  if (checkOnly && stale > 0) process.exitCode = 1;
}
