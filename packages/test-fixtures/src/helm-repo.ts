import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { YamlSource, stringifyYaml } from "@homelab/yaml";

/**
 * A Helm chart repository on 127.0.0.1 serving real chart packages: each
 * `<chart>/<version>/` folder of a chart-packages mirror, packaged to
 * `<chart>-<version>.tgz` at test time, listed in an `index.yaml` laid out as a
 * real repository's (apiVersion v1, entries with digest, urls, created).
 */

/** Packages a chart folder (in this project: @homelab/helm's packageChart, Helm's own chartutil.Save). */
export type PackageChart = (chartDir: string, outDir: string) => Promise<{ path: string; name: string; version: string }>;

export interface HelmRepoOptions {
  packageChart: PackageChart;
  /** Only these chart names (default: every chart of the mirror). */
  charts?: readonly string[];
  /** Write absolute download URLs into the index instead of relative ones. */
  absoluteUrls?: boolean;
  /** Leave `digest` out of the index entries (older repositories do). */
  omitDigests?: boolean;
}

export interface ServedChart {
  name: string;
  version: string;
  /** sha256 hex of the served .tgz (as in the index). */
  digest: string;
  data: Buffer;
}

export interface HelmRepo {
  /** `http://127.0.0.1:<port>/charts` (no trailing slash, as users write repository URLs). */
  url: string;
  charts: readonly ServedChart[];
  /** Paths of every request received, in order. */
  requests: string[];
  /**
   * Serves other bytes under an existing name and version (a re-published
   * chart) and updates the index digest, as a repository that re-publishes does.
   */
  republish(name: string, version: string, data: Buffer): void;
  close(): Promise<void>;
}

/** One fixed time for every `created`: the index is the same on every run. */
const CREATED = "2026-01-01T00:00:00Z";

export async function helmRepo(chartPackagesDir: string, options: HelmRepoOptions): Promise<HelmRepo> {
  const work = mkdtempSync(path.join(tmpdir(), "homelab-helm-repo-"));
  const served: ServedChart[] = [];
  const metadata = new Map<string, Record<string, unknown>>();
  try {
    const names = readdirSync(chartPackagesDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && (!options.charts || options.charts.includes(e.name)))
      .map((e) => e.name)
      .sort();
    for (const name of names) {
      for (const version of readdirSync(path.join(chartPackagesDir, name)).sort()) {
        const dir = path.join(chartPackagesDir, name, version);
        const chartYaml = path.join(dir, "Chart.yaml");
        const meta = YamlSource.parse(readFileSync(chartYaml, "utf8"), chartYaml).nonEmpty()[0]?.value as Record<string, unknown>;
        const packaged = await options.packageChart(dir, work);
        const data = readFileSync(packaged.path);
        served.push({ name: packaged.name, version: packaged.version, digest: sha256(data), data });
        metadata.set(`${packaged.name}@${packaged.version}`, meta);
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (options.charts) {
    const missing = options.charts.filter((c) => !served.some((s) => s.name === c));
    if (missing.length) throw new Error(`helmRepo: ${chartPackagesDir} has no chart ${missing.join(", ")}`);
  }

  const requests: string[] = [];
  let base = "";
  const index = (): string => {
    const entries: Record<string, unknown[]> = {};
    for (const chart of served) {
      const file = `${chart.name}-${chart.version}.tgz`;
      (entries[chart.name] ??= []).push({
        ...metadata.get(`${chart.name}@${chart.version}`),
        created: CREATED,
        ...(options.omitDigests ? {} : { digest: chart.digest }),
        urls: [options.absoluteUrls ? `${base}/${file}` : file],
      });
    }
    return stringifyYaml({ apiVersion: "v1", entries, generated: CREATED });
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(url.pathname);
    if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain", "method not allowed");
    if (url.pathname === "/charts/index.yaml") return send(res, 200, "application/x-yaml", index());
    const match = /^\/charts\/(.+)\.tgz$/.exec(url.pathname);
    const chart = match && served.find((c) => `${c.name}-${c.version}` === match[1]);
    if (chart) return send(res, 200, "application/gzip", chart.data);
    send(res, 404, "text/plain", "not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts`;
  return {
    url: base,
    charts: served,
    requests,
    republish(name, version, data) {
      const chart = served.find((c) => c.name === name && c.version === version);
      if (!chart) throw new Error(`helmRepo: no ${name} ${version} to re-publish`);
      chart.data = data;
      chart.digest = sha256(data);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(body) });
  res.end(body);
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}
