import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { listFiles, showFile } from "@homelab/git";

/** A workspace package as releases see it. */
export interface WorkspacePackage {
  name: string;
  /** null when package.json has no version (never released). */
  version: string | null;
  /** Repository-relative folder, `/`-separated. */
  dir: string;
  /** `homelab.component` of a component package, else null. */
  component: string | null;
  /** The pinned chart of a component package (`homelab.chart`). */
  chart: { name: string; version: string; repository: string } | null;
}

/** Reads files of one tree: the working tree or a commit. */
interface TreeReader {
  where(file: string): string;
  read(file: string): Promise<string>;
  /** Folders holding a package.json directly under `dir`. */
  packageDirs(dir: string): Promise<string[]>;
}

// Untyped on purpose: toPackage checks every field it reads.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function parseJson(text: string, where: string): any {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new HomelabError(ErrorCode.Syntax, `not valid JSON: ${(error as Error).message}`, { position: { file: where } });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function toPackage(data: any, dir: string, where: string): WorkspacePackage {
  if (typeof data?.name !== "string" || data.name === "") {
    throw new HomelabError(ErrorCode.Config, "package.json has no name", { position: { file: where } });
  }
  const homelab = data.homelab;
  const chart = homelab?.chart;
  return {
    name: data.name,
    version: typeof data.version === "string" ? data.version : null,
    dir,
    component: typeof homelab?.component === "string" ? homelab.component : null,
    chart:
      chart && typeof chart.name === "string" && typeof chart.version === "string" && typeof chart.repository === "string"
        ? { name: chart.name, version: chart.version, repository: chart.repository }
        : null,
  };
}

async function listPackages(tree: TreeReader): Promise<WorkspacePackage[]> {
  const root = parseJson(await tree.read("package.json"), tree.where("package.json"));
  const patterns: unknown = Array.isArray(root?.workspaces) ? root.workspaces : root?.workspaces?.packages;
  if (!Array.isArray(patterns)) return [];
  const dirs = new Set<string>();
  for (const pattern of patterns) {
    if (typeof pattern !== "string" || /[*?[{]/.test(pattern.replace(/\/\*$/, ""))) {
      // npm allows full globs; this repository only uses `folder/*` and plain folders.
      throw new HomelabError(ErrorCode.Config, `unsupported workspaces pattern ${JSON.stringify(pattern)}: use "folder/*" or a folder`, {
        position: { file: tree.where("package.json") },
      });
    }
    const clean = pattern.replace(/^\.\//, "").replace(/\/$/, "");
    if (clean.endsWith("/*")) for (const dir of await tree.packageDirs(clean.slice(0, -2))) dirs.add(dir);
    else dirs.add(clean);
  }
  const packages: WorkspacePackage[] = [];
  for (const dir of [...dirs].sort()) {
    const file = `${dir}/package.json`;
    let text: string;
    try {
      text = await tree.read(file);
    } catch {
      continue; // A plain folder pattern without a package.json is not a package (npm skips it too).
    }
    packages.push(toPackage(parseJson(text, tree.where(file)), dir, tree.where(file)));
  }
  return packages;
}

/** The workspace packages in the working tree at `root`. */
export function workspacePackages(root: string): Promise<WorkspacePackage[]> {
  return listPackages({
    where: (file) => file,
    read: (file) => readFile(path.join(root, file), "utf8"),
    async packageDirs(dir) {
      let entries;
      try {
        entries = await readdir(path.join(root, dir), { withFileTypes: true });
      } catch {
        return [];
      }
      const found: string[] = [];
      for (const entry of entries) {
        if (!entry.isDirectory()) continue;
        try {
          await readFile(path.join(root, dir, entry.name, "package.json"));
          found.push(`${dir}/${entry.name}`);
        } catch {
          // not a package
        }
      }
      return found;
    },
  });
}

/** The workspace packages as committed at `commit` (full SHA or any revision). */
export async function workspacePackagesAt(root: string, commit: string): Promise<WorkspacePackage[]> {
  const files = await listFiles(root, commit, ".");
  const manifests = new Set(files.filter((f) => f.endsWith("/package.json") || f === "package.json"));
  return listPackages({
    where: (file) => `${commit.slice(0, 12)}:${file}`,
    read: (file) => {
      if (!manifests.has(file)) return Promise.reject(new Error(`${file} not at ${commit}`));
      return showFile(root, commit, file);
    },
    async packageDirs(dir) {
      const pattern = new RegExp(`^${dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/[^/]+/package\\.json$`);
      return [...manifests].filter((f) => pattern.test(f)).map((f) => f.slice(0, -"/package.json".length));
    },
  });
}

/**
 * The git tag of a package's current version: `<component>@<version>` for a
 * component (`traefik@0.2.0`), `<package>@<version>` otherwise
 * (`@homelab/core@0.2.0`, as `changeset tag` names them). null without a version.
 */
export function tagName(pkg: WorkspacePackage): string | null {
  if (pkg.version === null) return null;
  return `${pkg.component ?? pkg.name}@${pkg.version}`;
}

/** The package a component name, package name or package folder (or its package.json) names; undefined when none. */
export function findPackage(packages: readonly WorkspacePackage[], reference: string): WorkspacePackage | undefined {
  const ref = reference
    .replace(/\\/g, "/")
    .replace(/^\.\//, "")
    .replace(/\/package\.json$/, "")
    .replace(/\/$/, "");
  return packages.find((p) => p.name === ref || p.component === ref || p.dir === ref);
}
