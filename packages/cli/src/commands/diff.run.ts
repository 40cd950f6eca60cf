import path from "node:path";
import { homelab } from "@homelab/cluster";
import { findRoot } from "@homelab/core";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { resolveCommit } from "@homelab/git";
import { formatObjectDiffText, objectDiff } from "@homelab/pr-report";
import { snapshots } from "../object-diff.js";
import type { Io } from "../spec.js";
import type { DiffArgs } from "./diff.js";

export async function run(args: DiffArgs, io: Io): Promise<number> {
  const root = args.flags.root !== undefined ? path.resolve(io.cwd, args.flags.root) : findRoot(io.cwd);
  const ref = args.flags.base ?? "HEAD";
  const commit = await resolveCommit(root, ref).catch((error: unknown) => {
    throw error instanceof HomelabError ? error : new HomelabError(ErrorCode.Usage, `unknown git revision ${JSON.stringify(ref)}`);
  });
  const chartsDir = args.flags["charts-dir"] !== undefined ? path.resolve(io.cwd, args.flags["charts-dir"]) : io.env.HOMELAB_CHART_PACKAGES_DIR;
  const repoURL = args.flags["repo-url"] ?? homelab.git.repoURL;
  const { base, head, note } = await snapshots(root, commit, null, { repoURL, ...(chartsDir ? { chartsDir } : {}) });
  if (note) io.stderr(`diff: ${note}\n`);
  const only = args.flags.component.length > 0 ? new Set(args.flags.component) : null;
  const diffs = objectDiff(base, head).filter((d) => only === null || only.has(d.component));
  if (args.flags.format === "json") io.stdout(`${JSON.stringify({ base: commit, head: "working tree", applications: diffs }, null, 2)}\n`);
  else {
    io.stdout(`Rendered objects: ${ref} (${commit.slice(0, 12)}) → working tree\n\n`);
    io.stdout(formatObjectDiffText(diffs, { patches: !args.flags["no-patch"] }));
  }
  return diffs.length > 0 ? 1 : 0;
}
