/**
 * A memo of releases that rendered identically twice. A release's render is a
 * function of its request (chart bytes, values, release name, namespace, kube
 * version, API versions, CRDs flag) and the engine, unless the chart is not
 * deterministic, which hydrate finds by rendering every release twice. So the
 * memo answers a request only after two renders of it agreed, byte for byte (in
 * one run, or this run and an earlier one, whose render is kept unconfirmed),
 * and from then on answers that exact request without rendering it:
 * hydrate after a values edit renders the edited release (twice) and reads the
 * others, at the fixed-point passes and at the determinism render alike. A
 * release that rendered differently is never remembered, so it is rendered
 * (and reported) on every run.
 */
import { createHash } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { hashTree, openGeneration, writeFileAtomic } from "@homelab/workspace";
import type { ReleaseRequest, ReleaseResult, RenderEngine } from "./engine.js";

export interface RenderMemoOptions {
  /** Names the engine's build beyond `engine.version()` (e.g. the helper binary's size and mtime). */
  build?: () => Promise<string>;
}

/** `engine`, answering from and filling the memo under `dir`. */
export function memoizedEngine(engine: RenderEngine, dir: string, options: RenderMemoOptions = {}): RenderEngine {
  let generation: Promise<string> | undefined;
  const generationDir = (): Promise<string> =>
    (generation ??= Promise.all([engine.version(), options.build?.() ?? ""]).then(([version, build]) =>
      openGeneration(dir, createHash("sha256").update(`${version}\0${build}`).digest("hex").slice(0, 16)),
    ));
  const chartDigests = new Map<string, string>();
  /** This run's first render of each request key, kept until a second render confirms it. */
  const firstRenders = new Map<string, string>();
  /** Entries read in this run: the determinism render asks for the same requests again. */
  const hits = new Map<string, ReleaseResult>();
  const remembered = (folder: string, key: string): ReleaseResult | undefined => {
    let hit = hits.get(key);
    if (hit === undefined) {
      hit = read(folder, key);
      if (hit !== undefined) hits.set(key, hit);
    }
    return hit;
  };

  return {
    version: () => engine.version(),
    async renderReleases(requests, renderOptions) {
      const folder = await generationDir();
      const keys = requests.map((r) => requestKey(r, chartDigests));
      const results: (ReleaseResult | undefined)[] = keys.map((key) => remembered(folder, key));
      const missing = requests.filter((_, i) => results[i] === undefined);
      const rendered = missing.length > 0 ? await engine.renderReleases(missing, renderOptions) : [];
      const byId = new Map(rendered.map((r) => [r.id, r]));
      return requests.map((request, i) => {
        const hit = results[i];
        if (hit) return { ...hit, id: request.id };
        const result = byId.get(request.id);
        if (!result) throw new Error(`the render engine returned no result for ${request.id}`);
        if (result.error === null) {
          const key = keys[i]!;
          const text = JSON.stringify({ ...result, id: "" });
          // The earlier render of the same request: this run's, else one a run before left unconfirmed.
          const first = firstRenders.get(key) ?? readText(entryFile(folder, key, ONCE));
          if (first === text) {
            write(entryFile(folder, key, CONFIRMED), text);
            remove(entryFile(folder, key, ONCE)); // confirmed: the unconfirmed copy is not read again
          } else if (!firstRenders.has(key)) write(entryFile(folder, key, ONCE), text);
          firstRenders.set(key, text);
        }
        return result;
      });
    },
  };
}

/** The request without its id, the chart by content: a moved cache or mirror folder is the same chart. */
function requestKey(request: ReleaseRequest, chartDigests: Map<string, string>): string {
  let chart = chartDigests.get(request.chart);
  if (chart === undefined) {
    chart = hashTree(createHash("sha256"), request.chart).digest("hex");
    chartDigests.set(request.chart, chart);
  }
  const { id: _id, chart: _path, ...rest } = request;
  return createHash("sha256")
    .update(JSON.stringify({ ...rest, chart }))
    .digest("hex");
}

/** A result seen once (not yet confirmed, never answered from) and one two renders agreed on. */
const ONCE = ".once.json";
const CONFIRMED = ".json";

function entryFile(folder: string, key: string, suffix: string): string {
  return path.join(folder, key.slice(0, 2), `${key.slice(2)}${suffix}`);
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return undefined;
  }
}

function read(folder: string, key: string): ReleaseResult | undefined {
  const text = readText(entryFile(folder, key, CONFIRMED));
  try {
    return text === undefined ? undefined : (JSON.parse(text) as ReleaseResult);
  } catch {
    return undefined; // not JSON (a disk fault): a miss, rendered again
  }
}

function write(file: string, text: string): void {
  try {
    // A reader sees the whole entry or none.
    writeFileAtomic(file, text);
  } catch {
    // A memo that cannot be written is only slower.
  }
}

function remove(file: string): void {
  try {
    rmSync(file, { force: true });
  } catch {
    // Left behind, it is only never read.
  }
}
