import { mergeBase, renderedDiff, resolveCommit } from "@homelab/git";
import { changesetsInRange, type Changeset } from "./changesets.js";
import { workspacePackagesAt } from "./workspace.js";

/** Why a component with a rendered change passes the gate. */
export type Coverage = "changeset" | "version bump" | "new component" | "removed component";

export interface GateComponent {
  component: string;
  package: string;
  change: "added" | "removed" | "changed";
  /** Rendered files that differ between base and head. */
  files: number;
  covered: boolean;
  /** null when not covered. */
  by: Coverage | null;
  /** Ids of the changesets in the range that bump the package. */
  changesets: string[];
  /** Why it fails; null when covered. */
  reason: string | null;
}

export interface GateResult {
  /** No uncovered component and no changeset naming an unknown package. */
  ok: boolean;
  /** Full SHAs of the compared commits (base is the merge base unless turned off). */
  base: string;
  head: string;
  /** Every component whose rendered output differs between base and head. */
  components: GateComponent[];
  uncovered: GateComponent[];
  /** Changesets the range adds or edits. */
  changesets: Changeset[];
  /** Front-matter names that are no workspace package at head: `changeset version` would fail on them. */
  unknownPackages: { changeset: string; file: string; name: string }[];
}

export interface GateOptions {
  /** Repository root (a git work tree). */
  root: string;
  base: string;
  /** Default `HEAD`. */
  head?: string;
  /** Compare from the merge base of base and head (default true), like a PR's diff. */
  mergeBase?: boolean;
}

/** A component's package name when an old render record does not carry it. */
function packageOf(component: string, recorded: string | null): string {
  return recorded ?? `@homelab/component-${component}`;
}

/**
 * The changeset gate: every component whose rendered output changed between
 * base and head must be released, by a changeset in the range that bumps its
 * package, or by the version bump itself (the release PR `changeset version`
 * makes, whose only rendered change is the version stamp). A new component is
 * released at its initial version and a removed one has nothing to release.
 */
export async function changesetGate(options: GateOptions): Promise<GateResult> {
  const root = options.root;
  const head = await resolveCommit(root, options.head ?? "HEAD");
  const given = await resolveCommit(root, options.base);
  const base = options.mergeBase === false ? given : await mergeBase(root, given, head);
  const [diffs, changesets, packages] = await Promise.all([
    renderedDiff({ root, base, head }),
    changesetsInRange(root, base, head),
    workspacePackagesAt(root, head),
  ]);

  const components: GateComponent[] = [];
  for (const diff of diffs) {
    if (diff.change === "unchanged") continue;
    const pkg = packageOf(diff.component, diff.package);
    const naming = changesets.flatMap((cs) => cs.releases.filter((r) => r.name === pkg).map((r) => ({ id: cs.id, type: r.type })));
    const bumping = naming.filter((r) => r.type !== "none").map((r) => r.id);
    let by: Coverage | null = null;
    if (diff.change === "added") by = "new component";
    else if (diff.change === "removed") by = "removed component";
    else if (diff.versionChanged) by = "version bump";
    else if (bumping.length > 0) by = "changeset";
    let reason: string | null = null;
    if (by === null) {
      reason =
        naming.length > 0
          ? `its changeset (${naming.map((r) => r.id).join(", ")}) bumps ${pkg} by "none", which releases nothing`
          : `rendered output changed (${diff.files.length} file${diff.files.length === 1 ? "" : "s"}) without a changeset for ${pkg}`;
    }
    components.push({
      component: diff.component,
      package: pkg,
      change: diff.change,
      files: diff.files.length,
      covered: by !== null,
      by,
      changesets: bumping,
      reason,
    });
  }

  const known = new Set(packages.map((p) => p.name));
  const unknownPackages = changesets.flatMap((cs) =>
    cs.releases.filter((r) => !known.has(r.name)).map((r) => ({ changeset: cs.id, file: cs.file, name: r.name })),
  );
  const uncovered = components.filter((c) => !c.covered);
  return { ok: uncovered.length === 0 && unknownPackages.length === 0, base, head, components, uncovered, changesets, unknownPackages };
}

/** The non-interactive command that adds the missing changeset for these components. */
export function addChangesetCommand(components: readonly string[]): string {
  return `npx homelab release changeset ${components.join(" ")} --bump patch --summary "<what changed>"`;
}

/** The gate's verdict for a terminal or a CI log: each uncovered component and how to add its changeset. */
export function formatGate(result: GateResult): string {
  const lines: string[] = [];
  const range = `${result.base.slice(0, 12)}..${result.head.slice(0, 12)}`;
  if (result.ok) {
    const covered = result.components.map((c) => `  ${c.component}: ${c.by}${c.by === "changeset" ? ` (${c.changesets.join(", ")})` : ""}`);
    lines.push(
      result.components.length === 0
        ? `changesets: no component's rendered output changed in ${range}`
        : `changesets: every changed component is released (${range}):`,
      ...covered,
    );
    return `${lines.join("\n")}\n`;
  }
  if (result.uncovered.length > 0) {
    const n = result.uncovered.length;
    lines.push(`changesets: ${n} component${n === 1 ? "" : "s"} changed without a changeset (${range}):`);
    for (const c of result.uncovered) {
      lines.push(`  ${c.component} (${c.package}): ${c.reason}`);
      lines.push(`    add one: npx changeset  (select ${c.package}, describe the change)`);
    }
    lines.push(`  or, without prompts: ${addChangesetCommand(result.uncovered.map((c) => c.component))}`);
  }
  for (const u of result.unknownPackages) {
    lines.push(`changesets: ${u.file} names ${JSON.stringify(u.name)}, which is no workspace package (changeset version would fail)`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * GitHub Actions workflow commands for the gate (`--format github`): an `::error::` per uncovered component and
 * per unknown package, so the run's summary and the PR's checks list each one.
 */
export function formatGateAnnotations(result: GateResult): string {
  const escape = (value: string) => value.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const lines: string[] = [];
  for (const c of result.uncovered) {
    lines.push(`::error title=${escape(`changeset missing: ${c.component}`)}::${escape(`${c.reason ?? ""}. Add one: npx changeset (select ${c.package})`)}`);
  }
  for (const u of result.unknownPackages) {
    lines.push(`::error file=${escape(u.file)},line=1,title=unknown package in changeset::${escape(`${u.name} is no workspace package`)}`);
  }
  return lines.map((line) => `${line}\n`).join("");
}
