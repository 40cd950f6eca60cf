import { access, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { CHANGESET_FOLDER, type BumpType } from "./changesets.js";
import { findPackage, workspacePackages } from "./workspace.js";

export interface AddChangesetOptions {
  /** Repository root. */
  root: string;
  /** Component names, package names or package folders (a package.json path works too). */
  packages: readonly string[];
  bump: Exclude<BumpType, "none">;
  /** The changelog entry; its first line is the headline. */
  summary: string;
}

export interface AddedChangeset {
  id: string;
  /** Repository-relative path of the written file. */
  file: string;
  releases: { name: string; type: Exclude<BumpType, "none"> }[];
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/, "");
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a changeset without prompts (what `npx changeset` writes
 * interactively): for scripts such as Renovate's post-upgrade tasks. The file
 * name comes from the summary, so the same update gives the same file.
 */
export async function addChangeset(options: AddChangesetOptions): Promise<AddedChangeset> {
  if (options.packages.length === 0) throw new UsageError("name at least one component or package");
  const summary = options.summary.trim();
  if (summary === "") throw new UsageError("the summary is empty", "say what changed: it becomes the changelog entry");
  const all = await workspacePackages(options.root);
  const releases: AddedChangeset["releases"] = [];
  const unknown: string[] = [];
  for (const reference of options.packages) {
    const pkg = findPackage(all, reference);
    if (!pkg) unknown.push(reference);
    else if (!releases.some((r) => r.name === pkg.name)) releases.push({ name: pkg.name, type: options.bump });
  }
  if (unknown.length > 0) {
    throw new UsageError(
      `not a workspace package or component: ${unknown.join(", ")}`,
      `components: ${all
        .filter((p) => p.component)
        .map((p) => p.component)
        .join(", ")}`,
    );
  }
  const base = slug(summary.split("\n")[0]!) || "changeset";
  let id = base;
  for (let n = 2; await exists(path.join(options.root, CHANGESET_FOLDER, `${id}.md`)); n++) id = `${base}-${n}`;
  const file = `${CHANGESET_FOLDER}/${id}.md`;
  const body = `---\n${releases.map((r) => `${JSON.stringify(r.name)}: ${r.type}`).join("\n")}\n---\n\n${summary}\n`;
  try {
    await mkdir(path.join(options.root, CHANGESET_FOLDER), { recursive: true });
    await writeFile(path.join(options.root, file), body, { flag: "wx" });
  } catch (error) {
    throw new HomelabError(ErrorCode.Io, `cannot write the changeset: ${(error as NodeJS.ErrnoException).code ?? String(error)}`, {
      position: { file },
      cause: error,
    });
  }
  return { id, file, releases };
}
