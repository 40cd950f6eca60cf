/**
 * `npm run bench`: our whole processes against the native peers, paired
 * (peers.ts). `npm run bench -- --detail`: the pipeline measured on the real
 * cluster and on synthetic workspaces of N extra components, side by side with
 * the tools users would script instead, with in-process figures. Not part of
 * `npm test`. See tools/bench/README.md.
 *
 *   npm run bench -- [--pairs 3] [--sizes 100,500] [--keep]
 *   npm run bench -- --detail [--sizes 10,100,500] [--runs 3] [--before 10] [--quick]
 *   npm run bench -- --yaml   YAML loading at 1, 5, 50 MB only (yaml-load.ts)
 *   npm run bench -- --hydrate [--runs 3] [--pairs 3]   hydration only (hydrate.ts)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { NX_ENV, fmt, measure, run, seconds, type Stat } from "./measure.js";
import { pairedTable } from "./paired.js";
import { peersBench } from "./peers.js";
import { remoteCacheScenario, type RemoteCacheResult } from "./remote-cache.js";
import { codegenValuesScenario } from "./codegen-values.js";
import { hydrateScenario } from "./hydrate.js";
import { sideBySide, type SideBySide } from "./side-by-side.js";
import { yamlLoadScenario } from "./yaml-load.js";
import { REPO, commitAll, createWorkspace, editOne, type Workspace } from "./workspace.js";

const { values: args } = parseArgs({
  options: {
    sizes: { type: "string" },
    /** Paired suite: pairs per scenario (at N >= 500 at most 3). */
    pairs: { type: "string", default: "3" },
    /** The detailed suite (in-process figures, remote cache) instead of the paired one. */
    detail: { type: "boolean", default: false },
    runs: { type: "string", default: "3" },
    /** Largest N also measured the old way (one process per task): it is slow. */
    before: { type: "string", default: "10" },
    quick: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    "no-remote-cache": { type: "boolean", default: false },
    /** Only the YAML loading scenario (1, 5, 50 MB; yaml-load.ts). */
    yaml: { type: "boolean", default: false },
    /** Only the hydration scenarios (hydrate.ts): cold, cached, paired per chart and the whole cluster. */
    hydrate: { type: "boolean", default: false },
  },
});
const quick = args.quick;
const sizes = (quick ? "10" : (args.sizes ?? "10,100,500")).split(",").map(Number);
const RUNS = quick ? 1 : Number(args.runs);
const beforeMax = quick ? -1 : Number(args.before);

const log = (line: string): void => void process.stderr.write(`${line}\n`);

if (args.yaml) {
  process.stdout.write(`${yamlLoadScenario({ log }).text}\n`);
  process.exit(0);
}

if (args.hydrate) {
  const startedAt = new Date().toISOString();
  const loadBefore = os.loadavg();
  const hydration = await hydrateScenario({ runs: RUNS, pairs: Number(args.pairs), log });
  if (hydration) {
    const outDir = path.join(REPO, "bench-results");
    mkdirSync(outDir, { recursive: true });
    const file = path.join(outDir, `hydrate-${startedAt.replace(/[:.]/g, "-")}.json`);
    writeFileSync(file, `${JSON.stringify({ date: startedAt, loadAverage: loadBefore, loadAverageAfter: os.loadavg(), ...hydration }, null, 2)}\n`);
    process.stdout.write(
      `\n${hydration.text}\n\nload average before ${loadBefore.map((l) => l.toFixed(1)).join(" ")}, after ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")}\n`,
    );
    log(`\nwrote ${path.relative(REPO, file)}`);
  }
  process.exit(0);
}

if (!args.detail) {
  const startedAt = new Date().toISOString();
  const loadBefore = os.loadavg();
  const peers = await peersBench({ pairs: Number(args.pairs), sizes: (args.sizes ?? "100,500").split(",").filter(Boolean).map(Number), keep: args.keep, log });
  const growth = peers.growth
    ? `\ncheck time from N=${peers.growth.from} to N=${peers.growth.to}: ours x${peers.growth.ours.toFixed(2)}, peers x${peers.growth.peers.toFixed(2)}`
    : "";
  const trees = peers.trees.map((t) => `${t.label}: ${t.files} files, ${t.documents} documents`).join("; ");
  const codegenValues = await codegenValuesScenario({ runs: Number(args.pairs), log });
  const yamlLoad = yamlLoadScenario({ log });
  const text = `${pairedTable(peers.results)}\n\n${trees}${growth}\n\n${codegenValues.text}\n\n${yamlLoad.text}`;
  const outDir = path.join(REPO, "bench-results");
  mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `paired-${startedAt.replace(/[:.]/g, "-")}.json`);
  const machine = {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: loadBefore,
  };
  writeFileSync(
    file,
    `${JSON.stringify({ date: startedAt, machine, loadAverageAfter: os.loadavg(), pairs: Number(args.pairs), ...peers, codegenValues, yamlLoad: yamlLoad.cases, table: text }, null, 2)}\n`,
  );
  process.stdout.write(`\n${text}\n`);
  log(`\nwrote ${path.relative(REPO, file)}`);
  process.exit(0);
}
const nx = (ws: Workspace, ...nxArgs: string[]) => run(path.join(REPO, "node_modules/.bin/nx"), nxArgs, { cwd: ws.dir, env: NX_ENV });
const homelab = (ws: Workspace, ...cliArgs: string[]) =>
  run(process.execPath, [path.join(ws.dir, "packages/cli/bin/homelab.js"), ...cliArgs], { cwd: ws.dir, allowFailure: true });
