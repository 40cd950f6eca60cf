import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { buildCommand, buildDir, goDir, helperPath } from "./artifacts.js";

const run = promisify(execFile);

export interface BuildOptions {
  /** Rebuild even when the inputs are unchanged. */
  force?: boolean;
  log?: (line: string) => void;
}

/**
 * Builds build/homelab-helm from the pinned Go module when its inputs (go.mod,
 * go.sum, the Go sources, the Go version) changed; true when it was rebuilt.
 */
export async function buildHelper(options: BuildOptions = {}): Promise<boolean> {
  const inputs = `${await goVersion()}\n${hashSources()}`;
  const stamp = `${helperPath}.inputs`;
  if (!options.force && existsSync(helperPath) && existsSync(stamp) && readFileSync(stamp, "utf8") === inputs) return false;
  options.log?.("go build (helm.sh/helm/v3) → packages/helm/build/homelab-helm");
  mkdirSync(buildDir, { recursive: true });
  const temp = `${helperPath}.tmp-${process.pid}`;
  try {
    // -trimpath and no VCS stamping: the same go.sum gives the same binary on every machine.
    await run("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", temp, "."], { cwd: goDir, env: goEnv(), maxBuffer: 16 * 1024 * 1024 });
    renameSync(temp, helperPath); // atomic: a parallel test worker never runs half a binary
  } catch (error) {
    rmSync(temp, { force: true });
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new HomelabError(ErrorCode.MissingArtifact, "go build of packages/helm/build/homelab-helm failed", {
      details: stderr.trim().split("\n").slice(0, 20),
      hint: `fix the Go error, then run \`${buildCommand}\``,
      cause: error,
    });
  }
  writeFileSync(stamp, inputs);
  return true;
}

/**
 * True when the helper exists and was built from the current sources. The Go
 * version is left to the build target (its Nx runtime input): asking `go` on
 * every render would cost a process start per call.
 */
export function helperIsCurrent(): boolean {
  const stamp = `${helperPath}.inputs`;
  if (!existsSync(helperPath) || !existsSync(stamp)) return false;
  return readFileSync(stamp, "utf8").endsWith(`\n${hashSources()}`);
}

function hashSources(): string {
  const files = ["go.mod", "go.sum", ...readdirSync(goDir).filter((f) => f.endsWith(".go"))].sort();
  const hash = createHash("sha256");
  for (const file of files)
    hash
      .update(file)
      .update("\0")
      .update(readFileSync(path.join(goDir, file)))
      .update("\0");
  return hash.digest("hex");
}

function goEnv(): NodeJS.ProcessEnv {
  // GOTOOLCHAIN=local: never download another toolchain; -mod=readonly pins the module graph to go.sum.
  return { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly -buildvcs=false" };
}

async function goVersion(): Promise<string> {
  try {
    const { stdout } = await run("go", ["version"], { cwd: goDir, env: goEnv() });
    return stdout.trim();
  } catch (error) {
    throw new HomelabError(ErrorCode.MissingArtifact, "the Go toolchain is needed to build the Helm helper, and `go` was not found", {
      hint: "install Go 1.24 or newer and make sure `go` is on PATH",
      cause: error,
    });
  }
}
