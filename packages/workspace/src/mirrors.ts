/**
 * The one place that says where local upstream mirrors live. The product never
 * needs them at run time: codegen and the CRD generator use one when present
 * (and fall back to the network or fail clearly), tests that compare against
 * upstream files are skipped without one (see @homelab/test-fixtures/mirrors).
 */
import { statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode, HomelabError } from "@homelab/errors";

export type MirrorKind = "charts" | "chart-packages" | "crds";

export const MIRROR_KINDS: readonly MirrorKind[] = ["charts", "chart-packages", "crds"];

/** The variable that points at each mirror; set it to use a mirror outside the default place. */
export const MIRROR_ENV: Readonly<Record<MirrorKind, string>> = {
  charts: "HOMELAB_CHARTS_DIR",
  "chart-packages": "HOMELAB_CHART_PACKAGES_DIR",
  crds: "HOMELAB_CRDS_DIR",
};

/** The repository root (this file is packages/workspace/src/mirrors.ts). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Where a mirror is looked for when its variable is unset: `shared/<kind>` beside the repository. */
export function defaultMirrorDir(kind: MirrorKind, repoRoot = REPO_ROOT): string {
  return path.resolve(repoRoot, "..", "shared", kind);
}

/**
 * The mirror's folder: the variable when set (it must name a directory, else a
 * clear error rather than silently testing less), else the default place when it
 * exists, else undefined.
 */
export function mirrorDir(kind: MirrorKind, env: NodeJS.ProcessEnv = process.env, repoRoot = REPO_ROOT): string | undefined {
  const variable = MIRROR_ENV[kind];
  const configured = env[variable];
  if (configured !== undefined && configured !== "") {
    const dir = path.resolve(configured);
    if (!isDirectory(dir)) {
      throw new HomelabError(ErrorCode.MissingArtifact, `${variable}=${configured}: ${dir} is not a directory`, {
        hint: `point ${variable} at a local ${kind} mirror, or unset it to use ${defaultMirrorDir(kind, repoRoot)} when it exists`,
      });
    }
    return dir;
  }
  const fallback = defaultMirrorDir(kind, repoRoot);
  return isDirectory(fallback) ? fallback : undefined;
}

/** Why a mirror is absent, in one line, for skip messages and errors. */
export function missingMirrorReason(kind: MirrorKind): string {
  return `no ${kind} mirror; set ${MIRROR_ENV[kind]}`;
}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
