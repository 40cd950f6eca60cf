/**
 * The rendered diff between two git revisions: the render records at each
 * (parsed by @homelab/layout, their owner) say which files belong to which
 * component, git says what changed. Lives here, beside the plumbing it reads
 * history with, so the PR report and the release gate both import it and
 * neither depends on the other.
 */
import { git, listFiles, showFile } from "./plumbing.js";
import { RECORDS_FOLDER, parseRenderRecord } from "@homelab/layout";

export interface ChartRef {
  repoURL: string;
  chart: string;
  version: string;
}

/**
 * The part of the render record the report reads. Records are parsed by
 * @homelab/layout, which also reads records written before schemaVersion.
 */
export interface RecordSnapshot {
  component: string;
  package: string | null;
  version: string | null;
  layer: string | null;
  chart: ChartRef | null;
  files: string[];
}

export type ComponentChange = "added" | "removed" | "changed" | "unchanged";

export interface FileDiff {
  path: string;
  status: "added" | "removed" | "changed";
  additions: number;
  deletions: number;
  /** Unified diff of the file as git prints it (header and hunks). */
  patch: string;
}

export interface ComponentDiff {
  component: string;
  package: string | null;
  layer: string | null;
  change: ComponentChange;
  base: { version: string | null; chart: ChartRef | null } | null;
  head: { version: string | null; chart: ChartRef | null } | null;
  /** Chart repo, name or version differ between base and head. */
  chartChanged: boolean;
  versionChanged: boolean;
  files: FileDiff[];
  additions: number;
  deletions: number;
}

function parseRecord(text: string, where: string): RecordSnapshot {
  const record = parseRenderRecord(text, where);
  return {
    component: record.component,
    package: record.package,
    version: record.version,
    layer: record.layer,
    chart: record.chart ? { ...record.chart } : null,
    files: Object.keys(record.files).sort(),
  };
}

/** Every render record at a commit, by component name. */
export async function readRecordsAt(root: string, commit: string): Promise<Map<string, RecordSnapshot>> {
  const records = new Map<string, RecordSnapshot>();
  for (const file of await listFiles(root, commit, RECORDS_FOLDER)) {
    if (!file.endsWith(".json")) continue;
    const record = parseRecord(await showFile(root, commit, file), `${commit.slice(0, 12)}:${file}`);
    records.set(record.component, record);
  }
  return records;
}

function countLines(patch: string): { additions: number; deletions: number } {
  let additions = 0;
  let deletions = 0;
  let inHunk = false;
  for (const line of patch.split("\n")) {
    if (line.startsWith("@@")) inHunk = true;
    else if (!inHunk) continue;
    else if (line.startsWith("+")) additions += 1;
    else if (line.startsWith("-")) deletions += 1;
  }
  return { additions, deletions };
}

/** Splits `git diff` output into one patch per file, keyed by the candidate path its header names. */
function splitPatches(output: string, candidates: readonly string[]): Map<string, string> {
  const byHeader = new Map(candidates.map((p) => [`diff --git a/${p} b/${p}`, p]));
  const patches = new Map<string, string>();
  const chunks = output.split(/^(?=diff --git )/m).filter((c) => c.startsWith("diff --git "));
  for (const chunk of chunks) {
    const header = chunk.slice(0, chunk.indexOf("\n") === -1 ? undefined : chunk.indexOf("\n"));
    const file = byHeader.get(header);
    if (file !== undefined) patches.set(file, chunk.replace(/\n$/, ""));
  }
  return patches;
}

const STATUS: Record<string, FileDiff["status"]> = { A: "added", D: "removed", M: "changed", T: "changed" };

function sameChart(a: ChartRef | null, b: ChartRef | null): boolean {
  return a?.repoURL === b?.repoURL && a?.chart === b?.chart && a?.version === b?.version;
}

/**
 * The rendered diff per component between two commits: which components were
 * added, removed or changed, their chart and version changes, and the patch of
 * every rendered file that differs. Git is the source of truth for content; the
 * records say which files belong to which component.
 */
export async function renderedDiff(options: { root: string; base: string; head: string }): Promise<ComponentDiff[]> {
  const { root, base, head } = options;
  const [before, after] = await Promise.all([readRecordsAt(root, base), readRecordsAt(root, head)]);
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const owner = new Map<string, string>();
  for (const name of names) {
    for (const file of [...(before.get(name)?.files ?? []), ...(after.get(name)?.files ?? [])]) owner.set(file, name);
  }
  const allFiles = [...owner.keys()].sort();

  const statuses = new Map<string, FileDiff["status"]>();
  if (allFiles.length > 0) {
    const out = await git(root, ["diff", "--name-status", "-z", "--no-renames", base, head, "--", ...allFiles]);
    const parts = out.split("\0").filter(Boolean);
    for (let i = 0; i + 1 < parts.length; i += 2) statuses.set(parts[i + 1]!, STATUS[parts[i]![0]!] ?? "changed");
  }
  const changedFiles = [...statuses.keys()].sort();
  const patches =
    changedFiles.length > 0
      ? splitPatches(await git(root, ["diff", "--no-color", "--no-ext-diff", "--no-renames", "-U3", base, head, "--", ...changedFiles]), changedFiles)
      : new Map<string, string>();

  return names.map((name): ComponentDiff => {
    const b = before.get(name);
    const a = after.get(name);
    const files = changedFiles
      .filter((f) => owner.get(f) === name)
      .map((f): FileDiff => {
        const patch = patches.get(f) ?? "";
        return { path: f, status: statuses.get(f)!, ...countLines(patch), patch };
      });
    const chartChanged = !!a && !!b && !sameChart(a.chart, b.chart);
    const versionChanged = !!a && !!b && a.version !== b.version;
    const change: ComponentChange = !b ? "added" : !a ? "removed" : files.length > 0 || chartChanged || versionChanged ? "changed" : "unchanged";
    const record = a ?? b!;
    return {
      component: name,
      package: record.package,
      layer: record.layer,
      change,
      base: b ? { version: b.version, chart: b.chart } : null,
      head: a ? { version: a.version, chart: a.chart } : null,
      chartChanged,
      versionChanged,
      files,
      additions: files.reduce((n, f) => n + f.additions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
    };
  });
}
