import { git, resolveCommit } from "@homelab/git";
import { tagName, workspacePackagesAt } from "./workspace.js";

export interface ReleaseTag {
  /** `traefik@0.2.0`, `@homelab/core@0.2.0`. */
  tag: string;
  package: string;
  component: string | null;
  version: string;
}

export interface TagOptions {
  /** Repository root (a git work tree). */
  root: string;
  /** Commit to tag and to read versions from. Default `HEAD`. */
  ref?: string;
  /** Remote to push the created tags to (e.g. `origin`); nothing is pushed without it. */
  push?: string;
  /** Compute, create nothing. */
  dryRun?: boolean;
}

export interface TagResult {
  /** Full SHA of the tagged commit. */
  commit: string;
  /** Tags this run created (or, in a dry run, would create). */
  created: ReleaseTag[];
  /** Tags of current versions that already existed. */
  existing: ReleaseTag[];
  /** The remote the created tags were pushed to; null when not pushed. */
  pushed: string | null;
}

/**
 * Tags every workspace package's current version that has no tag yet, on the
 * commit whose package.json files hold those versions: after the release PR
 * merges, each bumped component gets `<component>@<version>`. Idempotent: run
 * on every push to main, it creates only what is missing. Tags are
 * lightweight, like `changeset tag`'s, so no committer identity is needed.
 */
export async function releaseTags(options: TagOptions): Promise<TagResult> {
  const root = options.root;
  const commit = await resolveCommit(root, options.ref ?? "HEAD");
  const packages = await workspacePackagesAt(root, commit);
  const have = new Set((await git(root, ["tag", "--list"])).split("\n").filter(Boolean));
  const created: ReleaseTag[] = [];
  const existing: ReleaseTag[] = [];
  for (const pkg of packages) {
    const tag = tagName(pkg);
    if (tag === null) continue;
    const entry: ReleaseTag = { tag, package: pkg.name, component: pkg.component, version: pkg.version! };
    (have.has(tag) ? existing : created).push(entry);
  }
  const byTag = (a: ReleaseTag, b: ReleaseTag) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);
  created.sort(byTag);
  existing.sort(byTag);
  if (options.dryRun) return { commit, created, existing, pushed: null };
  for (const t of created) await git(root, ["tag", t.tag, commit]);
  let pushed: string | null = null;
  if (options.push && created.length > 0) {
    await git(root, ["push", "--quiet", options.push, ...created.map((t) => `refs/tags/${t.tag}`)]);
    pushed = options.push;
  }
  return { commit, created, existing, pushed };
}

/** What a tag run did, one line per created tag. Avoids the words `New tag:`: changesets/action would read them as npm publishes. */
export function formatTags(result: TagResult, dryRun = false): string {
  const lines = [
    `release tags at ${result.commit.slice(0, 12)}: ${result.created.length} ${dryRun ? "to create" : "created"}, ${result.existing.length} already present${result.pushed ? `, pushed to ${result.pushed}` : ""}`,
    ...result.created.map((t) => `  ${dryRun ? "would tag" : "tagged"} ${t.tag}`),
  ];
  return `${lines.join("\n")}\n`;
}
