/**
 * Paired whole-process timings: each scenario runs side A (ours) and side B
 * (the yardstick a user would reach for) as separate processes, alternated
 * (A B, B A, A B, ...), so drift of a shared machine hits both sides alike.
 * The figure is the ratio A/B of each pair; we report its median and spread
 * (min–max and the interquartile range), beside each side's own times and,
 * where asked, its peak resident memory (`/usr/bin/time -f %M`).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { stat, type Stat } from "./measure.js";

/** One process; a side may be several run one after the other (kubeconform, then conftest). */
export interface Step {
  cmd: string;
  args: string[];
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** Highest exit status that is not a failure of the benchmark (1: the tool reported findings). Default 0. */
  maxStatus?: number;
}

export interface Side {
  /** What this side runs, as a user would type it. */
  label: string;
  steps: Step[];
  /** Untimed, before each run of this side (e.g. the one-line edit of the affected scenario). */
  before?: (run: number) => void;
}

export interface Spread extends Stat {
  q1: number;
  q3: number;
}

export interface SideResult {
  label: string;
  /** Milliseconds per run, all steps together. */
  ms: Stat;
  /** Largest peak RSS (KiB) of the side's processes, per run; absent without /usr/bin/time. */
  peakRssKiB?: Stat;
  /** Exit status of the last step of the first run (findings are not failures). */
  status: number;
}

export interface PairedResult {
  scenario: string;
  pairs: number;
  a: SideResult;
  b: SideResult;
  /** A's time over B's, per pair. */
  ratio: Spread;
  /** A's peak RSS over B's, per pair (when memory was measured). */
  rssRatio?: Spread;
}

const TIME = "/usr/bin/time";

export function spread(values: number[]): Spread {
  const s = stat(values);
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number): number => {
    const pos = (sorted.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  };
  return { ...s, q1: at(0.25), q3: at(0.75) };
}

/** Runs one step as a whole process; wall time and (with /usr/bin/time) peak RSS. */
export function runStep(step: Step, memory: boolean): { ms: number; rssKiB: number | undefined; status: number } {
  const useTime = memory && existsSync(TIME);
  const tmp = useTime ? mkdtempSync(path.join(os.tmpdir(), "homelab-bench-rss-")) : undefined;
  const rssFile = tmp ? path.join(tmp, "rss") : undefined;
  const [cmd, args] = rssFile ? [TIME, ["-f", "%M", "-o", rssFile, step.cmd, ...step.args]] : [step.cmd, step.args];
  const start = performance.now();
  const result = spawnSync(cmd, args, { cwd: step.cwd, env: step.env ?? process.env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - start;
  try {
    const status = result.status ?? 1;
    if (result.error || status > (step.maxStatus ?? 0)) {
      const tail = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.split("\n").slice(-30).join("\n");
      throw new Error(
        `${step.cmd} ${step.args.slice(0, 8).join(" ")}${step.args.length > 8 ? " ..." : ""} (in ${step.cwd}) exited ${status}:\n${result.error ?? tail}`,
      );
    }
    // `time` writes "Command exited with non-zero status N" before the figure when the command failed.
    const rssKiB = rssFile && existsSync(rssFile) ? Number(readFileSync(rssFile, "utf8").trim().split("\n").pop()) : undefined;
    return { ms, rssKiB: rssKiB !== undefined && Number.isFinite(rssKiB) ? rssKiB : undefined, status };
  } finally {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  }
}

function runSide(side: Side, run: number, memory: boolean): { ms: number; rssKiB: number | undefined; status: number } {
  side.before?.(run);
  let ms = 0;
  let rssKiB: number | undefined;
  let status = 0;
  for (const step of side.steps) {
    const r = runStep(step, memory);
    ms += r.ms;
    if (r.rssKiB !== undefined) rssKiB = Math.max(rssKiB ?? 0, r.rssKiB);
    status = r.status;
  }
  return { ms, rssKiB, status };
}

/**
 * `pairs` pairs of A and B, alternating which goes first, after one untimed
 * run of each (page cache, tsx's cache, Nx's project graph).
 */
export function paired(scenario: string, a: Side, b: Side, options: { pairs: number; memory?: boolean; warmup?: boolean }): PairedResult {
  const memory = options.memory ?? false;
  if (options.warmup !== false) {
    runSide(a, -1, false);
    runSide(b, -1, false);
  }
  const as: ReturnType<typeof runSide>[] = [];
  const bs: ReturnType<typeof runSide>[] = [];
  for (let i = 0; i < options.pairs; i++) {
    if (i % 2 === 0) {
      as.push(runSide(a, i, memory));
      bs.push(runSide(b, i, memory));
    } else {
      bs.push(runSide(b, i, memory));
      as.push(runSide(a, i, memory));
    }
  }
  const side = (s: Side, runs: ReturnType<typeof runSide>[]): SideResult => {
    const rss = runs.map((r) => r.rssKiB).filter((r): r is number => r !== undefined);
    return { label: s.label, ms: stat(runs.map((r) => r.ms)), ...(rss.length === runs.length ? { peakRssKiB: stat(rss) } : {}), status: runs[0]?.status ?? 0 };
  };
  const ra = side(a, as);
  const rb = side(b, bs);
  const rssRatio = ra.peakRssKiB && rb.peakRssKiB ? spread(as.map((r, i) => r.rssKiB! / bs[i]!.rssKiB!)) : undefined;
  return { scenario, pairs: options.pairs, a: ra, b: rb, ratio: spread(as.map((r, i) => r.ms / bs[i]!.ms)), ...(rssRatio ? { rssRatio } : {}) };
}

const x = (v: number): string => `${v.toFixed(2)}x`;
const s = (ms: number): string => (ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2));
const mib = (kib: number): string => `${Math.round(kib / 1024)}`;

/** A Markdown table: one row per scenario, ratio first. */
export function pairedTable(results: PairedResult[]): string {
  const header = [
    "scenario",
    "A (ours)",
    "B (yardstick)",
    "A / B: median (min–max; IQR)",
    "A s: median (min–max)",
    "B s: median (min–max)",
    "peak RSS MiB A / B (ratio)",
    "pairs",
  ];
  const rows = results.map((r) => [
    r.scenario,
    `\`${r.a.label}\``,
    `\`${r.b.label}\``,
    `**${x(r.ratio.median)}** (${x(r.ratio.min)}–${x(r.ratio.max)}; ${x(r.ratio.q1)}–${x(r.ratio.q3)})`,
    `${s(r.a.ms.median)} (${s(r.a.ms.min)}–${s(r.a.ms.max)})`,
    `${s(r.b.ms.median)} (${s(r.b.ms.min)}–${s(r.b.ms.max)})`,
    r.a.peakRssKiB && r.b.peakRssKiB && r.rssRatio ? `${mib(r.a.peakRssKiB.median)} / ${mib(r.b.peakRssKiB.median)} (${x(r.rssRatio.median)})` : "–",
    String(r.pairs),
  ]);
  return [header, header.map(() => "---"), ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n");
}
