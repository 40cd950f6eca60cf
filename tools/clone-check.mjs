#!/usr/bin/env node
// Proves a fresh clone works with the README's commands and nothing beside it:
// clones the committed HEAD into an empty temp folder (no ../shared), `npm ci`,
// renders (output must equal what is committed), `homelab check` (which builds the
// wasm it needs on first use), a mirror test under HOMELAB_REQUIRE_MIRRORS=1 (must
// fail), and with --full `npm test`, whose mirror tests must be skipped and listed.
//
//   node tools/clone-check.mjs [--full] [--keep]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { skippedTests } from "./test-report.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const full = process.argv.includes("--full");
const keep = process.argv.includes("--keep");
const MINUTE = 60_000;

const tmp = mkdtempSync(path.join(os.tmpdir(), "homelab-clone-"));
const clone = path.join(tmp, "repo");
// As on a newcomer's machine: no mirror variables, nothing that turns skips into failures.
const env = { ...process.env, NX_DAEMON: "false", NX_NO_CLOUD: "true", FORCE_COLOR: "0" };
for (const name of ["HOMELAB_CHARTS_DIR", "HOMELAB_CHART_PACKAGES_DIR", "HOMELAB_CRDS_DIR", "HOMELAB_REQUIRE_MIRRORS", "HOMELAB_NO_AUTO_BUILD"])
  delete env[name];

const failures = [];

function step(title, command, args, { cwd = clone, timeoutMs, expectStatus = 0, capture = false, extraEnv = {} } = {}) {
  process.stdout.write(`\n▶ ${title}: ${command} ${args.join(" ")}\n`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd,
    env: { ...env, ...extraEnv },
    stdio: capture ? ["ignore", "pipe", "pipe"] : "inherit",
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    timeout: timeoutMs,
    killSignal: "SIGKILL",
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (capture) process.stdout.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
  const ok = !result.error && result.status === expectStatus;
  process.stdout.write(
    `${ok ? "✓" : "✗"} ${title} (${seconds} s${result.error ? `, ${result.error.message}` : ok ? "" : `, exit ${result.status ?? result.signal}`})\n`,
  );
  if (!ok) failures.push(title);
  return { ok, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

function expect(title, condition, detail = "") {
  process.stdout.write(`${condition ? "✓" : "✗"} ${title}${condition || !detail ? "" : `: ${detail}`}\n`);
  if (!condition) failures.push(title);
}

try {
  expect("no ../shared beside the clone", !existsSync(path.join(tmp, "shared")));
  if (step("clone the committed HEAD", "git", ["clone", "--quiet", "--no-hardlinks", root, clone], { cwd: tmp, timeoutMs: 5 * MINUTE }).ok) {
    if (step("npm ci", "npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], { timeoutMs: 20 * MINUTE }).ok) {
      step("render every component", "npx", ["nx", "run-many", "-t", "render", "--outputStyle=static"], { timeoutMs: 20 * MINUTE });
      const status = spawnSync("git", ["status", "--porcelain", "--untracked-files=all"], { cwd: clone, encoding: "utf8", env });
      const changed = (status.stdout ?? "").split("\n").filter((line) => line && !/ \.nx\/| \.tmp\//.test(line));
      expect("render in the clone reproduces the committed output byte for byte", changed.length === 0, changed.slice(0, 10).join("; "));
      const check = step("homelab check (first use builds the wasm it needs)", "npx", ["homelab", "check"], { timeoutMs: 40 * MINUTE, capture: true });
      expect(
        "the first-use builds said what they built and how long it took",
        /first use, building .* done in \d+(\.\d)? s/.test(check.stderr),
        check.stderr.split("\n").slice(0, 5).join(" | "),
      );
      // The other half of the mirror contract: where mirrors are required (CI), a missing one fails.
      const required = step(
        "a mirror test without its mirror fails under HOMELAB_REQUIRE_MIRRORS=1",
        "npx",
        ["vitest", "run", "packages/crds/scripts/generate.test.ts"],
        {
          timeoutMs: 10 * MINUTE,
          expectStatus: 1,
          capture: true,
          extraEnv: { HOMELAB_REQUIRE_MIRRORS: "1" },
        },
      );
      expect(
        "the failure names the missing mirror",
        /no crds mirror; set HOMELAB_CRDS_DIR \(HOMELAB_REQUIRE_MIRRORS=1/.test(required.stdout + required.stderr),
      );
      if (full) {
        step("npm test, with the mirror tests skipped", "npm", ["test"], { timeoutMs: 60 * MINUTE });
        let report;
        try {
          report = JSON.parse(readFileSync(path.join(clone, ".tmp/vitest.json"), "utf8"));
        } catch (error) {
          expect("npm test wrote its JSON report", false, String(error));
        }
        if (report) {
          const mirrorSkips = skippedTests(report, clone).filter((t) => / mirror; set HOMELAB_/.test(t.reason));
          expect("mirror tests are skipped and listed with their reason", mirrorSkips.length > 0, "no test was skipped for a missing mirror");
          for (const t of mirrorSkips) process.stdout.write(`    skipped: ${t.file}: ${t.name} (${t.reason})\n`);
        }
      }
    }
  }
} finally {
  if (keep) process.stdout.write(`\nclone kept at ${clone}\n`);
  else rmSync(tmp, { recursive: true, force: true });
}

process.stdout.write(`\n${failures.length ? `clone check failed: ${failures.join("; ")}` : "clone check passed"}\n`);
process.exit(failures.length ? 1 : 0);
