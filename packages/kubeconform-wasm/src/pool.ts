import { readFileSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { writableCacheDir } from "@homelab/workspace";
import { compiledModule, type Shim, type ShimAnswer, type ShimConfig } from "./wasm.js";

/**
 * Each thread beyond the calling one needs this many bytes of its own: a
 * worker's start (tsx, instance, configuration) costs about what validating
 * 1 MB does.
 */
const BYTES_PER_THREAD = 2 * 1024 * 1024;
/** A worker still starting (the CLI build's compiled worker: about 0.2 s) gets that much less work, so it does not finish last. */
const START_COST = 512 * 1024;
/**
 * What compiling a kind's schema costs, in bytes of YAML validated (compiles
 * run 50 to 300 ms in wasm, the ApplicationSet CRD is the 300 ms one; about
 * 0.1 s on average on the hydrated real cluster, where a MB of CRDs takes
 * about 0.3 s).
 */
const KIND_COST = 512 * 1024;

interface Message {
  ready?: boolean;
  answer?: ShimAnswer;
  error?: string;
}

/**
 * Go compiled to wasm runs on one thread, so large batches are split across
 * worker threads, each with its own instance of the (once compiled) module;
 * the calling thread validates one share itself while the workers start.
 */
export class Pool {
  private readonly workers: ShimWorker[] = [];

  constructor(
    private readonly shim: Shim,
    private readonly preopens: Record<string, string>,
    private readonly config: ShimConfig,
    private readonly threads: number,
  ) {}

  async validate(files: readonly Buffer[]): Promise<ShimAnswer> {
    const bytes = files.reduce((n, f) => n + f.length, 0);
    const threads = Math.min(this.threads, files.length, Math.floor(bytes / BYTES_PER_THREAD));
    if (threads <= 1) return this.shim.validate(files);
    const workers = await this.start(threads - 1);
    const shares = split(files, threads, [0, ...workers.map((w) => (w.started ? 0 : START_COST))]);
    // Posted before this thread validates its own share: a starting worker queues the batch and takes it once loaded.
    const pending = workers.map((worker, i) => worker.ask(shares[i + 1]!.map((s) => files[s]!)));
    let own: ShimAnswer;
    try {
      own = this.shim.validate(shares[0]!.map((s) => files[s]!));
    } catch (error) {
      await Promise.allSettled(pending);
      throw error;
    }
    const answers = [own, ...(await Promise.all(pending))];
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
    for (const worker of this.workers.splice(0)) worker.terminate();
  }

  /** The first `count` workers, started (not waited for) when missing. */
  private async start(count: number): Promise<ShimWorker[]> {
    if (this.workers.length < count) {
      const module = await compiledModule();
      // The CLI's build compiles the entry and points this URL at it (packages/cli/scripts/build.mjs); from source,
      // the worker loads TypeScript like the rest of the repo, through tsx's API (an `--import tsx` in execArgv does
      // not reach a worker's entry module on Node 20). tsx's start-up in a worker is ~0.4 s of its time.
      const entry = new URL("./worker.ts", import.meta.url);
      const compiled = entry.pathname.endsWith(".mjs");
      // Booted by evaluated code either way: a file entry would fail under an inherited --input-type (a `node -e`
      // caller's flag), and the worker keeps every other flag of the process, V8's included.
      const boot = compiled
        ? `import(${JSON.stringify(entry.href)})`
        : `import(${JSON.stringify(tsxApiUrl())}).then((api) => api.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}))`;
      while (this.workers.length < count) {
        // tsx's compile cache goes where the process's own goes (packages/cli/bin/compiled.mjs), not into os.tmpdir(),
        // unless the checkout is read-only.
        const tsxCache = compiled ? undefined : writableCacheDir("tsx");
        const env = tsxCache ? { ...process.env, TMPDIR: tsxCache } : process.env;
        const data = { preopens: this.preopens, config: this.config, module };
        this.workers.push(new ShimWorker(new Worker(boot, { eval: true, env, workerData: data })));
      }
    }
    return this.workers.slice(0, count);
  }
}

/** One worker thread; batches are answered in the order they were posted. */
class ShimWorker {
  private readonly waiting: { resolve(answer: ShimAnswer): void; reject(error: Error): void }[] = [];
  private failed: Error | undefined;
  /** It has loaded its instance and takes batches. */
  started = false;

  constructor(private readonly worker: Worker) {
    worker.unref(); // a validator that is never closed must not keep the process alive
    worker.on("message", (message: Message) => {
      if (message.ready) {
        this.started = true;
        return;
      }
      if (message.error && !this.started) {
        // It could not start: every batch, queued or later, fails with why.
        this.fail(new Error(`kubeconform-wasm worker failed to start: ${message.error}`));
        return;
      }
      const next = this.waiting.shift();
      if (message.error) next?.reject(new Error(`kubeconform-wasm worker failed: ${message.error}`));
      else next?.resolve(message.answer!);
    });
    worker.on("error", (error) => this.fail(error));
    worker.on("exit", (code) => this.fail(new Error(`kubeconform-wasm worker exited (code ${code})`)));
  }

  ask(files: Buffer[]): Promise<ShimAnswer> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage(files);
    });
  }

  terminate(): void {
    this.failed ??= new Error("kubeconform-wasm validator closed");
    void this.worker.terminate();
  }

  private fail(error: Error): void {
    this.failed ??= error;
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failed);
  }
}

