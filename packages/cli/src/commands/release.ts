import { defineCommand, type FlagTable, type ParsedArgs } from "../spec.js";

/** The bumps a changeset may ask for (@homelab/release BumpType without "none"). */
const BUMPS = ["major", "minor", "patch"] as const;

const gateFlags = {
  base: { type: "string", value: "REV", description: "base revision (default: the PR base, or NX_BASE)" },
  head: { type: "string", value: "REV", description: "head revision (default: the PR head, NX_HEAD or HEAD)" },
  "exact-base": { type: "boolean", description: "compare from --base itself, not from the merge base" },
  format: {
    type: "string",
    choices: ["text", "json", "github"],
    description: "output format (default text; github adds an ::error:: annotation per component)",
  },
} as const satisfies FlagTable;
export type GateArgs = ParsedArgs<typeof gateFlags>;

export const gateCommand = defineCommand({
  path: ["release", "gate"],
  summary: "fail when a component's rendered output changed without a changeset (the PR's changeset gate)",
  description: [
    "Compares the render records committed at the merge base of --base and --head. Every component whose rendered",
    "output differs must be bumped by a changeset the range adds (.changeset/*.md naming its package), or have its",
    "version bumped in the range (the release PR). New and removed components pass. Exit 1 names each component",
    "and the command that adds its changeset.",
  ].join("\n"),
  positionals: [],
  flags: gateFlags,
  load: async () => (await import("./release.run.js")).gate,
});

const tagFlags = {
  ref: { type: "string", value: "REV", description: "commit to tag and read versions from (default HEAD)" },
  push: { type: "string", value: "REMOTE", description: "push the created tags to this remote (e.g. origin)" },
  "dry-run": { type: "boolean", description: "list the tags that would be created; create nothing" },
} as const satisfies FlagTable;
export type TagArgs = ParsedArgs<typeof tagFlags>;

export const tagCommand = defineCommand({
  path: ["release", "tag"],
  summary: "tag every package version that has no tag yet: <component>@<version>, <package>@<version>",
  description:
    "Reads the workspace packages' versions at --ref (default HEAD) and creates the missing lightweight tags on it: traefik@0.2.0 for a component, @homelab/core@0.2.0 for a framework package. Idempotent; the release workflow runs it after the release PR merges.",
  positionals: [],
  flags: tagFlags,
  load: async () => (await import("./release.run.js")).tag,
});

const changesetFlags = {
  bump: { type: "string", choices: BUMPS, description: "version bump (default patch)" },
  summary: { type: "string", value: "TEXT", description: "the changelog entry (required)" },
} as const satisfies FlagTable;
export type ChangesetArgs = ParsedArgs<typeof changesetFlags>;

export const changesetCommand = defineCommand({
  path: ["release", "changeset"],
  summary: "add a changeset without prompts (what `npx changeset` asks for)",
  description:
    "Writes .changeset/<summary-slug>.md bumping the named components or packages. Names may be component names (traefik), package names (@homelab/component-traefik) or package folders.",
  positionals: [{ name: "packages", description: "components, package names or package folders", variadic: true, required: true }],
  flags: changesetFlags,
  load: async () => (await import("./release.run.js")).changeset,
});

const chartUpgradeFlags = {
  bump: { type: "string", choices: BUMPS, description: "version bump of the component (default patch; Renovate passes {{{updateType}}})" },
  summary: { type: "string", value: "TEXT", description: "changelog entry (default: Chart <name> <version>)" },
  "skip-codegen": { type: "boolean", description: "do not regenerate the typed values (they are current)" },
} as const satisfies FlagTable;
export type ChartUpgradeArgs = ParsedArgs<typeof chartUpgradeFlags>;

export const chartUpgradeCommand = defineCommand({
  path: ["release", "chart-upgrade"],
  summary: "after a chart pin changed in a component's package.json: codegen, render and a changeset (Renovate's post-upgrade task)",
  description:
    "Regenerates the component's typed values from its newly pinned chart (downloaded from the pinned Helm repository) and the chart registry, locks the new pin in charts.lock.yaml (when the repository has one), re-renders every component and adds a changeset for the component.",
  positionals: [{ name: "component", description: "component name or package folder (Renovate passes {{{packageFileDir}}})", required: true }],
  flags: chartUpgradeFlags,
  load: async () => (await import("./release.run.js")).chartUpgrade,
});

/** `homelab release ...`: the changeset gate, release tags, changesets without prompts, chart upgrades. */
export const releaseCommands = [gateCommand, tagCommand, changesetCommand, chartUpgradeCommand] as const;
