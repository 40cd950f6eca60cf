import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmRepo, type HelmRepo } from "@homelab/test-fixtures/helm-repo";
import { describeWithMirror } from "@homelab/test-fixtures/mirrors";
import { ociRegistry, type OciRegistry } from "@homelab/test-fixtures/oci-registry";
import { isHomelabError } from "@homelab/errors";
import {
  cachedPath,
  chartCacheDir,
  chartPackage,
  fetchCharts,
  formatLock,
  httpGet,
  lockCharts,
  lockProblems,
  packageChart,
  parseBearer,
  parseLock,
  pushChart,
  renderReleases,
  sha256Digest,
  verifyCache,
  type ChartLock,
  type ChartPin,
} from "../index.js";

const work = mkdtempSync(path.join(tmpdir(), "homelab-charts-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));
let caches = 0;
const freshCache = () => path.join(work, `cache-${++caches}`);

async function thrown(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("lock file", () => {
  const lock: ChartLock = {
    source: "upstream",
    charts: [
      { chart: "traefik", version: "41.3.0", repository: "https://traefik.github.io/charts", digest: `sha256:${"b".repeat(64)}` },
      { chart: "metallb", version: "0.16.1", repository: "https://metallb.github.io/metallb", digest: `sha256:${"a".repeat(64)}` },
    ],
  };

  it("round-trips, sorted, with a header saying where the digests come from", () => {
    const text = formatLock(lock);
    expect(text.indexOf("metallb")).toBeLessThan(text.indexOf("traefik"));
    expect(parseLock(text, "charts.lock.yaml")).toEqual({ source: "upstream", charts: [lock.charts[1], lock.charts[0]] });
    expect(formatLock({ ...lock, source: "mirror" })).toMatch(/AS A MIRROR SERVES IT/);
    expect(text).not.toMatch(/MIRROR/);
  });

  it("names the file and line of a malformed entry", () => {
    const text = formatLock(lock).replace(`sha256:${"b".repeat(64)}`, "sha256:short");
    const line = text.split("\n").findIndex((l) => l.includes("sha256:short")) + 1;
    let error: unknown;
    try {
      parseLock(text, "charts.lock.yaml");
    } catch (e) {
      error = e;
    }
    expect(isHomelabError(error)).toBe(true);
    expect(error).toMatchObject({ code: "CONFIG", position: { file: "charts.lock.yaml", line }, message: expect.stringMatching(/digest must be sha256/) });
  });

  it("lists pins missing from the lock, pinned elsewhere, and entries no pin uses", () => {
    const pins: ChartPin[] = [
      { chart: "metallb", version: "0.16.1", repository: "https://metallb.github.io/metallb" },
      { chart: "traefik", version: "41.3.0", repository: "https://example.org/charts" },
      { chart: "vault", version: "0.34.1", repository: "https://helm.releases.hashicorp.com" },
    ];
    expect(lockProblems(pins, lock)).toEqual([
      { chart: "traefik@41.3.0", message: "locked from https://traefik.github.io/charts, pinned from https://example.org/charts" },
      { chart: "vault@0.34.1", message: "pinned but not in charts.lock.yaml" },
    ]);
    expect(lockProblems(pins.slice(0, 1), lock)).toEqual([{ chart: "traefik@41.3.0", message: "locked but no component pins it" }]);
  });

  it("keeps the cache where XDG says, unless HOMELAB_CHART_CACHE overrides it, and never outside it", () => {
    expect(chartCacheDir({ XDG_CACHE_HOME: "/x/cache" })).toBe("/x/cache/homelab/charts");
    expect(chartCacheDir({ XDG_CACHE_HOME: "relative", HOME: "/home/u" })).toMatch(/\.cache\/homelab\/charts$/);
    expect(chartCacheDir({ HOMELAB_CHART_CACHE: "/y", XDG_CACHE_HOME: "/x" })).toBe("/y");
    expect(() => cachedPath("/c", "sha256:../../etc/passwd")).toThrow(/not a sha256 digest/);
  });
});

describe("network calls", () => {
  let server: Server;
  let url: string;
  let requests = 0;
  beforeAll(async () => {
    // Takes requests and never answers: every call must end on its own deadline.
    server = createServer(() => {
      requests++;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts`;
  });
  afterAll(() => {
    server.closeAllConnections();
    server.close();
  });

  it("time out and retry a bounded number of times", async () => {
    const started = Date.now();
    const error = await thrown(httpGet(`${url}/index.yaml`, {}, { timeoutMs: 300, retries: 1, backoffMs: 10 }));
    expect(error.message).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/charts\/index\.yaml failed after 2 attempt\(s\): no answer within 300 ms$/);
    expect(requests).toBe(2);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("parse a registry's Bearer challenge", () => {
    expect(parseBearer('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:charts/x:pull"')).toEqual({
      realm: "https://auth.example/token",
      service: "registry.example",
      scope: "repository:charts/x:pull",
    });
    expect(parseBearer('Basic realm="x"')).toBeUndefined();
  });
});

describeWithMirror("chart-packages", "chart lock and cache against a loopback Helm repository", (mirror) => {
  let repo: HelmRepo;
  let pins: ChartPin[];
  beforeAll(async () => {
    repo = await helmRepo(mirror, { packageChart, charts: ["metallb", "traefik"] });
    pins = repo.charts.map((c) => ({ chart: c.name, version: c.version, repository: repo.url }));
  }, 120_000);
  afterAll(() => repo.close());

  it("locks the digests the repository serves, fetches into a content-addressed cache and verifies", async () => {
    const cacheDir = freshCache();
    const lock = await lockCharts(pins, undefined, { cacheDir, offline: false });
    expect(lock.source).toBe("upstream");
    expect(lock.charts.map((c) => [c.chart, c.digest])).toEqual(repo.charts.map((c) => [c.name, `sha256:${c.digest}`]).sort());
    // A lock of pins already locked moves nothing and asks nothing.
    const before = repo.requests.length;
    expect(await lockCharts(pins, lock, { cacheDir, offline: false })).toEqual(lock);
    expect(repo.requests.length).toBe(before);

    const other = freshCache();
    const fetched = await fetchCharts(lock, { cacheDir: other, offline: false });
    expect(fetched.every((f) => f.fetched)).toBe(true);
    for (const f of fetched) expect(sha256Digest(readFileSync(f.path))).toBe(f.chart.digest);
    expect(verifyCache(lock, { cacheDir: other }).map((v) => v.status)).toEqual(["ok", "ok"]);
    expect((await fetchCharts(lock, { cacheDir: other, offline: false })).every((f) => !f.fetched)).toBe(true);

    const [metallb] = await renderReleases([
      {
        id: "m",
        chart: fetched[0]!.path,
        releaseName: "metallb",
        namespace: "metallb-system",
        values: [],
        kubeVersion: "1.35.4",
        apiVersions: [],
        includeCrds: false,
      },
    ]);
    expect(metallb!.error).toBeNull();
    expect(metallb!.objects.some((o) => o.content.includes("kind: DaemonSet"))).toBe(true);
  });

  it("offline with a warm cache touches no server", async () => {
    const cacheDir = freshCache();
    const lock = await lockCharts(pins, undefined, { cacheDir, offline: false });
    const before = repo.requests.length;
    const paths = await Promise.all(lock.charts.map((c) => chartPackage(c, { cacheDir, offline: true })));
    expect(paths.every((p) => p.startsWith(cacheDir))).toBe(true);
    await fetchCharts(lock, { cacheDir, env: { HOMELAB_OFFLINE: "1" } });
    expect(await lockCharts(pins, lock, { cacheDir, offline: true })).toEqual(lock);
    expect(repo.requests.length).toBe(before);
  });

  it("offline with a cold cache is one clear error naming the fetch command, and no request", async () => {
    const lock = await lockCharts(pins, undefined, { cacheDir: freshCache(), offline: false });
    const before = repo.requests.length;
    const error = await thrown(chartPackage(lock.charts[0]!, { cacheDir: freshCache(), offline: true }));
    expect(error).toMatchObject({
      code: "MISSING_ARTIFACT",
      message: expect.stringMatching(/^chart metallb \S+ is not in the chart cache .* offline mode is on$/),
    });
    expect(error.hint).toMatch(/npx homelab charts fetch/);
    expect(repo.requests.length).toBe(before);
  });

  it("a chart re-published under the same version is an error naming the chart and both digests", async () => {
    const lock = await lockCharts(pins, undefined, { cacheDir: freshCache(), offline: false });
    const traefik = lock.charts.find((c) => c.chart === "traefik")!;
    const original = repo.charts.find((c) => c.name === "traefik")!.data;
    const other = repo.charts.find((c) => c.name === "metallb")!.data;
    repo.republish("traefik", traefik.version, other);
    try {
      const error = await thrown(chartPackage(traefik, { cacheDir: freshCache(), offline: false }));
      expect(error).toMatchObject({ code: "CHART_INVALID" });
      expect(error.message).toContain(`chart traefik ${traefik.version}`);
      expect(error.message).toContain(traefik.digest);
      expect(error.message).toContain(sha256Digest(other));
      expect(error.hint).toMatch(/supply-chain/);
    } finally {
      repo.republish("traefik", traefik.version, original);
    }
  });

  it("a corrupted cache file is refused on use", async () => {
    const cacheDir = freshCache();
    const lock = await lockCharts(pins, undefined, { cacheDir, offline: false });
    writeFileSync(cachedPath(cacheDir, lock.charts[0]!.digest), "not a chart");
    const error = await thrown(chartPackage(lock.charts[0]!, { cacheDir, offline: true }));
    expect(error.message).toMatch(/in the cache has digest sha256:[0-9a-f]{64}, charts.lock.yaml has .*corrupt/);
    expect(verifyCache(lock, { cacheDir })[0]!.status).toBe("mismatch");
  });

  it("resolves absolute download URLs and repositories without index digests; a mirror lock says so", async () => {
    const absolute = await helmRepo(mirror, { packageChart, charts: ["metallb"], absoluteUrls: true, omitDigests: true });
    try {
      const pin = { chart: "metallb", version: absolute.charts[0]!.version, repository: "https://metallb.github.io/metallb" };
      const lock = await lockCharts([pin], undefined, { cacheDir: freshCache(), offline: false, repoOverride: absolute.url });
      expect(lock).toEqual({ source: "mirror", charts: [{ ...pin, digest: `sha256:${absolute.charts[0]!.digest}` }] });
      expect(absolute.requests).toEqual(["/charts/index.yaml", `/charts/metallb-${pin.version}.tgz`]);
    } finally {
      await absolute.close();
    }
  });
});

describeWithMirror("chart-packages", "chart fetch from a real OCI registry (CNCF Distribution on loopback)", (mirror) => {
  let registry: OciRegistry;
  let pushed: { digest: string; version: string };
  beforeAll(async () => {
    registry = await ociRegistry({ tokenAuth: true });
    const version = (await import("node:fs")).readdirSync(path.join(mirror, "metallb"))[0]!;
    const tgz = await packageChart(path.join(mirror, "metallb", version), path.join(work, "oci"));
    const result = await pushChart(tgz.path, `oci://${registry.host}/charts`);
    pushed = { digest: result.chartDigest, version };
    expect(result.chartDigest).toBe(sha256Digest(readFileSync(tgz.path)));
  }, 600_000);
  afterAll(() => registry?.close());

  it("locks and fetches a chart pushed with Helm's OCI client, through the anonymous token flow", async () => {
    const pin = { chart: "metallb", version: pushed.version, repository: `oci://${registry.host}/charts` };
    const before = registry.tokenRequests.length;
    const lock = await lockCharts([pin], undefined, { cacheDir: freshCache(), offline: false });
    expect(lock.charts).toEqual([{ ...pin, digest: pushed.digest }]);
    expect(registry.tokenRequests.slice(before)).toContainEqual({ service: "homelab-test-registry", scope: "repository:charts/metallb:pull" });
    const file = await chartPackage(lock.charts[0]!, { cacheDir: freshCache(), offline: false });
    expect(sha256Digest(readFileSync(file))).toBe(pushed.digest);
  });

  it("a version the registry does not have is a clear error", async () => {
    const pin = { chart: "metallb", version: "0.0.0-missing", repository: `oci://${registry.host}/charts` };
    const error = await thrown(lockCharts([pin], undefined, { cacheDir: freshCache(), offline: false }));
    expect(error.message).toMatch(/chart metallb 0.0.0-missing is not in oci:\/\/127.0.0.1:\d+\/charts/);
  });
});
