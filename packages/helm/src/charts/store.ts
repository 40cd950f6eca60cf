import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { cachedPath, chartCacheDir, readCached, sha256Digest, storeCached } from "./cache.js";
import { downloadChart } from "./fetch.js";
import type { HttpOptions } from "./http.js";
import { LOCK_FILE, chartKey, lockedChart, readLock, type ChartLock, type ChartPin, type LockedChart } from "./lock.js";

/** Set to 1 (or pass --offline) and nothing touches the network: charts come from the cache or not at all. */
export const OFFLINE_ENV = "HOMELAB_OFFLINE";
/** One Helm repository or oci:// registry to fetch every chart from instead of its own (a mirror). */
export const REPO_OVERRIDE_ENV = "HOMELAB_CHART_REPO_OVERRIDE";

export interface ChartStoreOptions {
  /** Default: chartCacheDir(env). */
  cacheDir?: string;
  /** Default: HOMELAB_OFFLINE is set (and not 0/false). */
  offline?: boolean;
  /** Fetch from this repository instead of each chart's own; default HOMELAB_CHART_REPO_OVERRIDE. */
  repoOverride?: string;
  http?: HttpOptions;
  env?: NodeJS.ProcessEnv;
  /** Progress lines ("fetched traefik 41.3.0"). */
  log?: (line: string) => void;
}

