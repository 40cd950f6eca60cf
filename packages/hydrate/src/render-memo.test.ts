import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ReleaseRequest, ReleaseResult, RenderEngine } from "./engine.js";
import { memoizedEngine } from "./render-memo.js";

const temp = mkdtempSync(path.join(tmpdir(), "homelab-render-memo-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** An engine that counts its renders; `vary` makes every render differ (a random password in a chart). */
function fakeEngine(options: { vary?: boolean; fail?: boolean } = {}) {
  let renders = 0;
  const engine: RenderEngine = {
    version: async () => "fake@1",
    renderReleases: async (requests: readonly ReleaseRequest[]) =>
      requests.map((r): ReleaseResult => {
        renders++;
        const suffix = options.vary ? `-${renders}` : "";
        return {
          id: r.id,
          objects: [
            { template: "c/templates/cm.yaml", content: `kind: ConfigMap\ndata:\n  v: ${JSON.stringify(r.values)}${suffix}\n`, hook: null, value: null },
          ],
          crds: [],
          warnings: [],
          error: options.fail ? { message: "boom", template: null, line: null } : null,
        } as unknown as ReleaseResult;
      }),
  };
  return { engine, renders: () => renders };
}

function chartFolder(name: string): string {
  const dir = path.join(temp, name, "chart");
  mkdirSync(path.join(dir, "templates"), { recursive: true });
  writeFileSync(path.join(dir, "Chart.yaml"), "name: c\nversion: 1.0.0\n");
  writeFileSync(path.join(dir, "templates", "cm.yaml"), "kind: ConfigMap\n");
  return dir;
}

const request = (chart: string, over: Partial<ReleaseRequest> = {}): ReleaseRequest => ({
  id: "app",
  chart,
  releaseName: "r",
  namespace: "ns",
  values: [{ replicas: 2 }],
  kubeVersion: "1.35.4",
  apiVersions: ["example.com/v1"],
  includeCrds: true,
  ...over,
});

describe("memoizedEngine", () => {
  it("answers a request only after two renders agreed, then without rendering, under any id", async () => {
    const dir = path.join(temp, "agree", "memo");
    const chart = chartFolder("agree");
    const first = fakeEngine();
    const run1 = memoizedEngine(first.engine, dir);
    const a = await run1.renderReleases([request(chart)]);
    const b = await run1.renderReleases([request(chart)]); // hydrate's determinism render
    expect(first.renders()).toBe(2);
    expect(b).toEqual(a);
    const later = fakeEngine();
    const run2 = memoizedEngine(later.engine, dir);
    const [hit] = await run2.renderReleases([request(chart, { id: "other" })]);
    expect(later.renders()).toBe(0);
    expect(hit).toEqual({ ...a[0], id: "other" });
  });

  it("reads an entry once per run: the determinism render's same request comes from memory", async () => {
    const dir = path.join(temp, "once-per-run", "memo");
    const chart = chartFolder("once-per-run");
    const setup = memoizedEngine(fakeEngine().engine, dir);
    await setup.renderReleases([request(chart)]);
    const [confirmed] = await setup.renderReleases([request(chart)]);
    const later = fakeEngine();
    const run = memoizedEngine(later.engine, dir);
    await run.renderReleases([request(chart)]);
    rmSync(dir, { recursive: true, force: true }); // read again from disk, the entry would now be missing
    const [again] = await run.renderReleases([request(chart, { id: "again" })]);
    expect(later.renders()).toBe(0);
    expect(again).toEqual({ ...confirmed, id: "again" });
  });

  it("confirms a render against an earlier run's single render", async () => {
    const dir = path.join(temp, "across", "memo");
    const chart = chartFolder("across");
    const engines = [fakeEngine(), fakeEngine(), fakeEngine()];
    for (const e of engines) await memoizedEngine(e.engine, dir).renderReleases([request(chart)]);
    expect(engines.map((e) => e.renders())).toEqual([1, 1, 0]);
    // Once confirmed, the unconfirmed copy is gone: one entry per request.
    const files = readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile());
    expect(files.map((f) => f.name.endsWith(".once.json"))).toEqual([false]);
  });

  it("never remembers a release that renders differently, nor one that failed", async () => {
    for (const [name, options] of [
      ["vary", { vary: true }],
      ["fail", { fail: true }],
    ] as const) {
      const dir = path.join(temp, name, "memo");
      const chart = chartFolder(name);
      const e = fakeEngine(options);
      for (let run = 0; run < 3; run++) {
        const memo = memoizedEngine(e.engine, dir);
        await memo.renderReleases([request(chart)]);
        await memo.renderReleases([request(chart)]);
      }
      expect(e.renders()).toBe(6);
    }
  });

  it("misses when any input changes: values, API versions, kube version, the chart's bytes, the engine", async () => {
    const dir = path.join(temp, "inputs", "memo");
    const chart = chartFolder("inputs");
    const warm = fakeEngine();
    const memo = memoizedEngine(warm.engine, dir);
    await memo.renderReleases([request(chart)]);
    await memo.renderReleases([request(chart)]);
    const probe = async (req: ReleaseRequest, engine = fakeEngine()) => {
      await memoizedEngine(engine.engine, dir).renderReleases([req]);
      return engine.renders();
    };
    expect(await probe(request(chart))).toBe(0);
    expect(await probe(request(chart, { values: [{ replicas: 3 }] }))).toBe(1);
    expect(await probe(request(chart, { apiVersions: ["example.com/v1", "example.com/v2"] }))).toBe(1);
    expect(await probe(request(chart, { kubeVersion: "1.36.0" }))).toBe(1);
    const other = fakeEngine();
    other.engine.version = async () => "fake@2";
    expect(await probe(request(chart), other)).toBe(1);
    writeFileSync(path.join(chart, "templates", "cm.yaml"), "kind: ConfigMap\nmetadata: {}\n");
    expect(await probe(request(chart))).toBe(1);
  });
});
