import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
// @ts-expect-error: plain .mjs build script without types
import { buildPolicy } from "../scripts/build.mjs";
import { formatMessage, loadPolicyEngine, MESSAGES, rememberedReport, type PolicyEngine, type PolicyInput } from "./index.js";

const root = join(import.meta.dirname, "../../..");

beforeAll(() => {
  // Incremental: only recompiles when policies/ or the pinned OPA changed.
  buildPolicy();
});

describe("capabilities", () => {
  const caps = JSON.parse(readFileSync(join(root, "policies/capabilities.json"), "utf8")) as { builtins: { name: string }[] };
  const names = caps.builtins.map((b) => b.name);

  it("offers only builtins the wasm SDK implements, without sprintf, time, rand or yaml", () => {
    const sdk = JSON.parse(readFileSync(join(root, "node_modules/@open-policy-agent/opa-wasm/capabilities.json"), "utf8")) as { builtins: { name: string }[] };
    const sdkNames = new Set(sdk.builtins.map((b) => b.name));
    expect(names.filter((n) => !sdkNames.has(n))).toEqual([]);
    expect(names.filter((n) => n === "sprintf" || /^(time|rand|yaml)\./.test(n))).toEqual([]);
    expect(names).toContain("walk");
  });
});

/** One Ingress without TLS, named `name`: an https-only finding. */
const ingressInput = (name: string): PolicyInput => ({
  config: { publicClasses: ["traefik-public"], tlsEntryPoints: ["websecure"], forwardAuthMiddlewares: [], adminServices: [] },
  documents: [
    {
      file: "a.yaml",
      index: 0,
      component: null,
      instance: null,
      layerOrder: null,
      object: { apiVersion: "networking.k8s.io/v1", kind: "Ingress", metadata: { name }, spec: {} },
      images: [],
      namedValues: [],
    },
  ],
  values: [],
  charts: [],
  components: [],
});

describe("engine", () => {
  it("evaluates the compiled report entrypoint and lists every rule", async () => {
    const engine = await loadPolicyEngine();
    const report = engine.evaluate(ingressInput("a"));
    expect(report.rules.map((r) => r.id)).toEqual([
      "https-only",
      "forward-auth",
      "replica-count",
      "no-plaintext-secrets",
      "pinned-versions",
      "admin-private",
      "layer-order",
      "deprecated-api",
      "server-side-apply",
    ]);
    expect(report.findings).toEqual([{ rule: "https-only", severity: "error", code: "ingress-no-tls", file: "a.yaml", index: 0, path: ["spec"], data: {} }]);
  });

  it("remembers a report by policy build and input: the same input is answered without loading the policy", async () => {
    const memoDir = mkdtempSync(join(tmpdir(), "homelab-policy-memo-"));
    try {
      let loads = 0;
      const load = async (): Promise<PolicyEngine> => (loads++, loadPolicyEngine());
      const first = await rememberedReport(ingressInput("a"), { memoDir, load });
      expect(first.findings.map((f) => f.code)).toEqual(["ingress-no-tls"]);
      expect(await rememberedReport(ingressInput("a"), { memoDir, load })).toEqual(first);
      expect(loads).toBe(1);
      // Another input, or another policy build, is judged afresh.
      await rememberedReport(ingressInput("b"), { memoDir, load });
      expect(loads).toBe(2);
      const wasm = readFileSync(join(import.meta.dirname, "../build/policy.wasm"));
      await rememberedReport(ingressInput("a"), { memoDir, wasm: new Uint8Array([...wasm, 0]), load });
      expect(loads).toBe(3);
      expect(readdirSync(memoDir)).toHaveLength(2);
    } finally {
      rmSync(memoDir, { recursive: true, force: true });
    }
  });

  it("reports a missing compiled policy as a HomelabError with the build command", async () => {
    await expect(loadPolicyEngine({ wasm: "/nonexistent/policy.wasm" })).rejects.toBeInstanceOf(HomelabError);
  });
});

describe("messages", () => {
  it("formats structured data, never [object Object]", () => {
    expect(formatMessage({ rule: "no-plaintext-secrets", code: "secret-data", data: { field: "data", keys: ["a", "b"] } })).toBe(
      "Secret carries data in git (a, b); use an ExternalSecret from Vault",
    );
    for (const key of Object.keys(MESSAGES)) {
      const [rule, code] = key.split("/") as [string, string];
      expect(formatMessage({ rule, code, data: { keys: [] } })).not.toContain("[object Object]");
    }
  });

  it("has a message for every code the policies can return", () => {
    const codes = new Set<string>();
    const dir = join(root, "policies");
    for (const file of [
      "https_only",
      "forward_auth",
      "replica_count",
      "no_plaintext_secrets",
      "pinned_versions",
      "admin_private",
      "layer_order",
      "deprecated_api",
      "server_side_apply",
    ]) {
      const text = readFileSync(join(dir, `${file}.rego`), "utf8");
      const id = /"id": "([^"]+)"/.exec(text)![1];
      for (const m of text.matchAll(/finding\(meta\.id, (?:meta\.severity|"warning"), "([^"]+)"/g)) codes.add(`${id}/${m[1]}`);
    }
    expect([...codes].filter((c) => !(c in MESSAGES))).toEqual([]);
    expect(codes.size).toBeGreaterThan(25);
  });
});
