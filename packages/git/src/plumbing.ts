import { execFile } from "node:child_process";
import { ErrorCode, HomelabError } from "@homelab/errors";

/** Runs git in `cwd`; a failure is the user's (bad revision, not a repository), so it is a HomelabError. */
export function git(cwd: string, args: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", ["-c", "core.quotePath=false", ...args], { cwd, maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        const spawnFailed = (error as NodeJS.ErrnoException).code === "ENOENT";
        reject(
          new HomelabError(
            spawnFailed ? ErrorCode.MissingArtifact : ErrorCode.Config,
            spawnFailed ? "git is not installed" : `git ${args[0]} failed: ${stderr.trim().split("\n")[0] || error.message}`,
            {
              position: { file: cwd },
            },
          ),
        );
      } else {
        resolve(stdout);
      }
    });
  });
}

/** The full commit SHA a revision names; a useful error when it does not exist (shallow clone, typo). */
export async function resolveCommit(cwd: string, revision: string): Promise<string> {
  try {
    return (await git(cwd, ["rev-parse", "--verify", "--quiet", `${revision}^{commit}`])).trim();
  } catch {
    throw new HomelabError(ErrorCode.Usage, `unknown git revision ${JSON.stringify(revision)}`, {
      hint: "fetch the history (actions/checkout with fetch-depth: 0) or pass an existing commit",
    });
  }
}

/** Paths under `folder` at `commit` (empty when the folder does not exist there). */
export async function listFiles(cwd: string, commit: string, folder: string): Promise<string[]> {
  const out = await git(cwd, ["ls-tree", "-r", "-z", "--name-only", commit, "--", folder]);
  return out.split("\0").filter(Boolean);
}

export function showFile(cwd: string, commit: string, file: string): Promise<string> {
  return git(cwd, ["show", `${commit}:${file}`]);
}

/** The best common ancestor, so a PR's diff is what the branch changed (GitHub's three-dot diff); `base` itself when there is none. */
export async function mergeBase(cwd: string, base: string, head: string): Promise<string> {
  try {
    return (await git(cwd, ["merge-base", base, head])).trim() || base;
  } catch {
    return base;
  }
}
