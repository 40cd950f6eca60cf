import { findRoot } from "@homelab/core";
import { UsageError } from "@homelab/errors";
import { actionsContext } from "@homelab/pr-report";
import { addChangeset, changesetGate, formatGate, formatGateAnnotations, formatTags, releaseTags } from "@homelab/release";
import { chartUpgrade as upgrade } from "../chart-upgrade.js";
import type { Io } from "../spec.js";
import type { ChangesetArgs, ChartUpgradeArgs, GateArgs, TagArgs } from "./release.js";

/** A flag's value, an empty one counting as not given. */
function text(value: string | undefined): string | undefined {
  return value === "" ? undefined : value;
}

const rootOf = (root: string | undefined, io: Io): string => text(root) ?? findRoot(io.cwd);

export async function gate(args: GateArgs, io: Io): Promise<number> {
  const root = rootOf(args.flags.root, io);
  const context = await actionsContext(io.env);
  const base = text(args.flags.base) ?? context.base;
  if (!base) throw new UsageError("no base revision", "pass --base REV (GitHub Actions and nx-set-shas provide it)");
  const result = await changesetGate({ root, base, head: text(args.flags.head) ?? context.head ?? "HEAD", mergeBase: !args.flags["exact-base"] });
  if (args.flags.format === "json") io.stdout(`${JSON.stringify(result, null, 2)}\n`);
  else (result.ok ? io.stdout : io.stderr)(formatGate(result));
  if (args.flags.format === "github") io.stdout(formatGateAnnotations(result));
  return result.ok ? 0 : 1;
}

export async function tag(args: TagArgs, io: Io): Promise<number> {
  const dryRun = args.flags["dry-run"];
  const push = text(args.flags.push);
  const result = await releaseTags({ root: rootOf(args.flags.root, io), ref: text(args.flags.ref) ?? "HEAD", dryRun, ...(push ? { push } : {}) });
  io.stdout(formatTags(result, dryRun));
  return 0;
}

export async function changeset(args: ChangesetArgs, io: Io): Promise<number> {
  const summary = text(args.flags.summary);
  if (!summary) throw new UsageError("--summary is required", "say what changed: it becomes the changelog entry");
  const added = await addChangeset({ root: rootOf(args.flags.root, io), packages: args.positionals, bump: args.flags.bump ?? "patch", summary });
  io.stdout(`changeset: wrote ${added.file} (${added.releases.map((r) => `${r.name} ${r.type}`).join(", ")})\n`);
  return 0;
}

export async function chartUpgrade(args: ChartUpgradeArgs, io: Io): Promise<number> {
  await upgrade({
    root: rootOf(args.flags.root, io),
    component: args.positionals[0]!,
    bump: args.flags.bump ?? "patch",
    summary: text(args.flags.summary),
    skipCodegen: args.flags["skip-codegen"],
    env: io.env,
    log: (line) => io.stdout(`${line}\n`),
    lockLog: (line) => io.stderr(`charts: ${line}\n`),
  });
  return 0;
}
