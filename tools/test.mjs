#!/usr/bin/env node
// `npm test`: build what the tests need (Go tools, wasm; Nx-cached), type-check,
// run every vitest suite, then prove committed generated output is current.
// The summary lists every skipped test with its reason (mirror tests without a
// mirror); CI sets HOMELAB_REQUIRE_MIRRORS=1 so those fail instead.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { countsLine, skippedTests } from "./test-report.mjs";

// The tree is formatted with Prettier (.prettierrc.json; .prettierignore keeps generated and
// rendered bytes out), so npm test proves it stays formatted.
const FORMAT_CHECK = true;

const steps = [
  ["build (Go tools, policy and validator wasm)", "npx", ["nx", "run-many", "-t", "build", "--outputStyle=static"]],
  ["type-check", "npx", ["tsc", "-p", "tsconfig.json"]],
  ["lint: ESLint, module boundaries, declared dependencies (Nx-cached)", "npx", ["nx", "run-many", "-t", "lint", "--outputStyle=static"]],
  ...(FORMAT_CHECK ? [["format: prettier --check (Nx-cached)", "npx", ["nx", "run-many", "-t", "format-check", "--outputStyle=static"]]] : []),
  ["Rego: opa fmt, opa check --strict, opa test with coverage >= 90%", "npm", ["run", "test:rego", "-w", "@homelab/policy"]],
  ["vitest", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", "--outputFile.json=.tmp/vitest.json"]],
  ["rendered folders are current", "node", ["packages/cli/bin/homelab.js", "render", "--check"]],
];

mkdirSync(".tmp", { recursive: true });
const failed = [];
for (const [title, command, args] of steps) {
  process.stdout.write(`\n▶ ${title}: ${command} ${args.join(" ")}\n`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, NX_DAEMON: "false" } });
  if (result.status !== 0) failed.push(title);
}

let counts = "";
try {
  const report = JSON.parse(readFileSync(".tmp/vitest.json", "utf8"));
  counts = countsLine(report);
  const skipped = skippedTests(report);
  if (skipped.length > 0) {
    process.stdout.write(`\nskipped tests (${skipped.length}):\n`);
    for (const test of skipped) process.stdout.write(`  - ${test.file}: ${test.name} (${test.reason})\n`);
  }
} catch {
  counts = "0 passed, 1 failed";
}
process.stdout.write(`\n${failed.length ? `failed steps: ${failed.join("; ")}` : "all steps passed"}\n`);
// The plain closing line CI reads.
process.stdout.write(`tests: ${counts}\n`);
process.exit(failed.length ? 1 : 0);