const PIPELINE = ["run-many", "-t", "render", "validate", "policy"];

interface SizeResult {
  label: string;
  n: number;
  components: number;
  files: number;
  documents: number;
  nx: Record<string, Stat>;
  cli: Record<string, Stat>;
  sideBySide?: SideBySide;
}

async function bench(n: number): Promise<SizeResult> {
  const label = n === 0 ? "real cluster" : `N=${n}`;
  const runs = n >= 500 ? Math.min(RUNS, 2) : RUNS;
  log(`\n== ${label}: creating the workspace`);
  const ws = createWorkspace(n);
  try {
    const nxStats: Record<string, Stat> = {};
    const cli: Record<string, Stat> = {};
    // Warm the OS page cache and let Nx write its project graph once (not timed), then commit the rendered
    // output as a repository would: `nx affected` then sees only the edited component.
    nx(ws, ...PIPELINE);
    commitAll(ws, "rendered output");

    log(`   cold render (batch), ${runs} run(s)`);
    nxStats.coldRender = await measure(runs, () => nx(ws, "run-many", "-t", "render", "--skip-nx-cache"));
    log(`   cached render`);
    nxStats.cachedRender = await measure(runs, () => nx(ws, "run-many", "-t", "render"));
    log(`   cold render+validate+policy (batch)`);
    nxStats.coldPipeline = await measure(runs, () => nx(ws, ...PIPELINE, "--skip-nx-cache"));
    log(`   cached render+validate+policy`);
    nxStats.cachedPipeline = await measure(runs, () => nx(ws, ...PIPELINE));
    if (n <= beforeMax) {
      // Before this change: a process per task (the executor's non-batch path runs the CLI command).
      log(`   cold render+validate+policy, one process per task (before)`);
      nxStats.coldPipelinePerTask = await measure(1, () => nx(ws, ...PIPELINE, "--skip-nx-cache", "--batch=false"));
    }
    log(`   affected after a one-file change`);
    nxStats.affected = await measure(
      runs,
      () => nx(ws, "affected", "-t", "render", "validate", "policy", "--base=HEAD"),
      (r) => editOne(ws, r),
    );

    log(`   homelab check (whole tree, one process)`);
    cli.check = await measure(runs, () => {
      const r = homelab(ws, "check");
      if (r.status > 1) throw new Error(`homelab check failed: ${r.stdout}`);
    });

    log(`   side by side: policy engines and schema validators`);
    const side = await sideBySide(ws.dir, { runs, opaPerFileSample: quick ? 10 : 40 });
    const summary = side.tree;
    return { label, n, components: 14 + n, files: summary.files, documents: summary.documents, nx: nxStats, cli, sideBySide: side };
  } finally {
    if (args.keep) log(`   kept ${ws.dir}`);
    else ws.remove();
  }
}

async function codegenFigure(): Promise<Stat> {
  const { codegenAll } = await import("@homelab/codegen");
  const { MIRROR_ENV, mirrorDir } = await import("@homelab/workspace");
  const chartsDir = mirrorDir("charts");
  if (chartsDir === undefined) throw new Error(`the codegen figure needs a local charts mirror: set ${MIRROR_ENV.charts}`);
  return measure(RUNS, async () => {
    const result = await codegenAll({ chartsDir, write: false });
    if (result.results.length < 13) throw new Error(`codegen covered ${result.results.length} charts`);
  });
}

