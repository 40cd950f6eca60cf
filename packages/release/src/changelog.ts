import { execFile } from "node:child_process";

/** What changesets hands a changelog generator (the part used here). */
export interface ChangelogChangeset {
  id: string;
  summary: string;
  /** The commit that added the changeset; absent when git could not tell. */
  commit?: string;
}

export interface ChangelogDependency {
  name: string;
  newVersion: string;
}

/** Options from `.changeset/config.json`: `["@homelab/release/changelog", { "repo": "owner/name" }]`. */
export interface ChangelogOptions {
  /** `owner/name`; default GITHUB_REPOSITORY, then the `origin` remote when it is on GitHub. */
  repo?: string;
}

export interface ChangelogFunctions {
  getReleaseLine(changeset: ChangelogChangeset, type: string, options: ChangelogOptions | null): Promise<string>;
  getDependencyReleaseLine(changesets: ChangelogChangeset[], dependencies: ChangelogDependency[], options: ChangelogOptions | null): Promise<string>;
}

function run(cwd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd }, (error, stdout) => resolve(error ? null : stdout));
  });
}

/** `owner/name` from a GitHub remote URL (https or ssh), else null. */
export function githubRepoFromUrl(url: string): string | null {
  const match = /github\.com[:/]([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match ? `${match[1]}/${match[2]}` : null;
}

/** The PR number a commit message names: GitHub's squash title `... (#12)` or merge title `Merge pull request #12 from ...`. */
export function prFromMessage(subject: string): number | null {
  const match = /\(#(\d+)\)\s*$/.exec(subject) ?? /^Merge pull request #(\d+) /.exec(subject);
  return match ? Number(match[1]) : null;
}

/**
 * Changelog lines for `changeset version`: with a GitHub repository known
 * (GITHUB_REPOSITORY in Actions, or the origin remote) each entry links its
 * pull request and commit; offline it is the short commit and the summary.
 * Only local git is read, never the network, so it runs anywhere.
 */
export function createChangelog(context: { cwd: string; env: Readonly<Record<string, string | undefined>> }): ChangelogFunctions {
  let repoPromise: Promise<string | null> | undefined;
  const repoOf = (options: ChangelogOptions | null) =>
    (repoPromise ??= (async () => {
      if (options?.repo) return options.repo;
      if (context.env.GITHUB_REPOSITORY) return context.env.GITHUB_REPOSITORY;
      const url = await run(context.cwd, ["remote", "get-url", "origin"]);
      return url ? githubRepoFromUrl(url) : null;
    })());
  const server = (context.env.GITHUB_SERVER_URL || "https://github.com").replace(/\/$/, "");

  /** The PR that brought a commit to the current branch: its own squash title, else the first merge after it. */
  async function prOf(commit: string): Promise<number | null> {
    const subject = await run(context.cwd, ["log", "-1", "--format=%s", commit]);
    const own = subject ? prFromMessage(subject.trim()) : null;
    if (own !== null) return own;
    const merges = await run(context.cwd, ["log", "--merges", "--ancestry-path", "--reverse", "--format=%s", `${commit}..HEAD`]);
    for (const line of (merges ?? "").split("\n")) {
      const pr = /^Merge pull request #(\d+) /.exec(line);
      if (pr) return Number(pr[1]);
    }
    return null;
  }

  return {
    async getReleaseLine(changeset, _type, options) {
      const [first = "", ...rest] = changeset.summary.split("\n").map((l) => l.trimEnd());
      const commit = changeset.commit;
      const repo = commit ? await repoOf(options) : null;
      let prefix = "";
      if (commit && repo) {
        const pr = await prOf(commit);
        const links = [pr !== null ? `[#${pr}](${server}/${repo}/pull/${pr})` : null, `[\`${commit.slice(0, 7)}\`](${server}/${repo}/commit/${commit})`];
        prefix = `${links.filter(Boolean).join(" ")} `;
      } else if (commit) {
        prefix = `${commit.slice(0, 7)}: `;
      }
      return [`- ${prefix}${first}`, ...rest.map((l) => (l ? `  ${l}` : ""))].join("\n");
    },
    async getDependencyReleaseLine(_changesets, dependencies) {
      if (dependencies.length === 0) return "";
      return ["- Updated dependencies", ...dependencies.map((d) => `  - ${d.name}@${d.newVersion}`)].join("\n");
    },
  };
}

const changelog: ChangelogFunctions = createChangelog({ cwd: process.cwd(), env: process.env });
export const { getReleaseLine, getDependencyReleaseLine } = changelog;
export default changelog;
