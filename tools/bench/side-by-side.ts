/**
 * The same rendered tree through this repo's in-process engines and through
 * the tools a script would call instead: OPA policies with opa-wasm in-process
 * versus conftest and `opa eval` (both built from the Go module proxy by
 * tools/go, pinned in tools/go/go.mod), kubeconform-wasm versus the native
 * kubeconform built from the same Go module.
 *
 * The policy input is the one `homelab check` builds (documents, values, chart
 * references, render records). conftest and `opa eval` per file get one input
 * per file (that file's share of it), which is how those tools are scripted:
 * the per-file tools see fewer cross-file facts, so the timing comparison is
 * fair but their findings are not expected to be identical.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_LAYERS, buildModel, loadTree, policyConfig } from "@homelab/check";
import { RECORDS_FOLDER, parseRenderRecord } from "@homelab/layout";
import { homelab as cluster } from "@homelab/cluster";
import { coreSchemaDir, crdLocation, crdSchemaDir, createValidator, nativePath } from "@homelab/kubeconform-wasm";
import { loadPolicyEngine, type PolicyInput } from "@homelab/policy";
import { validateValuesFiles } from "@homelab/values";
import { measure, run, type Stat } from "./measure.js";
import { REPO } from "./workspace.js";

export interface SideBySide {
  tree: { files: number; documents: number; policyInputs: number; valuesFiles: number };
  values: Stat;
  policy: {
    opaWasm: Stat;
    conftest: Stat;
    opaEvalWhole: Stat;
    opaEvalPerFile: { files: number; measuredFiles: number; meanMs: number; projectedMs: number };
  };
  schema: { wasm: Stat; wasmWarm: Stat; native1: Stat; nativeCores: Stat };
}

const GO_BIN = path.join(REPO, "tools/go/bin");

/** Builds (if needed) and returns the pinned Go tools. */
export function goTool(name: string): string {
  run(process.execPath, [path.join(REPO, "tools/go/build.mjs"), name], { cwd: REPO });
  return path.join(GO_BIN, name);
}

/** Each file's share of the input: its documents, values, chart references and render records. */
function perFileInputs(input: PolicyInput): Map<string, PolicyInput> {
  const out = new Map<string, PolicyInput>();
  const of = (file: string): PolicyInput => {
    let entry = out.get(file);
    if (!entry) out.set(file, (entry = { config: input.config, documents: [], values: [], charts: [], components: [] }));
    return entry;
  };
  for (const d of input.documents) of(d.file).documents.push(d);
  for (const v of input.values) of(v.file).values.push(v);
  for (const c of input.charts) of(c.file).charts.push(c);
  for (const c of input.components) of(c.file).components.push(c);
  return out;
}

/** The policies without their tests, plus (for conftest) a `main` package turning the report into deny/warn. */
export function policyDir(into: string, adapter: boolean): string {
  const dir = path.join(into, adapter ? "conftest-policy" : "opa-policy");
  const src = path.join(REPO, "policies");
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".rego") || entry.name.endsWith("_test.rego")) continue;
    const rel = path.relative(src, path.join(entry.parentPath, entry.name));
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    cpSync(path.join(src, rel), path.join(dir, rel));
  }
  if (adapter) {
    writeFileSync(
      path.join(dir, "conftest_adapter.rego"),
      `package main

deny contains msg if {
	some f in data.homelab.main.findings
	f.severity == "error"
	msg := sprintf("%s/%s %s#%d", [f.rule, f.code, f.file, f.index])
}

warn contains msg if {
	some f in data.homelab.main.findings
	f.severity == "warning"
	msg := sprintf("%s/%s %s#%d", [f.rule, f.code, f.file, f.index])
}
`,
    );
  }
  return dir;
}

