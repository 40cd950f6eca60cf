#!/usr/bin/env node
// Type-checks one package (and, through its imports, what it uses) with the
// repository's compiler options: the Nx `typecheck` target. `npm test` still
// checks the whole tree in one tsc run (tsconfig.json).
//
//   node tools/typecheck.mjs packages/<name>
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const project = process.argv[2];
if (!project || path.isAbsolute(project) || path.normalize(project).startsWith("..")) {
  process.stderr.write("usage: node tools/typecheck.mjs packages/<name>\n");
  process.exit(2);
}
const dir = path.join(root, ".tmp", "typecheck");
mkdirSync(dir, { recursive: true });
const config = path.join(dir, `${project.replace(/[^a-zA-Z0-9._-]+/g, "_")}.tsconfig.json`);
writeFileSync(
  config,
  `${JSON.stringify(
    {
      extends: path.join(root, "tsconfig.base.json"),
      include: [path.join(root, project, "**/*.ts"), path.join(root, project, "**/*.mts")],
      exclude: ["**/node_modules/**", "**/dist/**", "**/build/**", "**/.tmp/**"],
    },
    null,
    2,
  )}\n`,
);
const tsc = path.join(root, "node_modules", "typescript", "bin", "tsc");
const result = spawnSync(process.execPath, [tsc, "-p", config, "--noEmit"], { stdio: "inherit", cwd: root });
process.exit(result.status ?? 1);
