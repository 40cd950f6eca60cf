/**
 * Scenario "codegen-values": codegen of all 13 charts from the chart packages
 * mirror with template analysis (aim: under 10 s), and `homelab values
 * validate` on the largest chart's values (kube-prometheus-stack's whole
 * values.yaml, every key of it: aim under 1 s), as a process and in-process.
 */
import path from "node:path";
import { measure, run, seconds, fmt, type Stat } from "./measure.js";
import { REPO } from "./workspace.js";

export interface CodegenValuesResult {
  /** codegenAll, write: false, in-process (Go analyser processes included). */
  codegen: Stat;
  /** `homelab values validate --chart kube-prometheus-stack values.yaml`, whole process. */
  validateProcess: Stat;
  /** validateValuesFiles in-process, schema compiled once before (the warm path of check). */
  validateInProcess: Stat;
  text: string;
}

export async function codegenValuesScenario(options: { runs: number; log: (line: string) => void }): Promise<CodegenValuesResult> {
  const { codegenAll } = await import("@homelab/codegen");
  const { MIRROR_ENV, mirrorDir } = await import("@homelab/workspace");
  const { charts } = await import("@homelab/charts");
  const { validateValuesFiles } = await import("@homelab/values");
  const packages = mirrorDir("chart-packages");
  if (packages === undefined) throw new Error(`the codegen-values scenario needs the chart packages mirror: set ${MIRROR_ENV["chart-packages"]}`);
  options.log("\n== codegen-values: codegen of the 13 charts with template analysis");
  const codegen = await measure(options.runs, async () => {
    const result = await codegenAll({ chartsDir: packages, write: false });
    if (result.results.length < 13) throw new Error(`codegen covered ${result.results.length} charts`);
  });
  const kps = charts.find((c) => c.chart.name === "kube-prometheus-stack")!;
  const file = path.join(packages, kps.chart.name, kps.chart.version, "values.yaml");
  options.log(`== codegen-values: homelab values validate on ${path.relative(REPO, file)}`);
  const cli = path.join(REPO, "packages/cli/bin/homelab.js");
  // Compiled as `npm ci` leaves a checkout: a stale build would time tsx compiling the framework instead.
  run(process.execPath, [path.join(REPO, "packages/cli/scripts/build.mjs")], { cwd: REPO });
  const validateProcess = await measure(options.runs, () => {
    const out = run(process.execPath, [cli, "values", "validate", "--chart", kps.chart.name, file], { cwd: REPO, allowFailure: true });
    if (out.status === 2) throw new Error(`values validate failed: ${out.stdout}`);
  });
  await validateValuesFiles({ chart: kps.chart.name, files: [file], charts });
  const validateInProcess = await measure(options.runs, () => validateValuesFiles({ chart: kps.chart.name, files: [file], charts }));
  const text = [
    `codegen of the 13 charts with template analysis (in-process, write: false): ${fmt(codegen)} s (aim < 10 s)`,
    `values validate, kube-prometheus-stack values.yaml: process ${fmt(validateProcess)} s (aim < 1 s), in-process warm ${seconds(validateInProcess.median)} s`,
  ].join("\n");
  return { codegen, validateProcess, validateInProcess, text };
}
