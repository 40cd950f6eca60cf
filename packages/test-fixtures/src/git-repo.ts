import { execFile } from "node:child_process";
import { mkdir, mkdtemp, realpath, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** A throwaway git repository in the system temp folder. */
export interface TempGitRepo {
  /** Absolute path of the working tree. */
  readonly dir: string;
  /** Runs git in the repository and returns its stdout; rejects with git's stderr on failure. */
  git(...args: string[]): Promise<string>;
  /** Writes files (repository-relative paths, parents created); `null` deletes the file. */
  write(files: Readonly<Record<string, string | null>>): Promise<void>;
  /** Writes the files (if given), stages everything and commits; returns the full commit SHA. */
  commit(message: string, files?: Readonly<Record<string, string | null>>): Promise<string>;
  /** Deletes the repository. */
  cleanup(): Promise<void>;
}

/**
 * Git's environment for tests: no user or system config (a developer's hooks,
 * signing or templates would change results), fixed identity and clock so
 * commit SHAs are the same on every machine.
 */
function gitEnv(commitIndex: number): NodeJS.ProcessEnv {
  const date = `${1_700_000_000 + commitIndex * 60} +0000`;
  return {
    PATH: process.env.PATH,
    HOME: tmpdir(),
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Test Author",
    GIT_AUTHOR_EMAIL: "author@example.invalid",
    GIT_COMMITTER_NAME: "Test Author",
    GIT_COMMITTER_EMAIL: "author@example.invalid",
    GIT_AUTHOR_DATE: date,
    GIT_COMMITTER_DATE: date,
    LC_ALL: "C",
  };
}

export function runGit(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = gitEnv(0)): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`git ${args.join(" ")} failed: ${stderr.trim() || error.message}`));
      else resolve(stdout);
    });
  });
}

/** Creates an empty repository on branch `main`. Call `cleanup()` in `afterEach`. */
export async function createTempGitRepo(prefix = "homelab-git-"): Promise<TempGitRepo> {
  // realpath: macOS temp folders are symlinks and git reports the resolved path.
  const dir = await realpath(await mkdtemp(path.join(tmpdir(), prefix)));
  let commits = 0;
  const git = (...args: string[]) => runGit(dir, args, gitEnv(commits));
  await git("init", "--quiet", "--initial-branch=main");

  const write = async (files: Readonly<Record<string, string | null>>) => {
    for (const [file, content] of Object.entries(files)) {
      const target = path.join(dir, file);
      if (content === null) {
        await rm(target, { force: true });
      } else {
        await mkdir(path.dirname(target), { recursive: true });
        await writeFile(target, content);
      }
    }
  };

  return {
    dir,
    git,
    write,
    async commit(message, files) {
      if (files) await write(files);
      commits += 1;
      await git("add", "--all");
      await git("commit", "--quiet", "--no-gpg-sign", "--allow-empty", "-m", message);
      return (await git("rev-parse", "HEAD")).trim();
    },
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}
