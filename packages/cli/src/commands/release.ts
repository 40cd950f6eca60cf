import path from "node:path";
import { writeFile } from "node:fs/promises";
import { emitRegistry, listComponents, runCodegenCli } from "@homelab/codegen";
import { findRoot, render } from "@homelab/core";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { actionsContext } from "@homelab/pr-report";
import { LOCK_FILE, lockCharts, readLock, writeLock } from "@homelab/helm";
import { addChangeset, changesetGate, findPackage, formatGate, formatTags, releaseTags, workspacePackages } from "@homelab/release";
import type { CommandSpec, ParsedArgs } from "../spec.js";
import { componentPins } from "./charts.js";

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function rootOf(args: ParsedArgs, cwd: string): string {
  return text(args.flags.root) ?? findRoot(cwd);
}

const BUMPS = ["major", "minor", "patch"] as const;
/** Where @homelab/codegen writes the chart registry (see codegenAll). */
const REGISTRY_FILE = "packages/charts/generated/registry.ts";
type Bump = (typeof BUMPS)[number];

const gateCommand: CommandSpec = {
  path: ["release", "gate"],
  summary: "fail when a component's rendered output changed without a changeset (the PR's changeset gate)",
  description: [
    "Compares the render records committed at the merge base of --base and --head. Every component whose rendered",
    "output differs must be bumped by a changeset the range adds (.changeset/*.md naming its package), or have its",
    "version bumped in the range (the release PR). New and removed components pass. Exit 1 names each component",
    "and the command that adds its changeset.",
  ].join("\n"),
  positionals: [],
  flags: [
    { name: "base", type: "string", value: "REV", description: "base revision (default: the PR base, or NX_BASE)" },
    { name: "head", type: "string", value: "REV", description: "head revision (default: the PR head, NX_HEAD or HEAD)" },
    { name: "exact-base", type: "boolean", description: "compare from --base itself, not from the merge base" },
    {
      name: "format",
      type: "string",
      choices: ["text", "json", "github"],
      description: "output format (default text; github adds an ::error:: annotation per component)",
    },
  ],
  async run(args, io) {
    const root = rootOf(args, io.cwd);
    const context = await actionsContext(io.env);
    const base = text(args.flags.base) ?? context.base;
    if (!base) throw new UsageError("no base revision", "pass --base REV (GitHub Actions and nx-set-shas provide it)");
    const result = await changesetGate({ root, base, head: text(args.flags.head) ?? context.head ?? "HEAD", mergeBase: args.flags["exact-base"] !== true });
    if (args.flags.format === "json") io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else (result.ok ? io.stdout : io.stderr)(formatGate(result));
    if (args.flags.format === "github") {
      // Workflow commands: the run's summary and the PR checks list each component.
      const escape = (value: string) => value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
      for (const c of result.uncovered) {
        io.stdout(
          `::error title=${escape(`changeset missing: ${c.component}`)}::${escape(`${c.reason ?? ""}. Add one: npx changeset (select ${c.package})`)}\n`,
        );
      }
      for (const u of result.unknownPackages) {
        io.stdout(`::error file=${escape(u.file)},line=1,title=unknown package in changeset::${escape(`${u.name} is no workspace package`)}\n`);
      }
    }
    return result.ok ? 0 : 1;
  },
};

const tagCommand: CommandSpec = {
  path: ["release", "tag"],
  summary: "tag every package version that has no tag yet: <component>@<version>, <package>@<version>",
  description:
    "Reads the workspace packages' versions at --ref (default HEAD) and creates the missing lightweight tags on it: traefik@0.2.0 for a component, @homelab/core@0.2.0 for a framework package. Idempotent; the release workflow runs it after the release PR merges.",
  positionals: [],
  flags: [
    { name: "ref", type: "string", value: "REV", description: "commit to tag and read versions from (default HEAD)" },
    { name: "push", type: "string", value: "REMOTE", description: "push the created tags to this remote (e.g. origin)" },
    { name: "dry-run", type: "boolean", description: "list the tags that would be created; create nothing" },
  ],
  async run(args, io) {
    const dryRun = args.flags["dry-run"] === true;
    const push = text(args.flags.push);
    const result = await releaseTags({ root: rootOf(args, io.cwd), ref: text(args.flags.ref) ?? "HEAD", dryRun, ...(push ? { push } : {}) });
    io.stdout(formatTags(result, dryRun));
    return 0;
  },
};

function bumpOf(args: ParsedArgs): Bump {
  return (text(args.flags.bump) as Bump | undefined) ?? "patch";
}

