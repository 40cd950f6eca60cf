import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { applicationObjects, buildModel, loadTree, policyConfig } from "@homelab/check";
import { findRoot } from "@homelab/core";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { git, resolveCommit } from "@homelab/git";
import { formatObjectDiffText, objectDiff, type ApplicationObjectDiff, type ApplicationObjects } from "@homelab/pr-report";
import type { CommandSpec } from "../spec.js";

/** The objects every Application of the tree at `root` applies. */
function snapshot(root: string): ApplicationObjects[] {
  const tree = loadTree(root, { root });
  return applicationObjects(buildModel(tree, policyConfig()), tree);
}

/**
 * The tree at a commit, checked out in a temporary worktree (the repository's
 * own object store, nothing fetched) and removed afterwards.
 */
async function atCommit<T>(root: string, commit: string, read: (dir: string) => T): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "homelab-diff-"));
  const worktree = path.join(dir, "base");
  try {
    await git(root, ["worktree", "add", "--detach", "--quiet", worktree, commit]);
    try {
      return read(worktree);
    } finally {
      await git(root, ["worktree", "remove", "--force", worktree]).catch(() => undefined);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The object diff between two commits (each checked out in a temporary worktree), for the PR report. */
export async function objectDiffOf(range: { root: string; base: string; head: string }): Promise<ApplicationObjectDiff[]> {
  const base = await atCommit(range.root, range.base, snapshot);
  const head = await atCommit(range.root, range.head, snapshot);
  return objectDiff(base, head);
}

export const diffCommand: CommandSpec = {
  path: ["diff"],
  summary: "what ArgoCD will change: the rendered objects per Application, base revision against the working tree",
  description:
    "Compares the objects each Application applies (kind/namespace/name added, removed or changed, with the changed fields and a YAML diff) between --base (default HEAD) and the working tree. Run `homelab render` first so the working tree holds the current output. Exit 0 with no change, 1 when objects change, 2 for bad input.",
  positionals: [],
  flags: [
    { name: "base", type: "string", value: "REF", description: "git revision to compare with (default HEAD)" },
    { name: "component", type: "string", multiple: true, value: "NAME", description: "only Applications of this component (repeatable)" },
    { name: "format", type: "string", choices: ["text", "json"], description: "output format (default text)" },
    { name: "no-patch", type: "boolean", description: "list objects and changed fields without the YAML diff" },
  ],
  async run(args, io) {
    const root = typeof args.flags.root === "string" ? path.resolve(io.cwd, args.flags.root) : findRoot(io.cwd);
    const ref = typeof args.flags.base === "string" ? args.flags.base : "HEAD";
    const commit = await resolveCommit(root, ref).catch((error: unknown) => {
      throw error instanceof HomelabError ? error : new HomelabError(ErrorCode.Usage, `unknown git revision ${JSON.stringify(ref)}`);
    });
    const base = await atCommit(root, commit, snapshot);
    const head = snapshot(root);
    const only = args.flags.component ? new Set(args.flags.component as string[]) : null;
    const diffs = objectDiff(base, head).filter((d) => only === null || only.has(d.component));
    if (args.flags.format === "json") io.stdout(`${JSON.stringify({ base: commit, head: "working tree", applications: diffs }, null, 2)}\n`);
    else {
      io.stdout(`Rendered objects: ${ref} (${commit.slice(0, 12)}) → working tree\n\n`);
      io.stdout(formatObjectDiffText(diffs, { patches: !args.flags["no-patch"] }));
    }
    return diffs.length > 0 ? 1 : 0;
  },
};
