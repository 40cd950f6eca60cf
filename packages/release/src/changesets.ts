import parseChangesetFile from "@changesets/parse";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { git, showFile } from "@homelab/git";

/** Where changesets keeps its config and pending changesets. */
export const CHANGESET_FOLDER = ".changeset";

export type BumpType = "major" | "minor" | "patch" | "none";

export interface Changeset {
  /** File name without `.md`, as changesets names it. */
  id: string;
  /** Repository-relative path. */
  file: string;
  summary: string;
  releases: { name: string; type: BumpType }[];
}

/** A pending changeset file: `.changeset/<id>.md`, not the folder's README. */
export function isChangesetFile(file: string): boolean {
  return new RegExp(`^${CHANGESET_FOLDER}/[^/]+\\.md$`).test(file) && file.toLowerCase() !== `${CHANGESET_FOLDER}/readme.md`;
}

/** Parses a changeset's front matter and summary; a malformed one is the user's error, named by file. */
export function parseChangeset(file: string, content: string): Changeset {
  let parsed: ReturnType<typeof parseChangesetFile>;
  try {
    parsed = parseChangesetFile(content);
  } catch (error) {
    // changesets' messages start with a useful line and then quote the file.
    const [first, ...rest] = ((error as Error).message ?? String(error)).split("\n");
    throw new HomelabError(ErrorCode.Syntax, first!.replace(/^could not parse changeset - /, "changeset: "), {
      position: { file, line: 1 },
      details: rest.filter((l) => l.trim() !== "").slice(0, 6),
      hint: 'a changeset starts with front matter like ---\\n"@homelab/component-traefik": patch\\n---',
    });
  }
  const id = file.slice(file.lastIndexOf("/") + 1).replace(/\.md$/, "");
  return { id, file, summary: parsed.summary, releases: parsed.releases.map((r) => ({ name: r.name, type: r.type as BumpType })) };
}

/**
 * The changesets a range adds or edits, read as they are at `head`. A
 * changeset that is added and consumed (`changeset version`) in the same
 * range is gone at head and not counted; the version bump covers it.
 */
export async function changesetsInRange(root: string, base: string, head: string): Promise<Changeset[]> {
  const out = await git(root, ["diff", "--name-status", "-z", "--no-renames", base, head, "--", CHANGESET_FOLDER]);
  const parts = out.split("\0").filter(Boolean);
  const files: string[] = [];
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const status = parts[i]![0];
    const file = parts[i + 1]!;
    if ((status === "A" || status === "M") && isChangesetFile(file)) files.push(file);
  }
  const changesets: Changeset[] = [];
  for (const file of files.sort()) changesets.push(parseChangeset(file, await showFile(root, head, file)));
  return changesets;
}
