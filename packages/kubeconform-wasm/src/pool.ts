import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { compiledModule, type Shim, type ShimAnswer, type ShimConfig } from "./wasm.js";

/** Below this many bytes a batch runs on the calling thread: starting workers costs more. */
const PARALLEL_THRESHOLD = 1024 * 1024;

interface Message {
  ready?: boolean;
  answer?: ShimAnswer;
  error?: string;
}

/**
 * Go compiled to wasm runs on one thread, so large batches are split across
 * worker threads, each with its own instance of the (once compiled) module;
 * the calling thread validates one share itself.
 */
export class Pool {
  private workers: Promise<Worker[]> | undefined;

  constructor(
    private readonly shim: Shim,
    private readonly preopens: Record<string, string>,
    private readonly config: ShimConfig,
    private readonly threads: number,
  ) {}

  async validate(files: readonly Buffer[]): Promise<ShimAnswer> {
    const bytes = files.reduce((n, f) => n + f.length, 0);
    if (this.threads <= 1 || files.length < 2 || bytes < PARALLEL_THRESHOLD) return this.shim.validate(files);
    const workers = await this.start();
    const shares = split(files, workers.length + 1);
    const pending = workers.map((worker, i) =>
      ask(
        worker,
        shares[i + 1]!.map((s) => files[s]!),
      ),
    );
    const answers = [this.shim.validate(shares[0]!.map((s) => files[s]!)), ...(await Promise.all(pending))];
    const merged: ShimAnswer = { findings: [], valid: 0, skipped: 0, empty: 0 };
    answers.forEach((answer, share) => {
      for (const finding of answer.findings) merged.findings.push({ ...finding, file: shares[share]![finding.file]! });
      merged.valid += answer.valid;
      merged.skipped += answer.skipped;
      merged.empty += answer.empty;
    });
    merged.findings.sort((a, b) => a.file - b.file || a.document - b.document || a.item - b.item);
    return merged;
  }

  close(): void {
    void this.workers?.then((workers) => workers.forEach((w) => void w.terminate()));
    this.workers = undefined;
  }

  private start(): Promise<Worker[]> {
    this.workers ??= (async () => {
      const module = await compiledModule();
      // Workers load TypeScript like the rest of the repo, through tsx's API (an
      // `--import tsx` in execArgv does not reach a worker's entry module on Node 20).
      const tsx = tsxApiUrl();
      const entry = new URL("./worker.ts", import.meta.url).href;
      const boot = `import(${JSON.stringify(tsx)}).then((api) => api.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`;
      const workers = Array.from({ length: this.threads - 1 }, () => {
        const worker = new Worker(boot, { eval: true, workerData: { preopens: this.preopens, config: this.config, module } });
        worker.unref(); // a validator that is never closed must not keep the process alive
        return worker;
      });
      await Promise.all(workers.map((w) => once(w)));
      return workers;
    })();
    return this.workers;
  }
}

/** tsx's ESM API entry, read from its exports map (require.resolve would pick the CommonJS one). */
function tsxApiUrl(): string {
  const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
  const exports = JSON.parse(readFileSync(manifest, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(manifest), exports.exports["./esm/api"]!.import.default)).href;
}

function once(worker: Worker): Promise<Message> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: Message) => {
      worker.off("error", onError);
      if (message.error) reject(new Error(`kubeconform-wasm worker failed: ${message.error}`));
      else resolve(message);
    };
    const onError = (error: Error) => {
      worker.off("message", onMessage);
      reject(error);
    };
    worker.once("message", onMessage);
    worker.once("error", onError);
  });
}

async function ask(worker: Worker, files: Buffer[]): Promise<ShimAnswer> {
  const reply = once(worker);
  worker.postMessage(files);
  return (await reply).answer!;
}

/** File indices in `n` shares of about equal bytes (largest first, into the lightest share). */
function split(files: readonly Buffer[], n: number): number[][] {
  const shares = Array.from({ length: n }, () => ({ bytes: 0, files: [] as number[] }));
  const order = files.map((_, i) => i).sort((a, b) => files[b]!.length - files[a]!.length);
  for (const index of order) {
    const lightest = shares.reduce((min, s) => (s.bytes < min.bytes ? s : min));
    lightest.files.push(index);
    lightest.bytes += files[index]!.length;
  }
  return shares.map((s) => s.files.sort((a, b) => a - b));
}
