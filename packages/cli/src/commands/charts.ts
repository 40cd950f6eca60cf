import path from "node:path";
import { listComponents } from "@homelab/codegen";
import { findRoot } from "@homelab/core";
import { ErrorCode, HomelabError } from "@homelab/errors";
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
  type ChartPin,
  type ChartStoreOptions,
} from "@homelab/helm";
import type { CommandSpec, FlagSpec, Io, ParsedArgs } from "../spec.js";

const offlineFlag: FlagSpec = {
  name: "offline",
  type: "boolean",
  description: "never touch the network (also HOMELAB_OFFLINE=1): charts come from the cache or not at all",
};
const overrideFlag: FlagSpec = {
  name: "repo-override",
  type: "string",
  value: "URL",
  description: "fetch every chart from this Helm repository or oci:// registry (a mirror) instead of its own (also HOMELAB_CHART_REPO_OVERRIDE)",
};

function rootOf(args: ParsedArgs, io: Io): string {
  return typeof args.flags.root === "string" && args.flags.root !== "" ? path.resolve(io.cwd, args.flags.root) : findRoot(io.cwd);
}

function storeOptions(args: ParsedArgs, io: Io): ChartStoreOptions {
  const env = io.env as NodeJS.ProcessEnv;
  const override = typeof args.flags["repo-override"] === "string" ? args.flags["repo-override"] : undefined;
  return {
    env,
    offline: args.flags.offline === true || isOffline(env),
    ...(override ? { repoOverride: override } : {}),
    log: (line) => io.stderr(`charts: ${line}\n`),
  };
}

/** Every chart the components pin (package.json `homelab.chart`). */
export async function componentPins(root: string): Promise<ChartPin[]> {
  return (await listComponents(root)).map((c) => ({ chart: c.chart.name, version: c.chart.version, repository: c.chart.repository }));
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

const lockCommand: CommandSpec = {
  path: ["charts", "lock"],
  summary: `write ${LOCK_FILE}: every chart the components pin, with the sha256 digest of its package`,
  description: [
    "A pin already locked from the same repository keeps its digest; new pins are downloaded (index.yaml + .tgz, or the",
    "OCI registry API), cached and locked. Entries no component pins are dropped. --update re-resolves the named charts",
    "(all without names). With --repo-override the digests are of the mirror's packages and the lock says so.",
  ].join("\n"),
  positionals: [{ name: "charts", description: "with --update: the charts to re-resolve (default all)", variadic: true }],
  flags: [{ name: "update", type: "boolean", description: "re-resolve digests even for charts already locked" }, overrideFlag, offlineFlag],
  async run(args, io) {
    const root = rootOf(args, io);
    const pins = await componentPins(root);
    const update = args.flags.update === true ? (args.positionals.length > 0 ? args.positionals : true) : undefined;
    if (args.positionals.length > 0 && !update) throw new HomelabError(ErrorCode.Usage, "chart names are only taken with --update");
    const lock = await lockCharts(pins, readLock(root), { ...storeOptions(args, io), ...(update ? { update } : {}) });
    const file = writeLock(root, lock);
    io.stdout(
      `wrote ${path.relative(root, file)}: ${lock.charts.length} chart(s), digests from ${lock.source === "mirror" ? "a mirror" : "their repositories"}\n`,
    );
    return 0;
  },
};

const fetchCommand: CommandSpec = {
  path: ["charts", "fetch"],
  summary: `fill the chart cache with every chart of ${LOCK_FILE}, verifying each digest`,
  description: `The cache is content-addressed (files named by digest) in $HOMELAB_CHART_CACHE, else $XDG_CACHE_HOME/homelab/charts, else ~/.cache/homelab/charts. After it, everything works offline.`,
  positionals: [],
  flags: [overrideFlag, offlineFlag],
  async run(args, io) {
    const root = rootOf(args, io);
    const options = storeOptions(args, io);
    const fetched = await fetchCharts(requireLock(root), options);
    const downloaded = fetched.filter((f) => f.fetched).length;
    io.stdout(
      `${fetched.length} chart(s) verified in ${chartCacheDir(options.env)} (${downloaded} downloaded, ${fetched.length - downloaded} already cached)\n`,
    );
    return 0;
  },
};

const verifyCommand: CommandSpec = {
  path: ["charts", "verify"],
  summary: `check, offline, that ${LOCK_FILE} matches the components' pins and the cache holds every chart with its digest`,
  positionals: [],
  flags: [{ name: "no-cache", type: "boolean", description: "only check the lock against the pins (no cache needed)" }],
  async run(args, io) {
    const root = rootOf(args, io);
    const lock = requireLock(root);
    const problems = lockProblems(await componentPins(root), lock).map((p) => `${LOCK_FILE}: ${p.chart}: ${p.message}`);
    if (args.flags["no-cache"] !== true) {
      for (const result of verifyCache(lock, { env: io.env as NodeJS.ProcessEnv })) {
        const name = chartKey(result.chart);
        if (result.status === "missing") problems.push(`${name}: not in the chart cache (run \`npx homelab charts fetch\`)`);
        if (result.status === "mismatch") problems.push(`${name}: the cached package has digest ${result.actual}, ${LOCK_FILE} has ${result.chart.digest}`);
      }
    }
    if (problems.length === 0) {
      io.stdout(
        `${LOCK_FILE}: ${lock.charts.length} chart(s) locked, matching the pins${args.flags["no-cache"] === true ? "" : ", all cached with their digests"}\n`,
      );
      return 0;
    }
    io.stdout(`${problems.join("\n")}\n`);
    return 1;
  },
};

/** `homelab charts ...`: the chart lock and the content-addressed chart cache. */
export const chartsCommands: readonly CommandSpec[] = [lockCommand, fetchCommand, verifyCommand];
