import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmRepo, type HelmRepo } from "@homelab/test-fixtures/helm-repo";
import { describeWithMirror } from "@homelab/test-fixtures/mirrors";
import { defaultChartResolver } from "./charts.js";
import { helmEngine } from "./helm.js";
import { hydrate, type HydrateOptions } from "./hydrate.js";
import { indexFile, parseHydratedIndex } from "./layout.js";
import { describeWithEngine } from "./testing.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const REPO_URL = "https://git.example.test/homelab.git";
const METALLB = { repository: "https://metallb.github.io/metallb", chart: "metallb" };

/** The committed lock's entry for a chart (the lock this workspace hydrates through). */
function lockEntry(chart: string): { chart: string; version: string; repository: string; digest: string } {
  const text = readFileSync(path.join(repoRoot, "charts.lock.yaml"), "utf8");
  const match = new RegExp(`- chart: ${chart}\\n\\s+version: (\\S+)\\n\\s+repository: (\\S+)\\n\\s+digest: (\\S+)`).exec(text);
  if (!match) throw new Error(`charts.lock.yaml has no ${chart}`);
  return { chart, version: match[1]!, repository: match[2]!, digest: match[3]! };
}

/** A repository with the committed chart lock and one Application pinning metallb as the lock does. */
function repository(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "hydrate-lock-"));
  copyFileSync(path.join(repoRoot, "charts.lock.yaml"), path.join(root, "charts.lock.yaml"));
  const { version } = lockEntry("metallb");
  mkdirSync(path.join(root, "apps-root-config/applications"), { recursive: true });
  mkdirSync(path.join(root, "cluster-init-apps/metallb"), { recursive: true });
  writeFileSync(path.join(root, "cluster-init-apps/metallb/values.yaml"), "{}\n");
  writeFileSync(
    path.join(root, "apps-root-config/applications/metallb.yaml"),
    `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: metallb
  namespace: argocd
  labels:
    homelab.dev/component: metallb
spec:
  goTemplate: true
  goTemplateOptions: [missingkey=error]
  generators:
    - list:
        elements:
          - { application: metallb, namespace: metallb-system }
  template:
    metadata:
      name: "{{.application}}"
      namespace: argocd
    spec:
      project: default
      destination:
        server: https://kubernetes.default.svc
        namespace: "{{.namespace}}"
      sources:
        - repoURL: ${METALLB.repository}
          chart: ${METALLB.chart}
          targetRevision: ${version}
          helm:
            valueFiles:
              - $values/cluster-init-apps/metallb/values.yaml
        - repoURL: ${REPO_URL}
          targetRevision: main
          ref: values
`,
  );
  return root;
}

async function thrown(promise: Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

const work = mkdtempSync(path.join(os.tmpdir(), "hydrate-charts-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const options = (root: string, env: NodeJS.ProcessEnv, extra: Partial<HydrateOptions> = {}): HydrateOptions => ({
  root,
  repoURL: REPO_URL,
  kubeVersion: "1.35.4",
  engine: helmEngine,
  charts: defaultChartResolver(root, { env }),
  ...extra,
});

describe("the default chart resolver without the chart", () => {
  let root: string;
  beforeAll(() => {
    root = repository();
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("offline with a cold cache: one clear error naming the fetch command, before rendering anything", async () => {
    const cold = path.join(work, "cold");
    const error = await thrown(hydrate(options(root, { HOMELAB_CHART_CACHE: cold, HOMELAB_OFFLINE: "1" }, { write: false })));
    expect(error).toMatchObject({
      code: "MISSING_ARTIFACT",
      message: `chart metallb ${lockEntry("metallb").version} is not in the chart cache (${cold}) and offline mode is on`,
    });
    expect(error.hint).toMatch(/^run `npx homelab charts fetch`/);
  });

  it("with no network (nothing answers): the same fix, and what failed", async () => {
    const cold = path.join(work, "unreachable");
    // Port 1 on loopback: the connection is refused, as with no network at all.
    const env = { HOMELAB_CHART_CACHE: cold, HOMELAB_CHART_REPO_OVERRIDE: "http://127.0.0.1:1/charts" };
    const error = await thrown(hydrate(options(root, env, { write: false })));
    expect(error).toMatchObject({ code: "MISSING_ARTIFACT" });
    expect(error.message).toMatch(
      /^chart metallb \S+ is not in the chart cache \(.*unreachable\) and cannot be downloaded: GET http:\/\/127\.0\.0\.1:1\/charts\/index\.yaml failed/,
    );
    expect(error.hint).toMatch(/^run `npx homelab charts fetch`/);
  }, 30_000);

  it("a chart the lock does not hold names the lock command", async () => {
    const file = path.join(root, "apps-root-config/applications/metallb.yaml");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace(/targetRevision: \d+\.\d+\.\d+/, "targetRevision: 0.0.1"));
    try {
      const error = await thrown(hydrate(options(root, { HOMELAB_CHART_CACHE: path.join(work, "cold"), HOMELAB_OFFLINE: "1" }, { write: false })));
      expect(error).toMatchObject({ code: "CONFIG", message: "chart metallb 0.0.1 is not in charts.lock.yaml" });
      expect(error.hint).toMatch(/npx homelab charts lock/);
    } finally {
      writeFileSync(file, original);
    }
  });
});

describeWithEngine("hydrate through the chart lock and cache", () => {
  describeWithMirror("chart-packages", "against a loopback Helm repository", (mirror) => {
    let repo: HelmRepo;
    let root: string;
    beforeAll(async () => {
      const { packageChart } = await import("@homelab/helm");
      repo = await helmRepo(mirror, { packageChart, charts: ["metallb", "traefik"] });
      root = repository();
    }, 300_000);
    afterAll(async () => {
      await repo?.close();
      rmSync(root, { recursive: true, force: true });
    });

    it("hydrates from the verified package of the lock, offline, and records the lock's digest in the index and headers", async () => {
      const { fetchCharts, readLock } = await import("@homelab/helm");
      const cacheDir = path.join(work, "warm");
      const lock = readLock(root)!;
      const wanted = lock.charts.filter((c) => c.chart === "metallb" || c.chart === "traefik");
      expect(wanted).toHaveLength(2);
      // The mirror's packages are reproducible: the committed lock's digests are what it serves.
      const fetched = await fetchCharts({ source: lock.source, charts: wanted }, { cacheDir, offline: false, repoOverride: repo.url });
      expect(fetched.map((f) => f.fetched)).toEqual([true, true]);

      const before = repo.requests.length;
      const result = await hydrate(options(root, { HOMELAB_CHART_CACHE: cacheDir, HOMELAB_OFFLINE: "1" }));
      expect(repo.requests.length).toBe(before);

      const locked = lockEntry("metallb");
      const index = parseHydratedIndex(readFileSync(path.join(root, indexFile("metallb", "metallb")), "utf8"), "index.json");
      expect(index.sources[0]).toMatchObject({ type: "helm", chart: "metallb", version: locked.version, repoURL: METALLB.repository, digest: locked.digest });
      const app = result.applications.find((a) => a.plan.name === "metallb")!;
      expect(app.objects.some((o) => o.record.kind === "DaemonSet")).toBe(true);
      const folder = path.join(root, "dist/hydrated/metallb/metallb");
      const header = readFileSync(
        path.join(
          folder,
          readdirSync(folder).find((f) => f.endsWith(".yaml"))!,
        ),
        "utf8",
      );
      expect(header).toContain(`# Chart: metallb@${locked.version} (${METALLB.repository}) ${locked.digest}\n`);
    }, 300_000);
  });
});
