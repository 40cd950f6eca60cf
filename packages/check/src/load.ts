import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import ignore from "ignore";
import { ErrorCode, HomelabError, formatPosition } from "@homelab/errors";
import { YamlSource } from "@homelab/yaml";

/** Gitignore-syntax file in the checked directory listing paths to leave out (retired folders, vendored charts). */
export const IGNORE_FILE = ".homelabignore";

export interface LoadedFile {
  /** Path relative to the checked directory, `/`-separated. */
  file: string;
  source: YamlSource;
}

export interface SkippedFile {
  file: string;
  reason: string;
}

/** Every YAML file of a directory, parsed with positions; templates set aside. */
export interface Tree {
  /** Absolute checked directory. */
  dir: string;
  /** Absolute repository root: where `.homelab/` lives, else the git root, else `dir`. */
  root: string;
  files: Map<string, LoadedFile>;
  skipped: SkippedFile[];
}

const toPosix = (path: string): string => path.split(sep).join("/");

export function findRoot(dir: string): string {
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, ".homelab", "rendered"))) return at;
    if (existsSync(join(at, ".git"))) return at;
    if (dirname(at) === at) return dir;
  }
}

/**
 * A Go/Helm template is not YAML until rendered: recognised, reported once as
 * not checked, never a syntax error. Helm renders every file of a chart's
 * `templates/`, so any action (`{{.Values.x}}` too) makes the file a template.
 */
function isTemplate(file: string, text: string): boolean {
  return /(^|\/)templates\//.test(file) && text.includes("{{");
}

export function loadTree(dir: string, options: { ignore?: readonly string[]; root?: string } = {}): Tree {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HomelabError(ErrorCode.Usage, `not a directory: ${dir}`);
  }
  const rules = ignore();
  const ignoreFile = join(dir, IGNORE_FILE);
  if (existsSync(ignoreFile)) rules.add(readFileSync(ignoreFile, "utf8"));
  rules.add([...(options.ignore ?? [])]);

  const files = new Map<string, LoadedFile>();
  const skipped: SkippedFile[] = [];
  const problems: HomelabError[] = [];
  const walk = (abs: string): void => {
    for (const entry of readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const path = join(abs, entry.name);
      const rel = toPosix(relative(dir, path));
      if (entry.isDirectory()) {
        // Dot folders hold tool state (.git, .homelab records, .nx); records are read separately.
        if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
        if (rules.ignores(`${rel}/`)) continue;
        // An unpacked dependency (`helm dependency build` without packing, or vendored by hand) is upstream's
        // chart, not this repo's YAML: one entry instead of one per template.
        if (entry.name === "charts" && existsSync(join(abs, "Chart.yaml"))) {
          skipped.push({ file: `${rel}/`, reason: "vendored subcharts: not checked" });
          continue;
        }
        walk(path);
      } else if (/\.ya?ml$/.test(entry.name) && !rules.ignores(rel)) {
        const text = readFileSync(path, "utf8");
        if (isTemplate(rel, text)) {
          skipped.push({ file: rel, reason: "Helm template: not checked until rendered" });
          continue;
        }
        try {
          files.set(rel, { file: rel, source: YamlSource.parse(text, rel) });
        } catch (error) {
          if (error instanceof HomelabError) problems.push(error);
          else throw error;
        }
      }
    }
  };
  walk(dir);
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new HomelabError(ErrorCode.Syntax, `${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more malformed file(s))` : ""}`, {
      ...(first.position ? { position: first.position } : {}),
      details: problems.slice(1).map((p) => `${p.position ? `${formatPosition(p.position)}: ` : ""}${p.message}`),
      hint: `fix the YAML, or list the file in ${IGNORE_FILE}`,
    });
  }
  return { dir, root: options.root ?? findRoot(dir), files, skipped };
}

/** Loads a file outside the walked set (a values file named by an Application), or undefined when absent. */
export function loadExtra(tree: Tree, abs: string): LoadedFile | undefined {
  const rel = toPosix(relative(tree.dir, abs));
  const known = tree.files.get(rel);
  if (known) return known;
  if (!existsSync(abs) || !statSync(abs).isFile()) return undefined;
  const loaded = { file: rel, source: YamlSource.parse(readFileSync(abs, "utf8"), rel) };
  tree.files.set(rel, loaded);
  return loaded;
}

export function relativeTo(tree: Tree, abs: string): string {
  return toPosix(relative(tree.dir, abs));
}
