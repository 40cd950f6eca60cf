import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { applicationObjects, buildModel, loadTree, policyConfig } from "@homelab/check";
import { homelab } from "@homelab/cluster";
import { findRoot } from "@homelab/core";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { git, resolveCommit } from "@homelab/git";
import { formatObjectDiffText, objectDiff, type ApplicationObjectDiff, type ApplicationObjects } from "@homelab/pr-report";
import type { CommandSpec } from "../spec.js";

/** The objects every Application of the tree at `root` applies from this repository's folders. */
function manifestSnapshot(root: string): ApplicationObjects[] {
  const tree = loadTree(root, { root });
  return applicationObjects(buildModel(tree, policyConfig()), tree);
}

interface SnapshotOptions {
  /** A folder of `<chart>/<version>/` chart packages; default: the chart lock's cache. */
  chartsDir?: string;
  repoURL: string;
}

/**
 * Every object each Application applies, charts included: hydrated in memory
 * (nothing written) with Helm's engine. Null when the engine or the charts are
 * not available here, with the reason, so the diff can still show our folders' objects.
 */
async function hydratedSnapshot(root: string, options: SnapshotOptions): Promise<{ apps: ApplicationObjects[] } | { missing: string }> {
  let module: typeof import("@homelab/hydrate");
  try {
    module = await import("@homelab/hydrate");
  } catch (error) {
    return { missing: `Helm's engine cannot be loaded (${(error as Error).message.split("\n")[0]})` };
  }
  try {
    const charts = options.chartsDir ? module.mirrorChartResolver(options.chartsDir) : module.defaultChartResolver(root);
    const result = await module.hydrate({
      root,
      repoURL: options.repoURL,
      kubeVersion: homelab.kubernetes.version,
      engine: module.helmEngine,
      charts,
      write: false,
    });
    return {
      apps: result.applications.map((a) => ({
        application: a.index.application,
        component: a.index.component,
        objects: a.objects.map((o) => ({
          apiVersion: o.record.apiVersion,
          kind: o.record.kind,
          namespace: o.record.namespace,
          name: o.record.name,
          value: o.value,
        })),
      })),
    };
  } catch (error) {
    // Whatever stops hydration (no engine, no chart package, a definition hydrate refuses) is `homelab hydrate`'s to
    // report; the diff still shows the objects of our folders and says why the charts' are missing.
    if (error instanceof HomelabError) return { missing: error.message };
    throw error;
  }
}

/** Both trees the same way: hydrated when both can be, else our folders' objects only (and why). */
async function snapshots(
  root: string,
  commit: string,
  head: string | null,
  options: SnapshotOptions,
): Promise<{ base: ApplicationObjects[]; head: ApplicationObjects[]; note: string | null }> {
  const at = (dir: string | null, read: (d: string) => Promise<unknown>) => (dir === null ? read(root) : atCommit(root, dir, read));
  const hydratedHead = (await at(head, (d) => hydratedSnapshot(d, options))) as Awaited<ReturnType<typeof hydratedSnapshot>>;
  if ("apps" in hydratedHead) {
    const hydratedBase = await atCommit(root, commit, (d) => hydratedSnapshot(d, options));
    if ("apps" in hydratedBase) return { base: hydratedBase.apps, head: hydratedHead.apps, note: null };
  }
  const reason = "missing" in hydratedHead ? hydratedHead.missing : "the base could not be hydrated";
  return {
    base: await atCommit(root, commit, async (d) => manifestSnapshot(d)),
    head: (await at(head, async (d) => manifestSnapshot(d))) as ApplicationObjects[],
    note: `charts' objects left out (${reason}); showing the objects of this repository's folders`,
  };
}

/**
 * The tree at a commit, checked out in a temporary worktree (the repository's
 * own object store, nothing fetched) and removed afterwards.
 */
async function atCommit<T>(root: string, commit: string, read: (dir: string) => T | Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "homelab-diff-"));
  const worktree = path.join(dir, "base");
  try {
    await git(root, ["worktree", "add", "--detach", "--quiet", worktree, commit]);
    try {
      return await read(worktree);
    } finally {
      await git(root, ["worktree", "remove", "--force", worktree]).catch(() => undefined);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The object diff between two commits (each checked out in a temporary worktree), for the PR report. */
export async function objectDiffOf(
  range: { root: string; base: string; head: string },
  options: Partial<SnapshotOptions> = {},
): Promise<ApplicationObjectDiff[]> {
  const { base, head } = await snapshots(range.root, range.base, range.head, {
    repoURL: options.repoURL ?? homelab.git.repoURL,
    ...(options.chartsDir ? { chartsDir: options.chartsDir } : {}),
  });
  return objectDiff(base, head);
}

export const diffCommand: CommandSpec = {
  path: ["diff"],
  summary: "what ArgoCD will change: the rendered objects per Application, base revision against the working tree",
  description:
    "Compares the objects each Application applies (kind/namespace/name added, removed or changed, with the changed fields and a YAML diff) between --base (default HEAD) and the working tree, charts hydrated with Helm's engine when it and the chart packages are available (else this repository's folders only, said on stderr). Run `homelab render` first so the working tree holds the current output. Exit 0 with no change, 1 when objects change, 2 for bad input.",
  positionals: [],
  flags: [
    { name: "base", type: "string", value: "REF", description: "git revision to compare with (default HEAD)" },
    { name: "component", type: "string", multiple: true, value: "NAME", description: "only Applications of this component (repeatable)" },
    { name: "format", type: "string", choices: ["text", "json"], description: "output format (default text)" },
    { name: "no-patch", type: "boolean", description: "list objects and changed fields without the YAML diff" },
    {
      name: "charts-dir",
      type: "string",
      value: "DIR",
      description: "chart packages as <chart>/<version>/ folders (default: HOMELAB_CHART_PACKAGES_DIR, else the chart lock's cache)",
    },
    { name: "repo-url", type: "string", value: "URL", description: "this repository's URL as Applications name it (default: the cluster facts')" },
  ],
  async run(args, io) {
    const root = typeof args.flags.root === "string" ? path.resolve(io.cwd, args.flags.root) : findRoot(io.cwd);
    const ref = typeof args.flags.base === "string" ? args.flags.base : "HEAD";
    const commit = await resolveCommit(root, ref).catch((error: unknown) => {
      throw error instanceof HomelabError ? error : new HomelabError(ErrorCode.Usage, `unknown git revision ${JSON.stringify(ref)}`);
    });
    const chartsDir = typeof args.flags["charts-dir"] === "string" ? path.resolve(io.cwd, args.flags["charts-dir"]) : io.env.HOMELAB_CHART_PACKAGES_DIR;
    const repoURL = typeof args.flags["repo-url"] === "string" ? args.flags["repo-url"] : homelab.git.repoURL;
    const { base, head, note } = await snapshots(root, commit, null, { repoURL, ...(chartsDir ? { chartsDir } : {}) });
    if (note) io.stderr(`diff: ${note}\n`);
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
