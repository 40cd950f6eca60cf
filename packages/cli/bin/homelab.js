#!/usr/bin/env node
// The framework runs compiled (packages/cli/build/, `nx run @homelab/cli:build`)
// when that build is current, else from its TypeScript sources through tsx.
// homelab.config.ts and component packages are always TypeScript run from
// source: tsx compiles them on load (and caches by content).
import { compiledBuild, enableSourceLoading } from "./compiled.mjs";

const argv = process.argv.slice(2);
const build = compiledBuild();
// Help reads no user code: it need not pay for tsx's start-up (~0.2 s).
const helpOnly = argv.length === 0 || argv[0] === "help" || argv.includes("--help") || argv.includes("-h");
if (!build || !helpOnly) await enableSourceLoading(build);
const { main } = await import(build ? build.url("@homelab/cli/main") : "../src/main.ts");
process.exitCode = await main(argv, {
  cwd: process.cwd(),
  env: process.env,
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
});
