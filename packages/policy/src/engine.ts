import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { ensureBuilt } from "@homelab/workspace";
import { loadPolicy, type LoadedPolicy } from "@open-policy-agent/opa-wasm";
import type { PolicyInput, PolicyReport } from "./types.js";

/** Entrypoint compiled into policy.wasm (see scripts/build.mjs). */
export const ENTRYPOINT = "homelab/main/report";

/** Where `npm run build -w @homelab/policy` writes the compiled policy. */
export const DEFAULT_WASM = join(dirname(fileURLToPath(import.meta.url)), "..", "build", "policy.wasm");

export interface PolicyEngine {
  evaluate(input: PolicyInput): PolicyReport;
}

/** Loads the compiled policy once; evaluate it for as many inputs as needed. */
export async function loadPolicyEngine(options: { wasm?: string | Uint8Array } = {}): Promise<PolicyEngine> {
  const bytes = typeof options.wasm === "object" ? options.wasm : readWasm(options.wasm ?? DEFAULT_WASM);
  const policy: LoadedPolicy = await loadPolicy(bytes);
  policy.setData({});
  return {
    evaluate(input) {
      const result = policy.evaluate(input, ENTRYPOINT) as { result?: PolicyReport }[] | null;
      const report = result?.[0]?.result;
      if (!report) throw new Error(`policy entrypoint ${ENTRYPOINT} returned no result`);
      // Findings are a set in Rego; sort for stable reports.
      report.findings.sort(
        (a, b) =>
          a.file.localeCompare(b.file) ||
          a.index - b.index ||
          a.rule.localeCompare(b.rule) ||
          a.code.localeCompare(b.code) ||
          JSON.stringify(a.path).localeCompare(JSON.stringify(b.path)),
      );
      return report;
    },
  };
}

function readWasm(path: string): Uint8Array {
  // The default policy is built on first use; a wasm path given by the caller is the caller's to build.
  if (path === DEFAULT_WASM) ensureBuilt({ project: "@homelab/policy", outputs: [DEFAULT_WASM], what: "the policy wasm (OPA, policies/*.rego)" });
  if (!existsSync(path)) {
    throw new HomelabError(ErrorCode.MissingArtifact, `compiled policy not found: ${path}`, {
      hint: "build it with `npm run build -w @homelab/policy` (needs Go to build the pinned OPA)",
    });
  }
  return readFileSync(path);
}
