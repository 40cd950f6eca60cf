/**
 * A remote Nx cache over a shared folder: the HTTP API Nx (20.8+) speaks to a
 * self-hosted cache (`NX_SELF_HOSTED_REMOTE_CACHE_SERVER`, OpenAPI spec at
 * https://nx.dev/docs/kb/self-hosted-caching): `GET /v1/cache/{hash}` answers
 * the stored tar or 404, `PUT /v1/cache/{hash}` stores it (409 when present).
 * Every entry is one file in the folder, so any number of servers, machines or
 * CI agents can share one folder (NFS, a CI cache directory).
 *
 * It stands in for a real remote cache in the benchmark and its test; see
 * README "Remote cache" for production options. Run it alone with
 *   node --import tsx tools/bench/cache-server.ts --dir /shared/nx-cache [--port 4000] [--token T]
 */
import { createServer, type Server } from "node:http";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

export interface CacheStats {
  hits: number;
  misses: number;
  stores: number;
}

export interface CacheServer {
  url: string;
  stats: CacheStats;
  close(): Promise<void>;
}

const HASH = /^\/v1\/cache\/([A-Za-z0-9_-]{1,128})$/;

export async function startCacheServer(options: { dir: string; port?: number; token?: string }): Promise<CacheServer> {
  mkdirSync(options.dir, { recursive: true });
  const stats: CacheStats = { hits: 0, misses: 0, stores: 0 };
  const server: Server = createServer((req, res) => {
    const match = HASH.exec(req.url ?? "");
    if (!match) return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      return void res.writeHead(401, { "content-type": "text/plain" }).end("missing or wrong access token");
    }
    const file = path.join(options.dir, match[1]!);
    if (req.method === "GET") {
      if (!existsSync(file)) {
        stats.misses++;
        return void res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      }
      stats.hits++;
      const body = readFileSync(file);
      return void res.writeHead(200, { "content-type": "application/octet-stream", "content-length": body.length }).end(body);
    }
    if (req.method === "PUT") {
      if (existsSync(file)) {
        req.resume();
        return void res.writeHead(409, { "content-type": "text/plain" }).end("already stored");
      }
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        // Written beside, then renamed: a reader on another machine never sees half an entry.
        const temp = `${file}.${process.pid}.tmp`;
        writeFileSync(temp, Buffer.concat(chunks));
        renameSync(temp, file);
        stats.stores++;
        res.writeHead(200, { "content-type": "text/plain" }).end("stored");
      });
      return;
    }
    res.writeHead(405, { "content-type": "text/plain" }).end("method not allowed");
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const { values } = parseArgs({ options: { dir: { type: "string" }, port: { type: "string", default: "4000" }, token: { type: "string" } } });
  if (!values.dir) {
    process.stderr.write("usage: cache-server.ts --dir FOLDER [--port 4000] [--token T]\n");
    process.exit(2);
  }
  const server = await startCacheServer({ dir: values.dir, port: Number(values.port), ...(values.token ? { token: values.token } : {}) });
  process.stderr.write(`Nx remote cache on ${server.url}, entries in ${values.dir}\nexport NX_SELF_HOSTED_REMOTE_CACHE_SERVER=${server.url}\n`);
}
