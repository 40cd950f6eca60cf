// The executor of the inferred render, hydrate, validate and policy targets (see index.cjs).
// Outside a batch a task runs its `command` option, the homelab command line it
// stands for. In a batch (preferBatch: Nx batches these tasks by default) all
// tasks run in this one process through run.ts: start-up, loading the
// components and compiling the wasm modules are paid once, not once per task.
"use strict";
const { spawn } = require("node:child_process");
const path = require("node:path");
const { pathToFileURL } = require("node:url");

/** @type {import("nx/src/config/misc-interfaces").Executor} */
async function homelabExecutor(options, context) {
  const code = await new Promise((resolve) => {
    const child = spawn(options.command, { cwd: context.root, shell: true, stdio: "inherit" });
    child.on("error", () => resolve(1));
    child.on("exit", (status) => resolve(status ?? 1));
  });
  return { success: code === 0 };
}

let runner;
let sourceLoading;
/**
 * run.ts from the compiled framework when that build is current (see
 * packages/cli/bin/compiled.mjs), else through tsx; component packages and
 * homelab.config.ts are TypeScript run from source either way, and only
 * render and hydrate tasks load them (validate and policy run `check`,
 * which reads YAML and generated JSON only).
 */
async function loadRunner(needsTypeScript) {
  const compiled = await import(pathToFileURL(path.join(__dirname, "../../cli/bin/compiled.mjs")).href);
  if (!runner) {
    const build = compiled.compiledBuild();
    // Compiled, the runner loads before tsx's hooks exist (each hooked import is a round trip to tsx's thread).
    if (!build) sourceLoading = compiled.enableSourceLoading(undefined);
    await sourceLoading;
    runner = { build, module: await import(build ? build.url(compiled.NX_RUNNER) : pathToFileURL(path.join(__dirname, "run.ts")).href) };
  }
  if (needsTypeScript) await (sourceLoading ??= compiled.enableSourceLoading(runner.build));
  return runner.module;
}

/**
 * @param {import("nx/src/config/task-graph").TaskGraph} taskGraph
 * @param {Record<string, { component: string }>} inputs
 * @param {unknown} _overrides
 * @param {import("nx/src/config/misc-interfaces").ExecutorContext} context
 */
async function* batch(taskGraph, inputs, _overrides, context) {
  const targets = Object.values(taskGraph.tasks).map((task) => task.target.target);
  const { runTasks, TARGETS } = await loadRunner(targets.some((target) => target === "render" || target === "hydrate"));
  const tasks = Object.values(taskGraph.tasks).map((task) => {
    const target = task.target.target;
    if (!TARGETS.includes(target)) throw new Error(`@homelab/nx-plugin:homelab runs ${TARGETS.join(", ")} targets, not ${target}`);
    return { id: task.id, target, component: inputs[task.id].component };
  });
  // Nx prints each task's terminalOutput like a separate task's (failed ones, or all with --verbose).
  yield* runTasks(tasks, { root: context.root });
}

module.exports = homelabExecutor;
module.exports.default = homelabExecutor;
module.exports.batch = batch;