export function isOffline(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[OFFLINE_ENV];
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

interface Resolved {
  cacheDir: string;
  offline: boolean;
  repoOverride: string | undefined;
  http: HttpOptions;
  log: (line: string) => void;
}

function resolve(options: ChartStoreOptions): Resolved {
  const env = options.env ?? process.env;
  const repoOverride = options.repoOverride ?? (env[REPO_OVERRIDE_ENV] || undefined);
  if (repoOverride !== undefined && !/^(https?|oci):\/\/[^\s]+$/.test(repoOverride)) {
    throw new HomelabError(ErrorCode.Usage, `repository override ${JSON.stringify(repoOverride)} is not an http(s):// or oci:// URL`);
  }
  return {
    cacheDir: options.cacheDir ?? chartCacheDir(env),
    offline: options.offline ?? isOffline(env),
    repoOverride,
    http: options.http ?? {},
    log: options.log ?? (() => {}),
  };
}

function notCached(chart: ChartPin & { digest?: string }, cacheDir: string): HomelabError {
  return new HomelabError(ErrorCode.MissingArtifact, `chart ${chart.chart} ${chart.version} is not in the chart cache (${cacheDir}) and offline mode is on`, {
    hint: "run `npx homelab charts fetch` once with network access (offline mode: HOMELAB_OFFLINE or --offline)",
  });
}

function mismatch(chart: LockedChart, actual: string, from: string): HomelabError {
  return new HomelabError(
    ErrorCode.ChartInvalid,
    `chart ${chart.chart} ${chart.version} from ${from} has digest ${actual}, ${LOCK_FILE} has ${chart.digest}: the package changed after it was locked (re-published or tampered)`,
    {
      hint: `a re-published chart is a supply-chain event: find out why, then re-pin deliberately with \`npx homelab charts lock --update ${chart.chart}\``,
    },
  );
}

/**
 * The verified cache path of a locked chart (a .tgz Helm's loader reads as is),
 * downloading it first when the cache lacks it and the network is allowed.
 * The digest is checked on every use, cached or not.
 */
export async function chartPackage(chart: LockedChart, options: ChartStoreOptions = {}): Promise<string> {
  return (await ensureCached(chart, resolve(options))).path;
}

async function ensureCached(chart: LockedChart, o: Resolved): Promise<{ path: string; fetched: boolean }> {
  const file = cachedPath(o.cacheDir, chart.digest);
  const cached = readCached(o.cacheDir, chart.digest);
  if (cached) {
    const actual = sha256Digest(cached);
    if (actual !== chart.digest) {
      throw new HomelabError(
        ErrorCode.ChartInvalid,
        `chart ${chart.chart} ${chart.version} in the cache has digest ${actual}, ${LOCK_FILE} has ${chart.digest}: the cached file is corrupt`,
        {
          position: { file },
          hint: "delete that file and run `npx homelab charts fetch`",
        },
      );
    }
    return { path: file, fetched: false };
  }
  if (o.offline) throw notCached(chart, o.cacheDir);
  const from = o.repoOverride ?? chart.repository;
  const downloaded = await downloadChart(chart, from, o.http);
  if (downloaded.digest !== chart.digest) throw mismatch(chart, downloaded.digest, from);
  storeCached(o.cacheDir, downloaded.data);
  o.log(`fetched ${chart.chart} ${chart.version} (${chart.digest.slice(0, 19)}…) from ${from}`);
  return { path: file, fetched: true };
}

export interface FetchedChart {
  chart: LockedChart;
  path: string;
  /** False when it was already in the cache. */
  fetched: boolean;
}

/** Fills the cache with every locked chart, verifying each digest. */
export async function fetchCharts(lock: ChartLock, options: ChartStoreOptions = {}): Promise<FetchedChart[]> {
  const o = resolve(options);
  const out: FetchedChart[] = [];
  for (const chart of lock.charts) out.push({ chart, ...(await ensureCached(chart, o)) });
  return out;
}

export interface LockOptions extends ChartStoreOptions {
  /** Re-resolve these charts (by name), or every chart with `true`; others keep their locked digest. */
  update?: true | readonly string[];
}

/**
 * The lock for `pins`: a pin already locked from the same repository keeps its
 * digest (a lock only moves on purpose); a new or updated pin is downloaded,
 * cached and locked with the digest of what was served. Entries no pin uses go.
 */
export async function lockCharts(pins: readonly ChartPin[], current: ChartLock | undefined, options: LockOptions = {}): Promise<ChartLock> {
  const o = resolve(options);
  // An override means the digests are of the mirror's packages; keeping upstream digests beside them would mix two truths.
  const source = o.repoOverride ? "mirror" : "upstream";
  const reuse = current?.source === source;
  if (o.offline) {
    const missing = pins.filter((p) => !reuse || !current?.charts.some((c) => c.chart === p.chart && c.version === p.version && c.repository === p.repository));
    if (missing.length > 0 || options.update) {
      throw new HomelabError(
        ErrorCode.MissingArtifact,
        `locking ${missing.map(chartKey).join(", ") || "with --update"} needs the network, and offline mode is on`,
        {
          hint: "run `npx homelab charts lock` with network access",
        },
      );
    }
  }
  const wanted = new Map<string, ChartPin>();
  for (const pin of pins) {
    const key = chartKey(pin);
    const other = wanted.get(key);
    if (other && other.repository !== pin.repository) {
      throw new HomelabError(ErrorCode.Config, `chart ${key} is pinned from two repositories: ${other.repository} and ${pin.repository}`);
    }
    wanted.set(key, pin);
  }
  const update = (name: string) => options.update === true || (Array.isArray(options.update) && options.update.includes(name));
  const charts: LockedChart[] = [];
  for (const pin of [...wanted.values()].sort((a, b) => chartKey(a).localeCompare(chartKey(b)))) {
    const existing = current?.charts.find((c) => c.chart === pin.chart && c.version === pin.version && c.repository === pin.repository);
    if (existing && reuse && !update(pin.chart)) {
      charts.push(existing);
      continue;
    }
    const from = o.repoOverride ?? pin.repository;
    const downloaded = await downloadChart(pin, from, o.http);
    storeCached(o.cacheDir, downloaded.data);
    o.log(`locked ${pin.chart} ${pin.version} ${downloaded.digest} (from ${from})`);
    charts.push({ ...pin, digest: downloaded.digest });
  }
  return { source, charts };
}

export interface LockProblem {
  chart: string;
  message: string;
}

/** Differences between the pins and the lock (a pin not locked, locked from elsewhere, a lock entry no pin uses). */
export function lockProblems(pins: readonly ChartPin[], lock: ChartLock | undefined): LockProblem[] {
  const problems: LockProblem[] = [];
  for (const pin of pins) {
    const entry = lock?.charts.find((c) => c.chart === pin.chart && c.version === pin.version);
    if (!entry) problems.push({ chart: chartKey(pin), message: `pinned but not in ${LOCK_FILE}` });
    else if (entry.repository !== pin.repository)
      problems.push({ chart: chartKey(pin), message: `locked from ${entry.repository}, pinned from ${pin.repository}` });
  }
  for (const entry of lock?.charts ?? []) {
    if (!pins.some((p) => p.chart === entry.chart && p.version === entry.version))
      problems.push({ chart: chartKey(entry), message: "locked but no component pins it" });
  }
  return problems;
}

export interface VerifiedChart {
  chart: LockedChart;
  status: "ok" | "missing" | "mismatch";
  /** The digest found in the cache, when it differs. */
  actual?: string;
}

/** Checks every locked chart in the cache against its digest, without any network access. */
export function verifyCache(lock: ChartLock, options: ChartStoreOptions = {}): VerifiedChart[] {
  const o = resolve(options);
  return lock.charts.map((chart) => {
    const data = readCached(o.cacheDir, chart.digest);
    if (!data) return { chart, status: "missing" };
    const actual = sha256Digest(data);
    return actual === chart.digest ? { chart, status: "ok" } : { chart, status: "mismatch", actual };
  });
}

/**
 * The verified package of a chart as an Application pins it, through the
 * repository's lock: the pin must be locked (from the same repository), and the
 * package comes from the cache, or is fetched when the network is allowed.
 */
export async function lockedChartPackage(root: string, pin: ChartPin, options: ChartStoreOptions = {}): Promise<{ path: string; digest: string }> {
  const lockFile = path.join(root, LOCK_FILE);
  const locked = lockedChart(readLock(root), pin, lockFile);
  return { path: await chartPackage(locked, options), digest: locked.digest };
}
