/**
 * Two clones, one remote cache: clone A runs the pipeline cold and fills the
 * cache; clone B (another copy, its own empty .nx folder) then runs it and
 * should take every task from the remote cache; after a change to one
 * component in B only that component's tasks run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { startCacheServer } from "./cache-server.js";
import { NX_ENV, runAsync } from "./measure.js";
import { REPO, createWorkspace, editOne } from "./workspace.js";

export interface RemoteCacheResult {
  tasks: number;
  firstMs: number;
  secondMs: number;
  secondHits: number;
  /** Tasks that ran after the change (each stores a new entry). */
  changedRan: number;
}

const PIPELINE = ["run-many", "-t", "render", "validate", "policy"];

export async function remoteCacheScenario(n = 0): Promise<RemoteCacheResult> {
  const shared = mkdtempSync(path.join(os.tmpdir(), "homelab-bench-shared-cache-"));
  const server = await startCacheServer({ dir: shared });
  const a = createWorkspace(n, "clone-a");
  const b = createWorkspace(n, "clone-b");
  const env = { ...NX_ENV, NX_SELF_HOSTED_REMOTE_CACHE_SERVER: server.url };
  const nx = async (dir: string, ...args: string[]) => {
    const start = performance.now();
    await runAsync(path.join(REPO, "node_modules/.bin/nx"), args, { cwd: dir, env });
    return performance.now() - start;
  };
  try {
    const firstMs = await nx(a.dir, ...PIPELINE);
    const tasks = server.stats.stores;
    const before = { ...server.stats };
    const secondMs = await nx(b.dir, ...PIPELINE);
    const secondHits = server.stats.hits - before.hits;
    editOne(b, 0);
    const mid = { ...server.stats };
    await nx(b.dir, ...PIPELINE);
    return { tasks, firstMs, secondMs, secondHits, changedRan: server.stats.stores - mid.stores };
  } finally {
    await server.close();
    a.remove();
    b.remove();
    rmSync(shared, { recursive: true, force: true });
  }
}
