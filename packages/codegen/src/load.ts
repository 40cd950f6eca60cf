import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { extract } from "tar";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { YamlSource } from "@homelab/yaml";
import { isRecord } from "./schema-util.js";
import { fetchWithRetry } from "./shipped.js";

export interface ChartMeta {
  name: string;
  version: string;
  dependencies: { name: string; alias?: string; condition?: string; tags?: string[] }[];
}

/** Stage "load": a chart's data files, wherever the chart came from. */
export interface LoadedChart {
  meta: ChartMeta;
  /** Where it came from, for messages (directory, archive or URL). */
  origin: string;
  /** Display paths of the files, for errors. */
  valuesFile: string;
  valuesText: string;
  schemaFile: string;
  schemaText: string | undefined;
  /** Base for relative `$ref`s in the shipped schema. */
  schemaUrl: string;
  /** Subcharts bundled under charts/ (directories or archives), by values key (alias or name). */
  subcharts: Record<string, LoadedChart>;
  /** Files under templates/ by chart-relative path (templates/x.yaml), for the template analyser. */
  templates: Record<string, string>;
}

export type ChartInput = { kind: "dir"; dir: string } | { kind: "tgz"; file: string } | { kind: "repo"; repo: string; chart: string; version: string };

export async function loadChart(input: ChartInput): Promise<LoadedChart> {
  if (input.kind === "dir") return loadDir(input.dir, input.dir);
  if (input.kind === "tgz") return loadTgz(input.file, input.file);
  return loadFromRepo(input.repo, input.chart, input.version);
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new HomelabError(ErrorCode.Io, `cannot read ${file}: ${(error as Error).message}`, { position: { file }, cause: error });
  }
}

export async function loadDir(dir: string, origin: string): Promise<LoadedChart> {
  const chartFile = path.join(dir, "Chart.yaml");
  const chartText = await readOptional(chartFile);
  if (chartText === undefined) {
    throw new HomelabError(ErrorCode.ChartInvalid, `not a Helm chart: no Chart.yaml in ${origin}`, { position: { file: chartFile } });
  }
  const meta = parseChartYaml(chartText, displayPath(origin, dir, "Chart.yaml"));
  const valuesText = (await readOptional(path.join(dir, "values.yaml"))) ?? "";
  const schemaPath = path.join(dir, "values.schema.json");
  const schemaText = await readOptional(schemaPath);
  const subcharts: Record<string, LoadedChart> = {};
  const chartsDir = path.join(dir, "charts");
  const entries = await readdir(chartsDir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(chartsDir, entry.name);
    let sub: LoadedChart | undefined;
    if (entry.isDirectory()) sub = await loadDir(full, `${origin}/charts/${entry.name}`);
    else if (entry.name.endsWith(".tgz")) sub = await loadTgz(full, `${origin}/charts/${entry.name}`);
    if (!sub) continue;
    const dep = meta.dependencies.find((d) => d.name === sub.meta.name);
    subcharts[dep?.alias ?? sub.meta.name] = sub;
  }
  const templates = await readTemplates(dir);
  return {
    meta,
    origin,
    templates,
    valuesFile: displayPath(origin, dir, "values.yaml"),
    valuesText,
    schemaFile: displayPath(origin, dir, "values.schema.json"),
    schemaText,
    schemaUrl: pathToFileURL(schemaPath).href,
    subcharts,
  };
}

/** Every file under templates/ (Helm parses them all; `_` files only define named templates), sorted. */
async function readTemplates(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(path.join(dir, "templates"), { recursive: true, withFileTypes: true }).catch(() => []);
  const files = entries
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
  for (const file of files) out[file] = (await readOptional(path.join(dir, file))) ?? "";
  return out;
}

function displayPath(origin: string, dir: string, name: string): string {
  return origin === dir ? path.join(dir, name) : `${origin}:${name}`;
}