function table(results: SizeResult[], codegen: Stat | undefined, remote: RemoteCacheResult | undefined): string {
  const cols = results.map((r) => r.label);
  const rows: [string, (r: SizeResult) => string][] = [
    ["components / files / documents", (r) => `${r.components} / ${r.files} / ${r.documents}`],
    ["nx cold render (batch)", (r) => fmt(r.nx.coldRender)],
    ["nx cached render", (r) => fmt(r.nx.cachedRender)],
    ["nx cold render+validate+policy (batch)", (r) => fmt(r.nx.coldPipeline)],
    ["  same, one process per task (before)", (r) => fmt(r.nx.coldPipelinePerTask)],
    ["nx fully cached render+validate+policy", (r) => fmt(r.nx.cachedPipeline)],
    ["nx affected after a one-file change", (r) => fmt(r.nx.affected)],
    ["homelab check, whole tree (process)", (r) => fmt(r.cli.check)],
    ["values validation, rendered values files (in-process)", (r) => fmt(r.sideBySide?.values)],
    ["policy: opa-wasm in-process (load + evaluate)", (r) => fmt(r.sideBySide?.policy.opaWasm)],
    ["policy: conftest, one process, input per file", (r) => fmt(r.sideBySide?.policy.conftest)],
    [
      "policy: opa eval, one process per file",
      (r) =>
        r.sideBySide
          ? `${seconds(r.sideBySide.policy.opaEvalPerFile.projectedMs)} (${r.sideBySide.policy.opaEvalPerFile.measuredFiles} of ${r.sideBySide.policy.opaEvalPerFile.files} files timed)`
          : "–",
    ],
    ["policy: opa eval, one process, whole tree", (r) => fmt(r.sideBySide?.policy.opaEvalWhole)],
    ["  ratio conftest / opa-wasm", (r) => ratio(r.sideBySide?.policy.conftest, r.sideBySide?.policy.opaWasm)],
    [
      "  ratio opa eval per file / opa-wasm",
      (r) => (r.sideBySide ? `${(r.sideBySide.policy.opaEvalPerFile.projectedMs / r.sideBySide.policy.opaWasm.median).toFixed(1)}x` : "–"),
    ],
    ["schema: kubeconform-wasm (load + validate)", (r) => fmt(r.sideBySide?.schema.wasm)],
    ["schema: kubeconform-wasm, warm (schemas compiled)", (r) => fmt(r.sideBySide?.schema.wasmWarm)],
    ["schema: native kubeconform -n 1", (r) => fmt(r.sideBySide?.schema.native1)],
    [`schema: native kubeconform -n ${os.availableParallelism()}`, (r) => fmt(r.sideBySide?.schema.nativeCores)],
    ["  ratio wasm / native -n 1", (r) => ratio(r.sideBySide?.schema.wasm, r.sideBySide?.schema.native1)],
    [`  ratio wasm / native -n ${os.availableParallelism()}`, (r) => ratio(r.sideBySide?.schema.wasm, r.sideBySide?.schema.nativeCores)],
  ];
  const header = ["seconds: median (min–max)", ...cols];
  const body = rows.map(([name, cell]) => [name, ...results.map(cell)]);
  const lines = [header, header.map(() => "---"), ...body].map((row) => `| ${row.join(" | ")} |`);
  if (codegen) lines.push("", `codegen of the 13 charts (in-process, write: false): ${fmt(codegen)} s`);
  if (remote) {
    lines.push(
      "",
      `remote cache (HTTP cache server over a shared folder): first clone cold ${seconds(remote.firstMs)} s; second clone, empty local cache: ${seconds(remote.secondMs)} s, ${remote.secondHits}/${remote.tasks} tasks from the remote cache; after changing one component in the second clone: ${remote.changedRan} task(s) ran (its render, validate and policy), the rest came from the cache`,
    );
  }
  return lines.join("\n");
}

const ratio = (a: Stat | undefined, b: Stat | undefined): string => (a && b ? `${(a.median / b.median).toFixed(1)}x` : "–");

const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? "unknown",
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  loadAverage: os.loadavg(),
  node: process.version,
  platform: `${os.platform()} ${os.release()}`,
};
log(`machine: ${machine.cpus} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, load ${machine.loadAverage.map((l) => l.toFixed(1)).join(" ")}`);

const results: SizeResult[] = [];
for (const n of [0, ...sizes]) results.push(await bench(n));
log("\n== codegen of the 13 charts");
const codegen = await codegenFigure();
log("\n== hydration of the real cluster");
const hydration = await hydrateScenario({ runs: RUNS, pairs: Number(args.pairs), log });
const outDir = path.join(REPO, "bench-results");
mkdirSync(outDir, { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const file = path.join(outDir, `bench-${stamp}.json`);
const save = (remote: RemoteCacheResult | undefined): string => {
  const text = table(results, codegen, remote);
  writeFileSync(
    file,
    `${JSON.stringify({ date: new Date().toISOString(), machine, loadAverageAfter: os.loadavg(), runs: RUNS, results, codegen, remoteCache: remote, table: text }, null, 2)}\n`,
  );
  return text;
};
save(undefined);
const remote = args["no-remote-cache"] ? undefined : (log("\n== remote cache scenario"), await remoteCacheScenario());
process.stdout.write(`\n${save(remote)}\n${hydration ? `\n${hydration.text}\n` : ""}`);
if (hydration) writeFileSync(file.replace(/\.json$/, "-hydrate.json"), `${JSON.stringify(hydration, null, 2)}\n`);
log(`\nwrote ${path.relative(REPO, file)}`);
