#!/usr/bin/env node
// Compiles policies/*.rego to packages/policy/build/policy.wasm:
// builds the pinned OPA (tools/go), runs `opa build -t wasm` with the
// capabilities file, and extracts /policy.wasm from the bundle.
// Incremental: skipped when the policy sources, the capabilities file and the
// OPA build are unchanged since the last run (build/inputs.sha256).
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { buildTools } from "../../../tools/go/build.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "../../..");
const policies = join(root, "policies");
const out = join(root, "packages/policy/build");
export const ENTRYPOINTS = ["homelab/main/report"];

/** Policy modules: every .rego under policies/ except tests and test data. */
export function policyFiles(dir = policies) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== "testdata") files.push(...policyFiles(path));
    } else if (entry.name.endsWith(".rego") && !entry.name.endsWith("_test.rego")) files.push(path);
  }
  return files;
}

/** One file out of a .tar.gz (ustar; names may carry a leading `/`). */
function untarOne(tgz, wanted) {
  const tar = gunzipSync(tgz);
  for (let at = 0; at + 512 <= tar.length;) {
    const header = tar.subarray(at, at + 512);
    const name = header.subarray(0, 100).toString("utf8").replace(/\0.*$/s, "");
    if (!name) break;
    const prefix = header.subarray(345, 500).toString("utf8").replace(/\0.*$/s, "");
    const size = parseInt(header.subarray(124, 136).toString("utf8").replace(/\0.*$/s, "").trim() || "0", 8);
    const full = (prefix ? `${prefix}/${name}` : name).replace(/^\/+/, "");
    if (full === wanted) return tar.subarray(at + 512, at + 512 + size);
    at += 512 + Math.ceil(size / 512) * 512;
  }
  throw new Error(`${wanted} not found in the OPA bundle`);
}

export function buildPolicy({ force = false } = {}) {
  const { bin } = buildTools(["opa"]);
  const opa = join(bin, "opa");
  const files = policyFiles();
  const capabilities = join(policies, "capabilities.json");
  const hash = createHash("sha256");
  hash.update(readFileSync(`${opa}.stamp`));
  hash.update(JSON.stringify(ENTRYPOINTS));
  for (const file of [capabilities, ...files]) hash.update(relative(root, file)).update("\0").update(readFileSync(file));
  const digest = hash.digest("hex");
  const wasm = join(out, "policy.wasm");
  const stamp = join(out, "inputs.sha256");
  if (!force && existsSync(wasm) && existsSync(stamp) && readFileSync(stamp, "utf8") === digest) return { wasm, built: false };

  mkdirSync(out, { recursive: true });
  const bundle = join(out, "bundle.tar.gz");
  const args = ["build", "-t", "wasm", "--capabilities", capabilities, "-o", bundle];
  for (const entry of ENTRYPOINTS) args.push("-e", entry);
  execFileSync(opa, [...args, ...files.map((f) => relative(root, f))], { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  // Write then rename: a reader never sees a half-written module.
  writeFileSync(`${wasm}.tmp`, untarOne(readFileSync(bundle), "policy.wasm"));
  renameSync(`${wasm}.tmp`, wasm);
  rmSync(bundle);
  writeFileSync(stamp, digest);
  return { wasm, built: true };
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    const { wasm, built } = buildPolicy({ force: process.argv.includes("--force") });
    console.error(built ? `built ${relative(root, wasm)}` : `${relative(root, wasm)} is up to date`);
  } catch (error) {
    // opa already printed the compile errors (file:line); no stack trace for those.
    console.error(error instanceof Error ? error.message.split("\n")[0] : String(error));
    process.exitCode = 1;
  }
}