/** Unpacks a chart archive (`<name>/Chart.yaml` inside) into a temporary directory and reads it. */
export async function loadTgz(file: string, origin: string): Promise<LoadedChart> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), "homelab-chart-"));
  try {
    try {
      await extract({ file, cwd: tmp, strict: true });
    } catch (error) {
      throw new HomelabError(ErrorCode.ChartInvalid, `cannot unpack chart archive: ${(error as Error).message}`, { position: { file: origin }, cause: error });
    }
    const top = (await readdir(tmp, { withFileTypes: true })).filter((e) => e.isDirectory());
    for (const dir of top) {
      const candidate = path.join(tmp, dir.name);
      if (
        await stat(path.join(candidate, "Chart.yaml")).then(
          () => true,
          () => false,
        )
      ) {
        const chart = await loadDir(candidate, origin);
        return chart;
      }
    }
    throw new HomelabError(ErrorCode.ChartInvalid, "chart archive has no <name>/Chart.yaml", { position: { file: origin } });
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

export function parseChartYaml(text: string, file: string): ChartMeta {
  const source = YamlSource.parse(text, file);
  const doc = source.documents[0];
  const value = doc?.value;
  if (!isRecord(value)) {
    throw new HomelabError(ErrorCode.ChartInvalid, "Chart.yaml must be a mapping", { position: { file, line: 1, column: 1 } });
  }
  for (const field of ["name", "version"] as const) {
    const v = value[field];
    if (typeof v !== "string" && typeof v !== "number") {
      const at = source.locate(0, v === undefined ? [] : [field]);
      throw new HomelabError(ErrorCode.ChartInvalid, `Chart.yaml: "${field}" must be a string`, { position: { file, ...at } });
    }
  }
  const deps = Array.isArray(value.dependencies) ? value.dependencies : [];
  const dependencies = deps.filter(isRecord).map((d) => ({
    name: String(d.name),
    ...(typeof d.alias === "string" ? { alias: d.alias } : {}),
    ...(typeof d.condition === "string" ? { condition: d.condition } : {}),
    ...(Array.isArray(d.tags) ? { tags: d.tags.map(String) } : {}),
  }));
  return { name: String(value.name), version: String(value.version), dependencies };
}

/** Reads a Helm repository's index.yaml, downloads the chart archive of that version and loads it. */
export async function loadFromRepo(repo: string, chart: string, version: string): Promise<LoadedChart> {
  const base = repo.endsWith("/") ? repo : `${repo}/`;
  const indexUrl = new URL("index.yaml", base).href;
  const indexText = await download(indexUrl, "text");
  const index = YamlSource.parse(indexText as string, indexUrl).documents[0]?.value;
  const entries = isRecord(index) && isRecord(index.entries) ? index.entries : undefined;
  if (!entries) throw new HomelabError(ErrorCode.Remote, "Helm repository index has no entries", { position: { file: indexUrl } });
  const versions = Array.isArray(entries[chart]) ? (entries[chart] as unknown[]).filter(isRecord) : [];
  if (versions.length === 0) throw new HomelabError(ErrorCode.Remote, `chart "${chart}" is not in the repository`, { position: { file: indexUrl } });
  const strip = (v: unknown) => String(v).replace(/^v/, "");
  const entry = versions.find((v) => strip(v.version) === strip(version));
  if (!entry) {
    throw new HomelabError(ErrorCode.Remote, `chart "${chart}" has no version ${version} in the repository`, {
      position: { file: indexUrl },
      hint: `available: ${versions
        .slice(0, 10)
        .map((v) => String(v.version))
        .join(", ")}`,
    });
  }
  const urls = Array.isArray(entry.urls) ? entry.urls : [];
  if (typeof urls[0] !== "string")
    throw new HomelabError(ErrorCode.Remote, `index entry ${chart}@${version} has no download URL`, { position: { file: indexUrl } });
  const tgzUrl = new URL(urls[0], base).href;
  const bytes = (await download(tgzUrl, "bytes")) as Uint8Array;
  const tmp = await mkdtemp(path.join(os.tmpdir(), "homelab-download-"));
  try {
    const file = path.join(tmp, "chart.tgz");
    await writeFile(file, bytes);
    return await loadTgz(file, tgzUrl);
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Chart archives can be a few MiB: a longer deadline per attempt than a schema document, same bounded retry. */
const DOWNLOAD_TIMEOUT_MS = 30_000;

async function download(url: string, as: "text" | "bytes"): Promise<string | Uint8Array> {
  try {
    return await fetchWithRetry(url, async (response) => (as === "text" ? response.text() : new Uint8Array(await response.arrayBuffer())), {
      timeoutMs: DOWNLOAD_TIMEOUT_MS,
    });
  } catch (error) {
    throw new HomelabError(ErrorCode.Remote, `GET ${url}: ${(error as Error).message}`, { position: { file: url }, cause: error });
  }
}
