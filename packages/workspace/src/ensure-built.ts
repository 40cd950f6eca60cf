/**
 * First-use builds: a command that needs a Go-built artefact (kubeconform wasm and
 * its schemas, the policy wasm, the chart template analyser, ...) builds it through
 * the project's own cached Nx `build` target the first time, so `npm ci` followed
 * by any README command works without a separate build step. Nothing runs when the
 * outputs exist; two processes never build at once (a lock file under .tmp/).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { REPO_ROOT } from "./mirrors.js";

export interface BuildNeed {
  /** Nx project whose `build` target makes the outputs, e.g. "@homelab/policy". */
  project: string;
  /** Absolute paths that must exist afterwards. */
  outputs: readonly string[];
  /** What is built, for the progress line ("the policy wasm"). */
  what: string;
}

export interface EnsureBuiltOptions {
  env?: NodeJS.ProcessEnv;
  repoRoot?: string;
  /** Where the progress line goes (stderr: stdout may be a report a caller parses). */
  log?: (text: string) => void;
  /** The build command; defaults to Nx from this checkout's node_modules. */
  command?: readonly string[];
  /** Longest a build may take (a cold Go build downloads modules through the proxy). */
  buildTimeoutMs?: number;
  /** Longest to wait for another process's build of the same project. */
  lockTimeoutMs?: number;
}

/** Set to 1 to never build on first use (the caller then reports what is missing). */
export const NO_AUTO_BUILD_ENV = "HOMELAB_NO_AUTO_BUILD";

const DEFAULT_BUILD_TIMEOUT_MS = 30 * 60_000;
const POLL_MS = 250;

/**
 * Builds `need.project` when any of `need.outputs` is missing. Returns whether it
 * built. Does nothing (returns false) when the outputs exist or first-use builds
 * are turned off; throws a HomelabError when the build fails or times out.
 */
export function ensureBuilt(need: BuildNeed, options: EnsureBuiltOptions = {}): boolean {
  const env = options.env ?? process.env;
  if (allExist(need.outputs)) return false;
  const off = env[NO_AUTO_BUILD_ENV];
  if (off !== undefined && off !== "" && off !== "0") return false;
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  const log = options.log ?? ((text: string) => process.stderr.write(text));
  const buildTimeoutMs = options.buildTimeoutMs ?? DEFAULT_BUILD_TIMEOUT_MS;
  const lockFile = path.join(repoRoot, ".tmp", "ensure-built", `${need.project.replace(/[^a-zA-Z0-9._-]+/g, "_")}.lock`);
  const release = acquireLock(lockFile, need, options.lockTimeoutMs ?? buildTimeoutMs, log);
  try {
    // Another process may have built it while this one waited for the lock.
    if (allExist(need.outputs)) return false;
    const command = options.command ?? nxBuildCommand(need.project);
    const started = performance.now();
    log(`homelab: first use, building ${need.what} (${need.project}, \`nx run ${need.project}:build\`)…`);
    const run = spawnSync(command[0]!, command.slice(1), {
      cwd: repoRoot,
      env: { ...env, NX_DAEMON: "false" },
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: buildTimeoutMs,
      killSignal: "SIGKILL",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}`
      .trim()
      .split("\n")
      .filter((l) => l.trim() !== "");
    if (run.error || run.status !== 0 || !allExist(need.outputs)) {
      log(` failed after ${seconds} s\n`);
      const timedOut = (run.error as NodeJS.ErrnoException | undefined)?.code === "ETIMEDOUT" || run.signal === "SIGKILL";
      const why = timedOut
        ? `did not finish within ${Math.round(buildTimeoutMs / 1000)} s`
        : run.error
          ? `could not start (${run.error.message})`
          : run.status !== 0
            ? `exited with ${run.status ?? run.signal}`
            : `did not produce ${need.outputs
                .filter((o) => !exists(o))
                .map((o) => path.relative(repoRoot, o))
                .join(", ")}`;
      throw new HomelabError(ErrorCode.MissingArtifact, `building ${need.what} (${need.project}) ${why}`, {
        details: output.slice(-20),
        hint: `fix the cause and run \`npx nx run ${need.project}:build\` (the Go toolchain and the Go module proxy are needed)`,
      });
    }
    log(` done in ${seconds} s\n`);
    return true;
  } finally {
    release();
  }
}

function nxBuildCommand(project: string): string[] {
  let nx: string;
  try {
    nx = createRequire(import.meta.url).resolve("nx/bin/nx.js");
  } catch {
    throw new HomelabError(ErrorCode.MissingArtifact, `cannot build ${project}: Nx is not installed`, { hint: "run `npm ci` in the repository" });
  }
  return [process.execPath, nx, "run", `${project}:build`, "--outputStyle=static"];
}

/**
 * A lock directory (mkdir is atomic) with the owner's pid. A lock whose owner is
 * gone (killed mid-build) is taken over instead of waited for.
 */
function acquireLock(lockDir: string, need: BuildNeed, timeoutMs: number, log: (text: string) => void): () => void {
  mkdirSync(path.dirname(lockDir), { recursive: true });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(path.join(lockDir, "owner"), `${process.pid}\n`);
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    if (ownerGone(lockDir)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) {
      throw new HomelabError(ErrorCode.MissingArtifact, `another process has been building ${need.project} for over ${Math.round(timeoutMs / 1000)} s`, {
        position: { file: lockDir },
        hint: "wait for it, or remove the lock folder when no build is running",
      });
    }
    if (!announced) {
      log(`homelab: waiting for another process building ${need.what} (${need.project})\n`);
      announced = true;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, POLL_MS);
  }
}

function ownerGone(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(path.join(lockDir, "owner"), "utf8"), 10);
  } catch {
    // Just created, owner not written yet: give it a moment, unless the folder is old.
    try {
      return Date.now() - statSync(lockDir).mtimeMs > 10_000;
    } catch {
      return true;
    }
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function allExist(files: readonly string[]): boolean {
  return files.every(exists);
}

function exists(file: string): boolean {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
}
