import { existsSync, readFileSync } from "node:fs";
import { setFlagsFromString } from "node:v8";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { buildCommand, ensureArtifacts, wasmPath } from "./artifacts.js";
import { Wasi } from "./wasi.js";

/** The shim's answer (go/shim/main.go). */
export interface ShimFinding {
  file: number;
  /** kubeconform's document index: the n-th `---`-separated chunk. */
  document: number;
  /** Byte range of that chunk in the file. */
  start: number;
  end: number;
  /** Index in a `kind: List`, -1 otherwise. */
  item: number;
  status: "invalid" | "error";
  kind?: string;
  apiVersion?: string;
  name?: string;
  err?: string;
  errors?: { path: string; msg: string }[];
}

export interface ShimAnswer {
  error?: string;
  findings: ShimFinding[];
  valid: number;
  skipped: number;
  empty: number;
}

export interface ShimConfig {
  kubernetesVersion: string;
  strict: boolean;
  /** Guest paths or templates, inside the preopened directories. */
  schemaLocations: string[];
  skipKinds: string[];
}

/**
 * The slice of the WebAssembly JS API used here; the repo's lib (ES2023, no
 * DOM) does not declare it.
 */
export interface WasmModule {
  readonly __brand?: "WasmModule";
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<WasmModule>;
  instantiate(module: WasmModule, imports: object): Promise<{ exports: unknown }>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface Exports {
  memory: { buffer: ArrayBuffer };
  kc_alloc(size: number): number;
  kc_configure(size: number): bigint;
  kc_validate(size: number): bigint;
}

let compiled: Promise<WasmModule> | undefined;

/** The compiled module, for handing to worker threads (structured-cloneable). */
export function compiledModule(): Promise<WasmModule> {
  return compileModule();
}

/** Compiling 17 MB of wasm is the slow part of start-up: once per process. */
function compileModule(): Promise<WasmModule> {
  if (!existsSync(wasmPath)) ensureArtifacts();
  if (!existsSync(wasmPath)) {
    throw new HomelabError(ErrorCode.MissingArtifact, `kubeconform.wasm has not been built (${wasmPath})`, {
      hint: `run \`${buildCommand()}\` (needs Go)`,
    });
  }
  if (!compiled) {
    tierUpLater();
    compiled = wasm.compile(readFileSync(wasmPath)).catch((error: unknown) => {
      compiled = undefined;
      throw error;
    });
  }
  return compiled;
}

/**
 * V8 compiles wasm functions with its baseline compiler and re-compiles the
 * ones that run hot with TurboFan, after a budget of executed code. Go's
 * functions are large and a check runs them briefly: at the default budget
 * (1.8 MB) the re-compiles cost more than they saved (the real cluster's
 * first check 1.45 s against 1.26 s, 2.3 s of CPU against 1.9 s; hydrated
 * 3.3 s against 3.0 s; OPA's evaluation unchanged). A caller's own
 * tiering flag wins. The flag is process-wide and read when a
 * function tiers up, so it is set before the first module compiles.
 */
export function tieringFlag(execArgv: readonly string[]): string | undefined {
  return execArgv.some((flag) => /^--(no-)?wasm[-_](tiering[-_]budget|dynamic[-_]tiering|tier[-_]up)\b/.test(flag)) || execArgv.includes("--liftoff-only")
    ? undefined
    : "--wasm-tiering-budget=20000000";
}
function tierUpLater(): void {
  const flag = tieringFlag(process.execArgv);
  if (flag) setFlagsFromString(flag);
}

/** One instance of the shim: configured once, then any number of batches. */
export class Shim {
  /** Set when the module trapped (a Go panic): its state is gone, so it is not called again. */
  private broken: unknown;

  private constructor(private readonly exports: Exports) {}

  static async load(preopens: Record<string, string>, config: ShimConfig, compiled?: WasmModule): Promise<Shim> {
    const module = compiled ?? (await compileModule());
    const wasi = new Wasi({ preopens });
    const instance = await wasm.instantiate(module, { wasi_snapshot_preview1: wasi.imports });
    wasi.initialize(instance);
    const shim = new Shim(instance.exports as unknown as Exports);
    const answer = shim.call("kc_configure", Buffer.from(JSON.stringify(config)));
    if (answer.error) throw new HomelabError(ErrorCode.Config, `kubeconform rejected the configuration: ${answer.error}`);
    return shim;
  }

  /** Validates whole files; kubeconform splits them into documents itself. */
  validate(files: readonly Buffer[]): ShimAnswer {
    let size = 4;
    for (const file of files) size += 4 + file.length;
    const request = Buffer.allocUnsafe(size);
    request.writeUInt32LE(files.length, 0);
    let offset = 4;
    for (const file of files) {
      request.writeUInt32LE(file.length, offset);
      file.copy(request, offset + 4);
      offset += 4 + file.length;
    }
    const answer = this.call("kc_validate", request);
    if (answer.error) throw new Error(`kubeconform-wasm shim failed: ${answer.error}`);
    return answer;
  }

  private call(fn: "kc_configure" | "kc_validate", request: Buffer): ShimAnswer {
    if (this.broken) throw new Error("kubeconform-wasm crashed earlier; create a new validator", { cause: this.broken });
    try {
      return this.callUnguarded(fn, request);
    } catch (error) {
      this.broken = error;
      throw new Error(`kubeconform-wasm crashed in ${fn}: ${String(error)}`, { cause: error });
    }
  }

  private callUnguarded(fn: "kc_configure" | "kc_validate", request: Buffer): ShimAnswer {
    const pointer = this.exports.kc_alloc(request.length) >>> 0;
    new Uint8Array(this.exports.memory.buffer, pointer, request.length).set(request);
    const packed = BigInt.asUintN(64, this.exports[fn](request.length));
    const at = Number(packed >> 32n);
    const length = Number(packed & 0xffffffffn);
    // Read after the call: the memory may have grown and detached older views.
    const text = Buffer.from(this.exports.memory.buffer, at, length).toString("utf8");
    return JSON.parse(text) as ShimAnswer;
  }
}
