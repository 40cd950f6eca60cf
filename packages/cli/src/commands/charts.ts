import { defineCommand, type FlagTable, type ParsedArgs } from "../spec.js";

/** @homelab/helm's LOCK_FILE, named here so help loads no chart code (charts.test.ts keeps them equal). */
export const LOCK_FILE_NAME = "charts.lock.yaml";

export const offlineFlag = {
  type: "boolean",
  description: "never touch the network (also HOMELAB_OFFLINE=1): charts come from the cache or not at all",
} as const;
const overrideFlag = {
  type: "string",
  value: "URL",
  description: "fetch every chart from this Helm repository or oci:// registry (a mirror) instead of its own (also HOMELAB_CHART_REPO_OVERRIDE)",
} as const;

const lockFlags = {
  update: { type: "boolean", description: "re-resolve digests even for charts already locked" },
  "repo-override": overrideFlag,
  offline: offlineFlag,
} as const satisfies FlagTable;
export type LockArgs = ParsedArgs<typeof lockFlags>;

export const lockCommand = defineCommand({
  path: ["charts", "lock"],
  summary: `write ${LOCK_FILE_NAME}: every chart the components pin, with the sha256 digest of its package`,
  description: [
    "A pin already locked from the same repository keeps its digest; new pins are downloaded (index.yaml + .tgz, or the",
    "OCI registry API), cached and locked. Entries no component pins are dropped. --update re-resolves the named charts",
    "(all without names). With --repo-override the digests are of the mirror's packages and the lock says so.",
  ].join("\n"),
  positionals: [{ name: "charts", description: "with --update: the charts to re-resolve (default all)", variadic: true }],
  flags: lockFlags,
  load: async () => (await import("./charts.run.js")).lock,
});

const fetchFlags = { "repo-override": overrideFlag, offline: offlineFlag } as const satisfies FlagTable;
export type FetchArgs = ParsedArgs<typeof fetchFlags>;

export const fetchCommand = defineCommand({
  path: ["charts", "fetch"],
  summary: `fill the chart cache with every chart of ${LOCK_FILE_NAME}, verifying each digest`,
  description: `The cache is content-addressed (files named by digest) in $HOMELAB_CHART_CACHE, else $XDG_CACHE_HOME/homelab/charts, else ~/.cache/homelab/charts. After it, everything works offline.`,
  positionals: [],
  flags: fetchFlags,
  load: async () => (await import("./charts.run.js")).fetch,
});

const verifyFlags = { "no-cache": { type: "boolean", description: "only check the lock against the pins (no cache needed)" } } as const satisfies FlagTable;
export type VerifyArgs = ParsedArgs<typeof verifyFlags>;

export const verifyCommand = defineCommand({
  path: ["charts", "verify"],
  summary: `check, offline, that ${LOCK_FILE_NAME} matches the components' pins and the cache holds every chart with its digest`,
  positionals: [],
  flags: verifyFlags,
  load: async () => (await import("./charts.run.js")).verify,
});

/** `homelab charts ...`: the chart lock and the content-addressed chart cache. */
export const chartsCommands = [lockCommand, fetchCommand, verifyCommand] as const;
