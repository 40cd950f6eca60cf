#!/usr/bin/env node
// Builds CNCF Distribution's registry (pinned by the `tool` directive in go.mod)
// into the gitignored packages/test-fixtures/build/registry, from the Go module
// proxy, for the OCI chart tests. Incremental: rebuilt only when go.mod, go.sum
// or the Go version changed. `node go/build.mjs [--force]`
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const goDir = dirname(fileURLToPath(import.meta.url));
const out = join(goDir, "..", "build", "registry");
const env = { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly -buildvcs=false" };

const hash = createHash("sha256").update(execFileSync("go", ["env", "GOVERSION"], { cwd: goDir, env, encoding: "utf8" }));
for (const file of ["go.mod", "go.sum"]) hash.update(readFileSync(join(goDir, file)));
const inputs = hash.digest("hex");
const stamp = `${out}.inputs`;
if (!process.argv.includes("--force") && existsSync(out) && existsSync(stamp) && readFileSync(stamp, "utf8") === inputs) {
  console.log("registry: up to date");
} else {
  mkdirSync(dirname(out), { recursive: true });
  const temp = `${out}.tmp-${process.pid}`;
  try {
    // -trimpath and no VCS stamping: the same go.sum gives the same binary on every machine.
    execFileSync("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", temp, "github.com/distribution/distribution/v3/cmd/registry"], {
      cwd: goDir,
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    renameSync(temp, out); // atomic: a parallel test worker never starts half a binary
  } catch (error) {
    rmSync(temp, { force: true });
    console.error(`go build of the registry failed: ${error.message}`);
    process.exit(2);
  }
  writeFileSync(stamp, inputs);
  console.log("built: packages/test-fixtures/build/registry");
}
