import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const compiledModule = path.join(root, "packages/cli/bin/compiled.mjs");
const work = mkdtempSync(path.join(tmpdir(), "homelab-executor-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

it("runs a batch of validate tasks without tsx's hooks, and registers them for a render batch", () => {
  const env: NodeJS.ProcessEnv = { ...process.env, HOMELAB_CACHE_DIR: path.join(work, ".cache") };
  delete env.HOMELAB_FROM_SOURCE;
  // The batch executor runs the compiled framework (as after `npm ci`); build it when it is not current.
  const current = spawnSync(process.execPath, [
    "--input-type=module",
    "-e",
    `const m = await import(${JSON.stringify(compiledModule)}); process.exit(m.compiledBuild() ? 0 : 1)`,
  ]);
  if (current.status !== 0) execFileSync(process.execPath, [path.join(root, "packages/cli/scripts/build.mjs")], { cwd: root, stdio: "pipe" });
  // A repository of its own (.git): one Application with a typo'd chart value, and no homelab.config.ts.
  mkdirSync(path.join(work, ".git"));
  mkdirSync(path.join(work, "cluster-init-apps"));
  writeFileSync(
    path.join(work, "cluster-init-apps/metallb.yaml"),
    "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: metallb\n  namespace: argocd\n  labels:\n    homelab.dev/component: metallb\nspec:\n  project: default\n  source:\n    repoURL: https://metallb.github.io/metallb\n    chart: metallb\n    targetRevision: 0.16.1\n    helm:\n      valuesObject:\n        speaker:\n          tolerateMastr: true\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: metallb-system\n",
  );
  // Every module.register call (tsx's register() makes one, the build's resolve hook another), recorded per batch.
  const script = `
    import module, { createRequire, syncBuiltinESMExports } from "node:module";
    const registered = [];
    const register = module.register;
    module.register = (specifier, ...rest) => (registered.push(String(specifier)), register(specifier, ...rest));
    syncBuiltinESMExports();
    const { batch } = createRequire(import.meta.url)(${JSON.stringify(path.join(here, "executor.cjs"))});
    const run = async (target) => {
      const id = "@homelab/metallb:" + target;
      const graph = { tasks: { [id]: { id, target: { project: "@homelab/metallb", target } } } };
      const results = [];
      for await (const r of batch(graph, { [id]: { component: "metallb" } }, {}, { root: ${JSON.stringify(work)} })) results.push(r.result);
      return results;
    };
    const validate = await run("validate");
    const duringValidate = registered.length;
    const render = await run("render");
    console.log(JSON.stringify({ validate, duringValidate, render, duringRender: registered.length }));
  `;
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
  expect(result.stderr).toBe("");
  const answer = JSON.parse(result.stdout) as {
    validate: { success: boolean; terminalOutput: string }[];
    duringValidate: number;
    render: { success: boolean; terminalOutput: string }[];
    duringRender: number;
  };
  // validate checked the tree (values validation included) with no hook registered ...
  expect(answer.validate).toEqual([{ success: false, terminalOutput: expect.stringContaining('speaker.tolerateMastr: unknown key "tolerateMastr"') }]);
  expect(answer.duringValidate).toBe(0);
  // ... render needs homelab.config.ts (TypeScript): the hooks are registered first, then it fails on the missing config.
  expect(answer.render).toEqual([{ success: false, terminalOutput: expect.stringContaining("homelab.config.ts") }]);
  expect(answer.duringRender).toBe(2);
}, 180_000);
