/**
 * The objects each Application applies at two revisions (`homelab diff`, the PR report's object diff): charts
 * hydrated in memory when Helm's engine and the chart packages are available, else this repository's folders.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { applicationObjects, buildModel, loadTree, policyConfig } from "@homelab/check";
import { homelab } from "@homelab/cluster";
import { HomelabError } from "@homelab/errors";
import { git } from "@homelab/git";
import { objectDiff, type ApplicationObjectDiff, type ApplicationObjects } from "@homelab/pr-report";

/** The objects every Application of the tree at `root` applies from this repository's folders. */
function manifestSnapshot(root: string): ApplicationObjects[] {
  const tree = loadTree(root, { root });
  return applicationObjects(buildModel(tree, policyConfig()), tree);
}

export interface SnapshotOptions {
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
      engine: module.cachedHelmEngine(),
      charts,
      write: false,
    });
    return {
      apps: result.applications.map((a) => ({
        application: a.index.application,
        component: a.index.component,
        // What ArgoCD applies: not what its resource.exclusions/inclusions keep out.
        objects: a.objects
          .filter((o) => !o.record.excluded)
          .map((o) => ({
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
export async function snapshots(
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
