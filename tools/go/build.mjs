#!/usr/bin/env node
// Builds the Go tools pinned by `tool` directives in tools/go/go.mod into the
// gitignored tools/go/bin/, from the Go module proxy (never a downloaded binary).
// Incremental: a tool is rebuilt only when go.mod, go.sum or the Go version changed.
//
//   node tools/go/build.mjs            build every tool
//   node tools/go/build.mjs opa        build one tool (by binary name)
//   node tools/go/build.mjs --print opa   print the binary path (building it if needed)
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, "bin");

/** `tool` directives, single-line or in a `tool ( ... )` block. */
export function toolsOf(goMod) {
  const tools = [];
  let inBlock = false;
  for (const raw of goMod.split("\n")) {
    const line = raw.replace(/\/\/.*$/, "").trim();
    if (inBlock) {
      if (line === ")") inBlock = false;
      else if (line) tools.push(line);
    } else if (line === "tool (") inBlock = true;
    else if (line.startsWith("tool ")) tools.push(line.slice(5).trim());
  }
  return tools.map((pkg) => ({
    pkg,
    name: pkg
      .replace(/\/v\d+$/, "")
      .split("/")
      .pop(),
  }));
}

function fingerprint() {
  const hash = createHash("sha256");
  hash.update(execFileSync("go", ["env", "GOVERSION"], { cwd: here, encoding: "utf8" }));
  for (const file of ["go.mod", "go.sum"]) hash.update(readFileSync(join(here, file)));
  return hash.digest("hex");
}

export function buildTools(only = []) {
  const tools = toolsOf(readFileSync(join(here, "go.mod"), "utf8")).filter((t) => only.length === 0 || only.includes(t.name));
  if (only.length > 0 && tools.length !== only.length) {
    throw new Error(
      `unknown tool(s): ${only.join(", ")}; tool directives in tools/go/go.mod name: ${toolsOf(readFileSync(join(here, "go.mod"), "utf8"))
        .map((t) => t.name)
        .join(", ")}`,
    );
  }
  mkdirSync(bin, { recursive: true });
  const print = fingerprint();
  const built = [];
  for (const tool of tools) {
    const out = join(bin, tool.name);
    const stamp = `${out}.stamp`;
    if (existsSync(out) && existsSync(stamp) && readFileSync(stamp, "utf8") === print) continue;
    // -trimpath and no VCS stamping: the same go.sum gives the same binary on every machine.
    execFileSync("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", out, tool.pkg], { cwd: here, stdio: ["ignore", "inherit", "inherit"] });
    writeFileSync(stamp, print);
    built.push(tool.name);
  }
  return { bin, built };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const printPath = args[0] === "--print";
  const names = printPath ? args.slice(1) : args;
  const { built } = buildTools(names);
  if (printPath) for (const name of names) console.log(join(bin, name));
  else console.error(built.length ? `built ${built.join(", ")} into tools/go/bin/` : "tools/go/bin/ is up to date");
}