export async function sideBySide(dir: string, options: { runs: number; opaPerFileSample: number }): Promise<SideBySide> {
  const { runs } = options;
  const tree = loadTree(dir);
  const model = buildModel(tree, policyConfig(), DEFAULT_LAYERS);
  const input = model.input;
  const tmp = mkdtempSync(path.join(os.tmpdir(), "homelab-bench-policy-"));
  try {
    // --- values: every values file render wrote, against its chart's generated schema
    const { charts } = await import("@homelab/charts");
    const recordsDir = path.join(dir, RECORDS_FOLDER);
    const valuesJobs: { chart: string; file: string }[] = [];
    for (const name of readdirSync(recordsDir)) {
      const rec = parseRenderRecord(readFileSync(path.join(recordsDir, name), "utf8"), `${RECORDS_FOLDER}/${name}`);
      for (const instance of rec.instances ?? [])
        if (rec.chart && instance.valuesFile) valuesJobs.push({ chart: `${rec.chart.chart}@${rec.chart.version}`, file: instance.valuesFile });
    }
    const values = await measure(runs, async () => {
      for (const job of valuesJobs) {
        const result = await validateValuesFiles({ chart: job.chart, files: [job.file], cwd: dir, charts });
        if (result.issues.length > 0) throw new Error(`values issue in ${job.file}: ${result.issues[0]!.message}`);
      }
    });

    // --- policy
    const opaWasm = await measure(runs, async () => {
      const engine = await loadPolicyEngine();
      engine.evaluate(input);
    });
    const inputs = perFileInputs(input);
    const inputDir = path.join(tmp, "inputs");
    mkdirSync(inputDir);
    const inputFiles: string[] = [];
    let i = 0;
    for (const part of inputs.values()) {
      const file = path.join(inputDir, `${String(i++).padStart(5, "0")}.json`);
      writeFileSync(file, JSON.stringify(part));
      inputFiles.push(file);
    }
    const whole = path.join(tmp, "whole.json");
    writeFileSync(whole, JSON.stringify(input));
    const opa = goTool("opa");
    const conftestBin = goTool("conftest");
    const opaPolicies = policyDir(tmp, false);
    const conftestPolicies = policyDir(tmp, true);
    const conftest = await measure(runs, () =>
      run(conftestBin, ["test", "--no-color", "--policy", conftestPolicies, "--namespace", "main", "--output", "json", ...inputFiles], {
        cwd: tmp,
        allowFailure: true,
      }),
    );
    const opaEval = (inputFile: string) =>
      run(opa, ["eval", "--format", "json", "--data", opaPolicies, "--input", inputFile, "data.homelab.main.report"], { cwd: tmp });
    const opaEvalWhole = await measure(runs, () => opaEval(whole));
    const sample = inputFiles.slice(0, options.opaPerFileSample);
    const perFile = await measure(1, () => {
      for (const file of sample) opaEval(file);
    });
    const meanMs = perFile.median / Math.max(1, sample.length);

    // --- schema: the files `homelab check` hands to kubeconform
    const files = model.kubernetesFiles.map((f) => ({ file: f.file, text: f.source.text }));
    const kubernetesVersion = cluster.kubernetes.version;
    const wasm = await measure(runs, async () => {
      const validator = await createValidator({ kubernetesVersion });
      try {
        await validator.validate(files);
      } finally {
        validator.close();
      }
    });
    const validator = await createValidator({ kubernetesVersion });
    await validator.validate(files);
    const wasmWarm = await measure(runs, () => validator.validate(files));
    validator.close();
    const crds = crdSchemaDir();
    const locations = [path.dirname(coreSchemaDir(kubernetesVersion, true)), ...(crds ? [crdLocation(crds)] : [])];
    const nativeArgs = (workers: number) => [
      "-strict",
      "-summary",
      "-n",
      String(workers),
      "-kubernetes-version",
      kubernetesVersion,
      ...locations.flatMap((l) => ["-schema-location", l]),
      ...model.kubernetesFiles.map((f) => path.join(dir, f.file)),
    ];
    run(nativePath, nativeArgs(1), { cwd: dir, allowFailure: true }); // page cache
    const native1 = await measure(runs, () => run(nativePath, nativeArgs(1), { cwd: dir, allowFailure: true }));
    const nativeCores = await measure(runs, () => run(nativePath, nativeArgs(os.availableParallelism()), { cwd: dir, allowFailure: true }));

    return {
      tree: { files: model.kubernetesFiles.length, documents: input.documents.length, policyInputs: inputFiles.length, valuesFiles: valuesJobs.length },
      values,
      policy: {
        opaWasm,
        conftest,
        opaEvalWhole,
        opaEvalPerFile: { files: inputFiles.length, measuredFiles: sample.length, meanMs, projectedMs: meanMs * inputFiles.length },
      },
      schema: { wasm, wasmWarm, native1, nativeCores },
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
