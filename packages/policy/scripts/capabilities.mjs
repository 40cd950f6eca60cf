#!/usr/bin/env node
// Writes policies/capabilities.json: the pinned OPA's current capabilities
// (language features, keywords) with builtins cut down to those the wasm target
// plus @open-policy-agent/opa-wasm implement, minus the ones we refuse
// (see EXCLUDED). `opa build --capabilities` then rejects any other builtin at
// compile time instead of the policy failing at evaluation.
//   node packages/policy/scripts/capabilities.mjs
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildTools } from "../../../tools/go/build.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");

/** Builtins the SDK offers that policies must not use, and why. */
export const EXCLUDED = {
  sprintf: "messages are formatted in TypeScript; the SDK prints objects as [object Object]",
  "time.diff": "the clock is the host's: waiver expiry is decided in TypeScript with an injectable `now`",
  "rand.intn": "findings must be deterministic",
  "yaml.is_valid": "YAML is parsed (with positions) by the host, never inside the policy",
  "yaml.marshal": "YAML is parsed (with positions) by the host, never inside the policy",
  "yaml.unmarshal": "YAML is parsed (with positions) by the host, never inside the policy",
};

export function capabilities(opa) {
  const current = JSON.parse(execFileSync(opa, ["capabilities", "--current"], { encoding: "utf8" }));
  const require = createRequire(join(root, "packages/policy/package.json"));
  // The file is not in the package's exports map: find it beside the resolved entry point.
  const entry = require.resolve("@open-policy-agent/opa-wasm");
  const sdk = JSON.parse(readFileSync(join(dirname(entry), "..", "capabilities.json"), "utf8"));
  const allowed = new Set(sdk.builtins.map((b) => b.name).filter((name) => !(name in EXCLUDED)));
  return {
    ...current,
    builtins: current.builtins.filter((b) => allowed.has(b.name)).sort((a, b) => a.name.localeCompare(b.name)),
    wasm_abi_versions: sdk.wasm_abi_versions,
  };
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bin } = buildTools(["opa"]);
  const caps = capabilities(join(bin, "opa"));
  writeFileSync(join(root, "policies/capabilities.json"), `${JSON.stringify(caps, null, 2)}\n`);
  console.error(`policies/capabilities.json: ${caps.builtins.length} builtins`);
}
