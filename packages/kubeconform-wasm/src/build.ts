import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { buildDir, coreSchemaDir, goDir, nativePath, packageDir, wasmPath } from "./artifacts.js";
import { generateSchemas, type Swagger } from "./schemas.js";

const run = promisify(execFile);

export interface BuildOptions {
  /** Kubernetes version of the core schemas, e.g. "1.35.4". */
  kubernetesVersion: string;
  /** Also build the native kubeconform binary (for the benchmark). Default true. */
  native?: boolean;
  /** Rebuild even when the inputs are unchanged. */
  force?: boolean;
  log?: (line: string) => void;
}

export interface BuildResult {
  wasm: string;
  native: string | undefined;
  /** Folders of strict and non-strict core schemas. */
  schemas: { strict: string; loose: string };
  /** What was rebuilt this time (empty when everything was current). */
  rebuilt: string[];
}

/**
 * Builds the wasm module, the native binary and the core schemas, each only
 * when its inputs changed (a hash of them is kept beside the output).
 */
export async function build(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => {});
  const rebuilt: string[] = [];
  mkdirSync(buildDir, { recursive: true });
  const goInputs = hashGoInputs(await goVersion());

  if (
    await upToDate(wasmPath, `wasm ${goInputs}`, options.force, async () => {
      log("go build (wasip1/wasm) → build/kubeconform.wasm");
      await goBuild(wasmPath, ["-buildmode=c-shared", "./shim"], { GOOS: "wasip1", GOARCH: "wasm" });
    })
  )
    rebuilt.push("wasm");

  let native: string | undefined;
  if (options.native !== false) {
    native = nativePath;
    if (
      await upToDate(nativePath, `native ${goInputs}`, options.force, async () => {
        log("go build → build/kubeconform");
        await goBuild(nativePath, ["github.com/yannh/kubeconform/cmd/kubeconform"], {});
      })
    )
      rebuilt.push("native");
  }

  const strict = coreSchemaDir(options.kubernetesVersion, true);
  const loose = coreSchemaDir(options.kubernetesVersion, false);
  const generator = readFileSync(path.join(packageDir, "src", "schemas.ts"), "utf8");
  const schemaInputs = sha256(`${options.kubernetesVersion}\n${generator}`);
  const stamp = path.join(strict, ".inputs");
  if (options.force || !existsSync(stamp) || !existsSync(loose) || readFileSync(stamp, "utf8") !== schemaInputs) {
    log(`core schemas for Kubernetes ${options.kubernetesVersion} → ${path.relative(packageDir, strict)}`);
    const swagger = await readSwagger(options.kubernetesVersion);
    writeSchemaDir(loose, swagger, false, schemaInputs);
    writeSchemaDir(strict, swagger, true, schemaInputs);
    rebuilt.push("schemas");
  }
  return { wasm: wasmPath, native, schemas: { strict, loose }, rebuilt };
}

async function goVersion(): Promise<string> {
  try {
    const { stdout } = await run("go", ["version"], { cwd: goDir, env: goEnv({}) });
    return stdout.trim();
  } catch (error) {
    throw new HomelabError(ErrorCode.MissingArtifact, "the Go toolchain is needed to build kubeconform-wasm, and `go` was not found", {
      hint: "install Go 1.24 or newer and make sure `go` is on PATH",
      cause: error,
    });
  }
}

function goEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  // GOTOOLCHAIN=local: never download another toolchain; GOFLAGS pins the module graph to go.sum.
  return { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly -buildvcs=false", ...extra };
}

async function goBuild(output: string, args: string[], env: Record<string, string>): Promise<void> {
  const temp = `${output}.tmp-${process.pid}`;
  try {
    await run("go", ["build", "-trimpath", "-ldflags=-s -w", "-o", temp, ...args], {
      cwd: goDir,
      env: goEnv(env),
      maxBuffer: 16 * 1024 * 1024,
    });
    renameSync(temp, output); // atomic: a parallel test run never sees half a file
  } catch (error) {
    rmSync(temp, { force: true });
    const stderr = (error as { stderr?: string }).stderr ?? String(error);
    throw new HomelabError(ErrorCode.MissingArtifact, `go build of ${path.relative(packageDir, output)} failed`, {
      details: stderr.trim().split("\n").slice(0, 20),
      cause: error,
    });
  }
}

function hashGoInputs(version: string): string {
  const files = ["go.mod", "go.sum", ...readdirSync(path.join(goDir, "shim")).map((f) => `shim/${f}`)].sort();
  const hash = createHash("sha256").update(version);
  for (const file of files) hash.update(file).update(readFileSync(path.join(goDir, file)));
  return hash.digest("hex");
}

/** Runs `make` unless `output` exists and was built from `inputs`; true when it ran. */
async function upToDate(output: string, inputs: string, force: boolean | undefined, make: () => Promise<void>): Promise<boolean> {
  const stamp = `${output}.inputs`;
  if (!force && existsSync(output) && existsSync(stamp) && readFileSync(stamp, "utf8") === inputs) return false;
  await make();
  writeFileSync(stamp, inputs);
  return true;
}

/** The OpenAPI v2 spec inside the k8s.io/kubernetes module, fetched through the Go module proxy. */
async function readSwagger(kubernetesVersion: string): Promise<Swagger> {
  if (!/^\d+\.\d+\.\d+$/.test(kubernetesVersion)) {
    throw new HomelabError(ErrorCode.Config, `Kubernetes version "${kubernetesVersion}" is not of the form 1.35.4`);
  }
  const module = `k8s.io/kubernetes@v${kubernetesVersion}`;
  let dir: string;
  try {
    const { stdout } = await run("go", ["mod", "download", "-json", module], { cwd: goDir, env: goEnv({}), maxBuffer: 1024 * 1024 });
    dir = (JSON.parse(stdout) as { Dir: string }).Dir;
  } catch (error) {
    const out = (error as { stdout?: string }).stdout ?? "";
    const reason = /"Error":\s*"([^"]*)"/.exec(out)?.[1] ?? String(error);
    throw new HomelabError(ErrorCode.Remote, `cannot download ${module} from the Go module proxy: ${reason}`, { cause: error });
  }
  const file = path.join(dir, "api", "openapi-spec", "swagger.json");
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Swagger;
  } catch (error) {
    throw new HomelabError(ErrorCode.SchemaInvalid, `cannot read the OpenAPI spec of ${module}`, { position: { file }, cause: error });
  }
}

function writeSchemaDir(dir: string, swagger: Swagger, strict: boolean, stamp: string): void {
  const temp = `${dir}.tmp-${process.pid}`;
  rmSync(temp, { recursive: true, force: true });
  mkdirSync(temp, { recursive: true });
  for (const file of generateSchemas(swagger, { strict })) {
    writeFileSync(path.join(temp, file.name), `${JSON.stringify(file.schema)}\n`);
  }
  writeFileSync(path.join(temp, ".inputs"), stamp);
  rmSync(dir, { recursive: true, force: true });
  try {
    renameSync(temp, dir);
  } catch (error) {
    // Another process (a parallel test worker) finished the same build first.
    rmSync(temp, { recursive: true, force: true });
    if (!existsSync(dir)) throw error;
  }
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
