import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import ignore from "ignore";
import { ErrorCode, HomelabError, formatPosition } from "@homelab/errors";
import { YamlSource, readInputFile, type DocumentMemo, type InputFile } from "@homelab/yaml";

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
  /** Parsed documents remembered across runs, for the files read later (loadExtra) too. */
  memo?: DocumentMemo;
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

/**
 * Adds gitignore patterns one by one: `ignore` compiles a pattern to a RegExp
 * only when it first matches, so a malformed one (`[abc` with no `]`) would
 * throw a SyntaxError deep in the walk. Each is tried once here instead and
 * reported at its line.
 */
function addIgnorePatterns(rules: ReturnType<typeof ignore>, lines: readonly string[], file: string | undefined): void {
  lines.forEach((pattern, index) => {
    try {
      ignore().add(pattern).ignores("probe");
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      throw new HomelabError(ErrorCode.Syntax, `not a usable ignore pattern ${JSON.stringify(pattern)}: ${why}`, {
        ...(file ? { position: { file, line: index + 1 } } : {}),
      });
    }
    rules.add(pattern);
  });
}

/**
 * Every `*.yaml`/`*.yml` under `dir`, through the one input loader of
 * @homelab/yaml: FIFOs, sockets, devices, dangling symlinks, symlink loops and
 * symlinks leaving `dir` are listed in `skipped`, never opened; files above the
 * size limit, invalid UTF-8, YAML errors and alias bombs are collected and
 * thrown as one exit-2 error naming every file. Items of a `kind: List` are
 * documents of their own (policies see a Secret inside a List).
 */
export function loadTree(dir: string, options: { ignore?: readonly string[]; root?: string; memo?: DocumentMemo } = {}): Tree {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new HomelabError(ErrorCode.Usage, `not a directory: ${dir}`);
  }
  const rules = ignore();
  const ignoreFile = readInputFile(join(dir, IGNORE_FILE), { display: IGNORE_FILE, within: dir });
  if (ignoreFile.kind === "file") addIgnorePatterns(rules, ignoreFile.text.split(/\r?\n/), IGNORE_FILE);
  else if (ignoreFile.why !== "missing") throw new HomelabError(ErrorCode.Io, `cannot read: ${ignoreFile.reason}`, { position: { file: IGNORE_FILE } });
  addIgnorePatterns(rules, options.ignore ?? [], undefined);

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
        // Symlinked folders are not walked (no loops, no second path to a file); a `*.yaml` of any other type goes
        // to the loader, which lists what it will not read.
        let input: InputFile;
        try {
          input = readInputFile(path, { display: rel, within: dir });
        } catch (error) {
          if (error instanceof HomelabError) {
            problems.push(error);
            continue;
          }
          throw error;
        }
        if (input.kind === "skipped") {
          skipped.push({ file: rel, reason: input.reason });
          continue;
        }
        if (isTemplate(rel, input.text)) {
          skipped.push({ file: rel, reason: "Helm template: not checked until rendered" });
          continue;
        }
        try {
          // Positions on demand: most files never need one, and a large tree would hold every syntax tree.
          const source = YamlSource.parse(input.text, rel, { expandLists: true, positionsOnDemand: true, ...(options.memo ? { memo: options.memo } : {}) });
          files.set(rel, { file: rel, source });
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
    throw new HomelabError(first.code, `${first.message}${problems.length > 1 ? ` (and ${problems.length - 1} more malformed file(s))` : ""}`, {
      ...(first.position ? { position: first.position } : {}),
      details: problems.slice(1).map((p) => `${p.position ? `${formatPosition(p.position)}: ` : ""}${p.message}`),
      hint: first.hint ?? `fix the file, or list it in ${IGNORE_FILE}`,
    });
  }
  return { dir, root: options.root ?? findRoot(dir), files, skipped, ...(options.memo ? { memo: options.memo } : {}) };
}

/**
 * Loads a file outside the walked set (a values file named by an Application,
 * a Chart.yaml, a record), or undefined when absent. The path comes from input:
 * one outside the repository (lexically or through a symlink), or anything
 * but a regular file, is not read and is listed in `skipped`.
 */
export function loadExtra(tree: Tree, abs: string): LoadedFile | undefined {
  const rel = toPosix(relative(tree.dir, abs));
  const known = tree.files.get(rel);
  if (known) return known;
  const input = readInputFile(abs, { display: rel, within: tree.root });
  if (input.kind === "skipped") {
    if (input.why !== "missing" && !tree.skipped.some((s) => s.file === rel)) tree.skipped.push({ file: rel, reason: input.reason });
    return undefined;
  }
  const loaded = { file: rel, source: YamlSource.parse(input.text, rel, tree.memo ? { memo: tree.memo } : {}) };
  tree.files.set(rel, loaded);
  return loaded;
}

export function relativeTo(tree: Tree, abs: string): string {
  return toPosix(relative(tree.dir, abs));
}