const changesetCommand: CommandSpec = {
  path: ["release", "changeset"],
  summary: "add a changeset without prompts (what `npx changeset` asks for)",
  description:
    "Writes .changeset/<summary-slug>.md bumping the named components or packages. Names may be component names (traefik), package names (@homelab/component-traefik) or package folders.",
  positionals: [{ name: "packages", description: "components, package names or package folders", variadic: true, required: true }],
  flags: [
    { name: "bump", type: "string", choices: BUMPS, description: "version bump (default patch)" },
    { name: "summary", type: "string", value: "TEXT", description: "the changelog entry (required)" },
  ],
  async run(args, io) {
    const summary = text(args.flags.summary);
    if (!summary) throw new UsageError("--summary is required", "say what changed: it becomes the changelog entry");
    const added = await addChangeset({ root: rootOf(args, io.cwd), packages: args.positionals, bump: bumpOf(args), summary });
    io.stdout(`changeset: wrote ${added.file} (${added.releases.map((r) => `${r.name} ${r.type}`).join(", ")})\n`);
    return 0;
  },
};

const chartUpgradeCommand: CommandSpec = {
  path: ["release", "chart-upgrade"],
  summary: "after a chart pin changed in a component's package.json: codegen, render and a changeset (Renovate's post-upgrade task)",
  description:
    "Regenerates the component's typed values from its newly pinned chart (downloaded from the pinned Helm repository) and the chart registry, locks the new pin in charts.lock.yaml (when the repository has one), re-renders every component and adds a changeset for the component.",
  positionals: [{ name: "component", description: "component name or package folder (Renovate passes {{{packageFileDir}}})", required: true }],
  flags: [
    { name: "bump", type: "string", choices: BUMPS, description: "version bump of the component (default patch; Renovate passes {{{updateType}}})" },
    { name: "summary", type: "string", value: "TEXT", description: "changelog entry (default: Chart <name> <version>)" },
    { name: "skip-codegen", type: "boolean", description: "do not regenerate the typed values (they are current)" },
  ],
  async run(args, io) {
    const root = rootOf(args, io.cwd);
    const reference = args.positionals[0]!;
    const pkg = findPackage(await workspacePackages(root), reference);
    if (!pkg?.component) throw new UsageError(`${JSON.stringify(reference)} is not a component package`);
    if (!pkg.chart) {
      throw new HomelabError(ErrorCode.Config, `${pkg.name} pins no chart (homelab.chart in package.json)`, {
        position: { file: path.join(pkg.dir, "package.json") },
      });
    }
    const { chart } = pkg;
    if (args.flags["skip-codegen"] !== true) {
      const { lines } = await runCodegenCli(
        ["--component", pkg.component, "--repo", chart.repository, "--chart", chart.name, "--version", chart.version],
        root,
      );
      io.stdout(`${lines.map((l) => `codegen: ${l}`).join("\n")}\n`);
      // The chart registry lists every pin; `codegen --all` writes it, a one-component run does not.
      const registry = path.join(root, REGISTRY_FILE);
      await writeFile(registry, emitRegistry(await listComponents(root)));
      io.stdout(`codegen: wrote ${REGISTRY_FILE}\n`);
    }
    // A repository that pins charts by digest gets the new pin locked in the same change (fetched, so it is verified once).
    const lock = readLock(root);
    if (lock) {
      const updated = await lockCharts(await componentPins(root), lock, { env: io.env as NodeJS.ProcessEnv, log: (line) => io.stderr(`charts: ${line}\n`) });
      writeLock(root, updated);
      io.stdout(
        `charts: wrote ${LOCK_FILE} (${chart.name} ${chart.version} ${updated.charts.find((c) => c.chart === chart.name && c.version === chart.version)?.digest ?? "not locked"})\n`,
      );
    }
    const rendered = await render({ root });
    io.stdout(`render: ${rendered.written} file(s) written, ${rendered.stale.length} stale file(s) removed\n`);
    const summary = text(args.flags.summary) ?? `Chart ${chart.name} ${chart.version}`;
    const added = await addChangeset({ root, packages: [pkg.name], bump: bumpOf(args), summary });
    io.stdout(`changeset: wrote ${added.file} (${pkg.name} ${bumpOf(args)})\n`);
    return 0;
  },
};

/** `homelab release ...`: the changeset gate, release tags, changesets without prompts, chart upgrades. */
export const releaseCommands: readonly CommandSpec[] = [gateCommand, tagCommand, changesetCommand, chartUpgradeCommand];
