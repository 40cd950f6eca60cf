import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startCacheServer, type CacheServer } from "./cache-server.js";

const dirs: string[] = [];
const servers: CacheServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function server(token?: string): Promise<{ server: CacheServer; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), "cache-server-test-"));
  dirs.push(dir);
  const s = await startCacheServer({ dir, ...(token ? { token } : {}) });
  servers.push(s);
  return { server: s, dir };
}

describe("remote cache server (Nx self-hosted cache API over a folder)", () => {
  it("stores an entry once and serves it to another server on the same folder", async () => {
    const { server: a, dir } = await server();
    const body = Buffer.from("tar bytes \u0000\u0001");
    expect((await fetch(`${a.url}/v1/cache/abc123`)).status).toBe(404);
    expect((await fetch(`${a.url}/v1/cache/abc123`, { method: "PUT", body })).status).toBe(200);
    expect((await fetch(`${a.url}/v1/cache/abc123`, { method: "PUT", body })).status).toBe(409);
    expect(readdirSync(dir)).toEqual(["abc123"]);

    // A second machine: another server process over the shared folder.
    const b = await startCacheServer({ dir });
    servers.push(b);
    const got = await fetch(`${b.url}/v1/cache/abc123`);
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer())).toEqual(body);
    expect(a.stats).toEqual({ hits: 0, misses: 1, stores: 1 });
    expect(b.stats).toEqual({ hits: 1, misses: 0, stores: 0 });
  });

  it("refuses requests without the access token, and paths that are not a hash", async () => {
    const { server: s } = await server("s3cret");
    expect((await fetch(`${s.url}/v1/cache/abc`)).status).toBe(401);
    expect((await fetch(`${s.url}/v1/cache/abc`, { headers: { authorization: "Bearer s3cret" } })).status).toBe(404);
    expect((await fetch(`${s.url}/v1/cache/..%2Fetc`, { headers: { authorization: "Bearer s3cret" } })).status).toBe(404);
    expect(s.stats.misses).toBe(1);
  });
});