/** tsx's ESM API entry, read from its exports map (require.resolve would pick the CommonJS one). */
function tsxApiUrl(): string {
  const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
  const exports = JSON.parse(readFileSync(manifest, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(path.join(path.dirname(manifest), exports.exports["./esm/api"]!.import.default)).href;
}

/**
 * File indices in `n` shares of about equal cost: bytes, plus a kind's schema
 * compile the first time a share meets that kind (each thread compiles the
 * schemas it needs, so spreading one kind over every share compiles it `n`
 * times). Files of the same kinds form a group, placed whole (largest first)
 * on the share it leaves lightest; a group larger than one share's part of a
 * fair share (the charts' CRDs) is spread file by file the same way, paying
 * its compile once per share it reaches. `initial` is a cost each share
 * starts with (a worker's start). Keeping every kind whole up to a full fair
 * share put all 116 CRDs on one thread and every other compile on the
 * other, which finished 1 to 2.5 s later on the hydrated real cluster.
 */
export function split(files: readonly Buffer[], n: number, initial: readonly number[] = []): number[][] {
  const kinds = files.map(kindsOf);
  const groups = new Map<string, { kinds: Set<string>; files: number[]; bytes: number }>();
  files.forEach((file, index) => {
    const key = [...kinds[index]!].sort().join(" ");
    const group = groups.get(key) ?? { kinds: kinds[index]!, files: [], bytes: 0 };
    group.files.push(index);
    group.bytes += file.length;
    groups.set(key, group);
  });
  const shares = Array.from({ length: n }, (_, i) => ({ cost: initial[i] ?? 0, kinds: new Set<string>(), files: [] as number[] }));
  const distinct = new Set(kinds.flatMap((k) => [...k]));
  const fair = (files.reduce((sum, f) => sum + f.length, 0) + distinct.size * KIND_COST + shares.reduce((sum, s) => sum + s.cost, 0)) / n;
  const compiles = (share: (typeof shares)[number], of: Set<string>): number => [...of].filter((k) => !share.kinds.has(k)).length * KIND_COST;
  const place = (bytes: number, of: Set<string>, indices: number[]): void => {
    const added = (share: (typeof shares)[number]): number => bytes + compiles(share, of);
    // The share it leaves lightest; on a tie the first.
    const best = shares.reduce((a, b) => (b.cost + added(b) < a.cost + added(a) ? b : a));
    best.cost += added(best);
    for (const kind of of) best.kinds.add(kind);
    best.files.push(...indices);
  };
  const bySize = (a: number, b: number) => files[b]!.length - files[a]!.length || a - b;
  for (const group of [...groups.values()].sort(
    (a, b) => b.bytes + b.kinds.size * KIND_COST - (a.bytes + a.kinds.size * KIND_COST) || a.files[0]! - b.files[0]!,
  )) {
    if (group.bytes + group.kinds.size * KIND_COST <= fair / n) place(group.bytes, group.kinds, group.files);
    else for (const index of [...group.files].sort(bySize)) place(files[index]!.length, group.kinds, [index]);
  }
  return shares.map((s) => s.files.sort((a, b) => a - b));
}

/**
 * The top-level `apiVersion`/`kind` pairs a file's block-style documents
 * name: a hint for placing work only (a miss costs balance, never a finding).
 */
function kindsOf(file: Buffer): Set<string> {
  const text = file.toString("latin1");
  const kinds = new Set<string>();
  for (const document of text.split(/^---/m)) {
    const kind = /^kind:[ \t]*["']?([\w.-]+)/m.exec(document)?.[1];
    const apiVersion = /^apiVersion:[ \t]*["']?([\w./-]+)/m.exec(document)?.[1];
    if (kind) kinds.add(`${apiVersion ?? ""}/${kind}`);
  }
  return kinds;
}
