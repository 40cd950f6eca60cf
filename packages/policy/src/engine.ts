import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { ensureBuilt, openGeneration, writeFileAtomic } from "@homelab/workspace";
import type { LoadedPolicy } from "@open-policy-agent/opa-wasm";
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
  // Loaded here, not at the top: a check the report memo answers never needs OPA's SDK (and the YAML library it bundles).
  const { loadPolicy } = await import("@open-policy-agent/opa-wasm");
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

/** Reports kept per policy build: the last few trees a branch switch or an undo returns to. */
const REPORTS_KEPT = 16;

/**
 * The report for `input`, from `memoDir` when this compiled policy judged the
 * same input before; else `load()`ed, evaluated and remembered. The policies
 * are a function of the input alone (capabilities.json admits no time, random,
 * network or runtime builtin, and no data is loaded), so the key is the policy
 * build and the input: any change to either is a miss, never a stale report.
 * A run over an unchanged tree then neither instantiates OPA nor evaluates.
 */
export async function rememberedReport(
  input: PolicyInput,
  options: { wasm?: string | Uint8Array; memoDir: string; load(): Promise<PolicyEngine> },
): Promise<PolicyReport> {
  const bytes = typeof options.wasm === "object" ? options.wasm : readWasm(options.wasm ?? DEFAULT_WASM);
  const build = createHash("sha256").update(bytes).update(`\0${ENTRYPOINT}`).digest("hex");
  const key = createHash("sha256").update(build).update("\0").update(JSON.stringify(input)).digest("hex");
  // One folder per policy build: a rebuilt policy's reports are dropped whole.
  const folder = openGeneration(options.memoDir, build.slice(0, 16));
  const file = join(folder, `${key}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as PolicyReport;
  } catch {
    // Not judged yet (or unreadable): evaluate.
  }
  const report = (await options.load()).evaluate(input);
  try {
    writeFileAtomic(file, JSON.stringify(report));
    const reports = readdirSync(folder)
      .filter((name) => name.endsWith(".json"))
      .map((name) => ({ path: join(folder, name), mtimeMs: statSync(join(folder, name)).mtimeMs }))
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
    for (const old of reports.slice(REPORTS_KEPT)) rmSync(old.path, { force: true });
  } catch {
    // A memo that cannot be written is only slower.
  }
  return report;
}
