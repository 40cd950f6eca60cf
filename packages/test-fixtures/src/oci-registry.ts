import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureBuilt } from "@homelab/workspace";

/**
 * A real OCI registry on 127.0.0.1 for chart tests: CNCF Distribution's
 * `registry`, built from the Go module proxy (pinned in packages/test-fixtures/go),
 * with a temporary storage folder, stopped by close(). No hand-written fake.
 *
 * With `tokenAuth`, the registry answers 401 with a `WWW-Authenticate: Bearer
 * realm=...,service=...,scope=...` challenge (Distribution's "silly" access
 * controller: any Authorization header is let in) and the fixture serves the
 * realm: a token endpoint that records who asked for which scope and hands out
 * an obviously fake token. That is the anonymous pull flow of a public registry.
 */

export const registryBinary = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "build", "registry");

export interface OciRegistryOptions {
  tokenAuth?: boolean;
  /** Longest to wait for the registry to answer; default 30 s. */
  startTimeoutMs?: number;
}

export interface TokenRequest {
  service: string | null;
  scope: string | null;
}

export interface OciRegistry {
  /** `127.0.0.1:<port>`: push to `oci://<host>/charts`. */
  host: string;
  /** Token requests received (with tokenAuth). */
  tokenRequests: TokenRequest[];
  /** The token the token endpoint hands out (not a secret: a test value). */
  token: string;
  close(): Promise<void>;
}

const TEST_TOKEN = "test-token-not-a-secret";

export async function ociRegistry(options: OciRegistryOptions = {}): Promise<OciRegistry> {
  ensureBuilt({ project: "@homelab/test-fixtures", outputs: [registryBinary], what: "the CNCF Distribution registry" });
  const work = mkdtempSync(path.join(tmpdir(), "homelab-oci-"));
  const tokenRequests: TokenRequest[] = [];
  let tokenServer: Server | undefined;
  let realm = "";
  if (options.tokenAuth) {
    tokenServer = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      tokenRequests.push({ service: url.searchParams.get("service"), scope: url.searchParams.get("scope") });
      const body = JSON.stringify({ token: TEST_TOKEN, access_token: TEST_TOKEN, expires_in: 300 });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    await new Promise<void>((resolve) => tokenServer!.listen(0, "127.0.0.1", resolve));
    realm = `http://127.0.0.1:${(tokenServer.address() as AddressInfo).port}/token`;
  }
  const port = await freePort();
  const config = path.join(work, "config.yml");
  writeFileSync(
    config,
    [
      "version: 0.1",
      "log:",
      "  level: error",
      "  accesslog:",
      "    disabled: true",
      "storage:",
      "  filesystem:",
      `    rootdirectory: ${JSON.stringify(path.join(work, "storage"))}`,
      "  delete:",
      "    enabled: true",
      "http:",
      `  addr: 127.0.0.1:${port}`,
      ...(options.tokenAuth ? ["auth:", "  silly:", `    realm: ${JSON.stringify(realm)}`, "    service: homelab-test-registry"] : []),
      "",
    ].join("\n"),
  );
  const child = spawn(registryBinary, ["serve", config], {
    // OTEL_TRACES_EXPORTER=none: Distribution v3 would otherwise try to export traces over the network.
    env: { ...process.env, OTEL_TRACES_EXPORTER: "none", REGISTRY_HTTP_SECRET: "test-only-http-secret" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk.toString("utf8")));
  const host = `127.0.0.1:${port}`;
  const cleanup = async () => {
    await stop(child);
    if (tokenServer) await new Promise<void>((resolve) => tokenServer!.close(() => resolve()));
    rmSync(work, { recursive: true, force: true });
  };
  try {
    await waitReady(`http://${host}/v2/`, child, options.startTimeoutMs ?? 30_000, () => stderr.join(""));
  } catch (error) {
    await cleanup();
    throw error;
  }
  return { host, tokenRequests, token: TEST_TOKEN, close: cleanup };
}

async function freePort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the registry exited with ${child.exitCode}: ${log().trim().slice(-2000)}`);
    try {
      // 200 without auth, 401 with: either way it is serving.
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.body?.cancel();
      if (response.status === 200 || response.status === 401) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the registry did not answer on ${url} within ${timeoutMs} ms: ${log().trim().slice(-2000)}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}
