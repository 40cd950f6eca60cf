import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ErrorCode, HomelabError } from "@homelab/errors";

const run = promisify(execFile);

/** Where the template analyser is built (gitignored, like every package's build/). */
export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const goDir = path.join(packageDir, "go");
export const analyserPath = path.join(packageDir, "build", process.platform === "win32" ? "tplreads.exe" : "tplreads");
export const BUILD_COMMAND = "npx nx run @homelab/codegen:build";

/** Builds build/tplreads from go/ unless it was built from the same sources and Go version; true when it ran. */
export async function buildAnalyser(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<boolean> {
  const version = await goVersion();
  const inputs = hashInputs(version);
  const stamp = `${analyserPath}.inputs`;
  if (!options.force && existsSync(analyserPath) && existsSync(stamp) && readFileSync(stamp, "utf8") === inputs) return false;
  options.log?.("go build → packages/codegen/build/tplreads");
  mkdirSync(path.dirname(analyserPath), { recursive: true });
  const temp = `${analyserPath}.tmp-${process.pid}`;
  try {
    await run("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", temp, "./cmd/tplreads"], { cwd: goDir, env: goEnv(), maxBuffer: 16 * 1024 * 1024 });
    renameSync(temp, analyserPath); // atomic: a parallel codegen never runs half a binary
  } catch (error) {
    rmSync(temp, { force: true });
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new HomelabError(ErrorCode.MissingArtifact, "go build of the template analyser (packages/codegen/go) failed", {
      details: stderr.trim().split("\n").slice(0, 20),
      cause: error,
    });
  }
  writeFileSync(stamp, inputs);
  return true;
}

function goEnv(): NodeJS.ProcessEnv {
  // GOTOOLCHAIN=local: never download another toolchain; -mod=readonly pins the module graph to go.sum.
  return { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly -buildvcs=false" };
}

async function goVersion(): Promise<string> {
  try {
    return (await run("go", ["version"], { cwd: goDir, env: goEnv() })).stdout.trim();
  } catch (error) {
    throw new HomelabError(ErrorCode.MissingArtifact, "the Go toolchain is needed to build the template analyser, and `go` was not found", {
      hint: "install Go 1.26 or newer and make sure `go` is on PATH",
      cause: error,
    });
  }
}

function goSources(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const name = path.posix.join(rel, entry.name);
    if (entry.isDirectory()) out.push(...goSources(dir, name));
    else if (entry.name.endsWith(".go") && !entry.name.endsWith("_test.go")) out.push(name);
  }
  return out;
}

function hashInputs(version: string): string {
  const hash = createHash("sha256").update(version);
  for (const file of ["go.mod", "go.sum", ...goSources(goDir).sort()]) hash.update(file).update(readFileSync(path.join(goDir, file)));
  return hash.digest("hex");
}
