#!/usr/bin/env node
// The framework runs compiled (packages/cli/build/, `nx run @homelab/cli:build`)
// when that build is current, else from its TypeScript sources through tsx.
// homelab.config.ts and component packages are always TypeScript run from
// source: tsx compiles them on load (and caches by content).
import { compiledBuild, enableSourceLoading } from "./compiled.mjs";

const argv = process.argv.slice(2);
const build = compiledBuild();
// From source everything needs tsx first. Compiled, the framework and the
// command's implementation load first, without tsx's hooks, and TypeScript
// loading starts just before the command runs (help reads no user code and
// never starts it: tsx's start-up is ~0.2 s).
if (!build) await enableSourceLoading(undefined);
const { main } = await import(build ? build.url("@homelab/cli/main") : "../src/main.ts");
process.exitCode = await main(argv, {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  beforeRun: () => enableSourceLoading(build),
});
