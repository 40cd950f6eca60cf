import path from "node:path";
import { findRoot } from "@homelab/core";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import {
  LOCK_FILE,
  chartCacheDir,
  chartKey,
  fetchCharts,
  isOffline,
  lockCharts,
  lockProblems,
  readLock,
  verifyCache,
  writeLock,
  type ChartLock,
  type ChartStoreOptions,
} from "@homelab/helm";
import { componentPins } from "../chart-upgrade.js";
import type { Io } from "../spec.js";
import type { FetchArgs, LockArgs, VerifyArgs } from "./charts.js";

function rootOf(root: string | undefined, io: Io): string {
  return root !== undefined && root !== "" ? path.resolve(io.cwd, root) : findRoot(io.cwd);
}

function storeOptions(flags: { offline: boolean; "repo-override": string | undefined }, io: Io): ChartStoreOptions {
  const env = io.env;
  const override = flags["repo-override"];
  return {
    env,
    offline: flags.offline || isOffline(env),
    ...(override ? { repoOverride: override } : {}),
    log: (line) => io.stderr(`charts: ${line}\n`),
  };
}

function requireLock(root: string): ChartLock {
  const lock = readLock(root);
  if (!lock) {
    throw new HomelabError(ErrorCode.MissingArtifact, `${LOCK_FILE} does not exist`, {
      position: { file: path.join(root, LOCK_FILE) },
      hint: "run `npx homelab charts lock` and commit it",
    });
  }
  return lock;
}

export async function lock(args: LockArgs, io: Io): Promise<number> {
  const root = rootOf(args.flags.root, io);
  const pins = await componentPins(root);
  const update = args.flags.update ? (args.positionals.length > 0 ? args.positionals : true) : undefined;
  if (args.positionals.length > 0 && !update) throw new UsageError("chart names are only taken with --update");
  const locked = await lockCharts(pins, readLock(root), { ...storeOptions(args.flags, io), ...(update ? { update } : {}) });
  const file = writeLock(root, locked);
  io.stdout(
    `wrote ${path.relative(root, file)}: ${locked.charts.length} chart(s), digests from ${locked.source === "mirror" ? "a mirror" : "their repositories"}\n`,
  );
  return 0;
}

export async function fetch(args: FetchArgs, io: Io): Promise<number> {
  const root = rootOf(args.flags.root, io);
  const options = storeOptions(args.flags, io);
  const fetched = await fetchCharts(requireLock(root), options);
  const downloaded = fetched.filter((f) => f.fetched).length;
  io.stdout(`${fetched.length} chart(s) verified in ${chartCacheDir(options.env)} (${downloaded} downloaded, ${fetched.length - downloaded} already cached)\n`);
  return 0;
}

export async function verify(args: VerifyArgs, io: Io): Promise<number> {
  const root = rootOf(args.flags.root, io);
  const lockFile = requireLock(root);
  const problems = lockProblems(await componentPins(root), lockFile).map((p) => `${LOCK_FILE}: ${p.chart}: ${p.message}`);
  if (!args.flags["no-cache"]) {
    for (const result of verifyCache(lockFile, { env: io.env })) {
      const name = chartKey(result.chart);
      if (result.status === "missing") problems.push(`${name}: not in the chart cache (run \`npx homelab charts fetch\`)`);
      if (result.status === "mismatch") problems.push(`${name}: the cached package has digest ${result.actual}, ${LOCK_FILE} has ${result.chart.digest}`);
    }
  }
  if (problems.length === 0) {
    io.stdout(`${LOCK_FILE}: ${lockFile.charts.length} chart(s) locked, matching the pins${args.flags["no-cache"] ? "" : ", all cached with their digests"}\n`);
    return 0;
  }
  io.stdout(`${problems.join("\n")}\n`);
  return 1;
}
