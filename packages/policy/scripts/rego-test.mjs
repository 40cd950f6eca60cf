#!/usr/bin/env node
// The Rego gate for `npm test`: formatting, strict compile against the
// capabilities file, and `opa test` with at least 90% coverage.
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildTools } from "../../../tools/go/build.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const opa = join(buildTools(["opa"]).bin, "opa");
// Raw YAML fixture trees are read by @homelab/check, not loaded as OPA data.
const ignore = ["--ignore", "cases"];
const steps = [
  ["fmt", "--fail", "--list", "policies"],
  ["check", "--strict", "--capabilities", "policies/capabilities.json", ...ignore, "policies"],
  ["test", ...ignore, "--coverage", "--threshold", "90", "--format", "pretty", "policies"],
];
for (const args of steps) {
  try {
    const out = execFileSync(opa, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
    if (args[0] === "test") {
      const coverage = JSON.parse(out).coverage;
      console.error(`opa test: pass, coverage ${coverage.toFixed(1)}%`);
    } else if (out.trim()) console.error(out.trim());
  } catch (error) {
    console.error(`opa ${args[0]} failed`);
    if (error.stdout) console.error(String(error.stdout).slice(0, 20000));
    process.exit(1);
  }
}
