#!/usr/bin/env node
// Compiles the framework (every packages/* workspace package, not the
// components) to JavaScript with esbuild: one ES module per package entry
// point, sharing chunks, in the gitignored packages/cli/build/. bin/homelab.js
// and the Nx batch executor load it instead of compiling TypeScript through
// tsx at every start (see bin/compiled.mjs); homelab.config.ts and the
// component packages stay TypeScript, compiled on demand by tsx.
//
//   node packages/cli/scripts/build.mjs [--out DIR]   (Nx: `nx run @homelab/cli:build`, cached)
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { MANIFEST, MANIFEST_FORMAT, NX_RUNNER } from "../bin/compiled.mjs";

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(cliDir, "../..");
// --out DIR: elsewhere (tests); bin/homelab.js only uses packages/cli/build.
const outFlag = process.argv.indexOf("--out");
const outDir = outFlag > 0 ? path.resolve(process.argv[outFlag + 1]) : path.join(cliDir, "build");
/** The CLI and the Nx batch runner: the programs; every framework package they reach gets an entry of its own. */
const PROGRAMS = {
  cli: { specifier: "@homelab/cli/main", file: path.join(cliDir, "src/main.ts") },
  "nx-plugin-run": { specifier: NX_RUNNER, file: path.join(root, "packages/nx-plugin/src/run.ts") },
};

/** Framework packages by folder: name, manifest and `exports` entries that are TypeScript sources. */
function frameworkPackages() {
  const packages = new Map();
  for (const dir of readdirSync(path.join(root, "packages"), { withFileTypes: true })) {
    const manifestFile = path.join(root, "packages", dir.name, "package.json");
    if (!dir.isDirectory() || dir.name === "components" || !existsSync(manifestFile)) continue;
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8"));
    const exports = [];
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      if (typeof target !== "string" || !target.endsWith(".ts")) continue;
      // Test helpers (`./testing`) are for other packages' tests, never reached by the CLI.
      if (subpath === "./testing" || subpath.startsWith("./testing/")) continue;
      const file = path.join(root, "packages", dir.name, target);
      if (existsSync(file)) exports.push({ specifier: subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`, file });
    }
    packages.set(path.join("packages", dir.name), { manifestFile, exports });
  }
  return packages;
}

/**
 * Entry points: the programs, and every export of the framework packages the
 * programs reach (a first pass finds them), so user code importing one of them
 * gets the compiled module. Packages they do not reach are left out: a package
 * being written beside them cannot break the build.
 */
async function entryPoints(options) {
  const reach = await esbuild.build({
    ...options,
    entryPoints: Object.fromEntries(Object.entries(PROGRAMS).map(([name, p]) => [name, p.file])),
    write: false,
    outdir: "reach",
  });
  const reached = new Set(Object.keys(reach.metafile.inputs).map((f) => f.split("/").slice(0, 2).join("/")));
  const entries = {};
  const names = {};
  const manifests = [path.join(cliDir, "package.json"), path.join(root, "packages/nx-plugin/package.json")];
  for (const [folder, pkg] of frameworkPackages()) {
    if (!reached.has(folder)) continue;
    manifests.push(pkg.manifestFile);
    for (const file of workerReferences(path.join(root, folder))) {
      const name = `worker-${path.relative(path.join(root, "packages"), file).replace(/\.ts$/, "").split(path.sep).join("-")}`;
      entries[name] = file;
      workerEntries.set(file, `${name}.mjs`);
    }
    for (const { specifier, file } of pkg.exports) {
      const name = specifier.replace(/^@homelab\//, "").replace(/\//g, "-");
      entries[name] = file;
      names[specifier] = `${name}.mjs`;
    }
  }
  for (const [name, program] of Object.entries(PROGRAMS)) {
    entries[name] = program.file;
    names[program.specifier] = `${name}.mjs`;
  }
  return { entries, names, manifests: [...new Set(manifests)] };
}

/** `new URL("./x.ts", import.meta.url)`: how a source names a worker thread's entry module. */
const WORKER_REFERENCE = /new URL\((["'])(\.\.?\/[^"']+\.ts)\1, (import\.meta\.url|__homelabSourceUrl)\)/g;

/** Compiled worker entries by source file (filled by entryPoints, read by sourceUrls). */
const workerEntries = new Map();

/** TypeScript modules that a package's sources (tests aside) name as worker entries. */
function workerReferences(packageDir) {
  const found = new Set();
  const walk = (dir) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (/\.[cm]?ts$/.test(entry.name) && !/\.test\.[cm]?ts$/.test(entry.name)) {
        for (const match of readFileSync(file, "utf8").matchAll(WORKER_REFERENCE)) {
          const target = path.resolve(path.dirname(file), match[2]);
          if (existsSync(target)) found.add(target);
        }
      }
    }
  };
  walk(path.join(packageDir, "src"));
  return [...found].sort();
}

/**
 * Bundled code must still find files beside its source (the wasm builds,
 * schemas, worker entry): `import.meta.url` becomes the source file's URL,
 * relative to the output folder so the build can move with the checkout.
 */
const sourceUrls = {
  name: "homelab-source-urls",
  setup(build) {
    build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = readFileSync(args.path, "utf8");
      const other = /\bimport\.meta\.(dirname|filename|resolve)\b/.exec(text);
      if (other) {
        return { errors: [{ text: `import.meta.${other[1]} is not rewritten for the compiled CLI; use import.meta.url`, location: { file: args.path } }] };
      }
      if (!/\bimport\.meta\.url\b/.test(text)) return { contents: text, loader: "ts" };
      const relative = path.relative(outDir, args.path).split(path.sep).join("/");
      // A worker's entry is compiled too (entryPoints): its URL points at that module, beside this one in the build.
      const body = text.replace(/\bimport\.meta\.url\b/g, "__homelabSourceUrl").replace(WORKER_REFERENCE, (whole, _quote, target) => {
        const compiled = workerEntries.get(path.resolve(path.dirname(args.path), target));
        return compiled ? `new URL(${JSON.stringify(`./${compiled}`)}, import.meta.url)` : whole;
      });
      // Declared first: a `var` assigned at the end would still be undefined while module-level code runs.
      const contents = `var __homelabSourceUrl = new URL(${JSON.stringify(relative)}, import.meta.url).href;\n${body}`;
      return { contents, loader: "ts" };
    });
  },
};

/**
 * Third-party packages are bundled too (one file read instead of hundreds of
 * module resolutions at start-up), each resolved from its importer as Node
 * would. The build tools and compilers stay external, and so do the
 * components: the user's TypeScript, run through tsx. A package kept external
 * is pinned to the file it resolves to from its importer, relative to the
 * output (a package may have its own version beside it).
 */
const KEEP_EXTERNAL = ["typescript", "tsx", "esbuild", "vitest", "nx"];
const externals = {
  name: "homelab-externals",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === "resolving") return undefined;
      if (args.path.startsWith("node:")) return { external: true };
      if (args.path.startsWith("@homelab/") && !args.path.startsWith("@homelab/component-")) return undefined;
      if (args.path.startsWith("@homelab/component-")) return { external: true };
      if (!KEEP_EXTERNAL.some((p) => args.path === p || args.path.startsWith(`${p}/`))) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: "resolving" });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      if (resolved.external || !path.isAbsolute(resolved.path)) return { external: true };
      const relative = path.relative(outDir, resolved.path).split(path.sep).join("/");
      return { path: relative.startsWith(".") ? relative : `./${relative}`, external: true };
    });
  },
};

const sha256 = (file) => createHash("sha256").update(readFileSync(file)).digest("hex");

const temp = `${outDir}.tmp-${process.pid}`;
rmSync(temp, { recursive: true, force: true });
/** @type {import("esbuild").BuildOptions} */
const options = {
  absWorkingDir: root,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  // Node's own resolution: no "module" condition or field that Node would not use.
  conditions: [],
  mainFields: ["main"],
  target: "node20.19",
  outExtension: { ".js": ".mjs" },
  entryNames: "[name]",
  chunkNames: "chunk-[hash]",
  metafile: true,
  logLevel: "warning",
  plugins: [externals, sourceUrls],
  // Bundled CommonJS dependencies call require() for Node's built-ins.
  banner: { js: 'import { createRequire as __homelabCreateRequire } from "node:module"; const require = __homelabCreateRequire(import.meta.url);' },
};
try {
  const { entries, names, manifests } = await entryPoints(options);
  const result = await esbuild.build({ ...options, entryPoints: entries, outdir: temp, sourcemap: "linked" });
  // Everything the output was made from: a change to any of them makes bin/compiled.mjs fall back to source.
  // (package.json files too: their exports say which file a specifier loads; the lock file: the bundled dependencies.)
  const inputs = new Set(Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules/")));
  for (const file of [
    ...manifests,
    path.join(root, "package-lock.json"),
    fileURLToPath(import.meta.url),
    fileURLToPath(new URL("../bin/compiled.mjs", import.meta.url)),
  ])
    inputs.add(path.relative(root, file));
  const record = {};
  for (const file of [...inputs].sort()) {
    const abs = path.resolve(root, file);
    const st = statSync(abs);
    record[path.relative(root, abs).split(path.sep).join("/")] = { size: st.size, mtimeMs: st.mtimeMs, sha256: sha256(abs) };
  }
  writeFileSync(
    path.join(temp, MANIFEST),
    `${JSON.stringify({ format: MANIFEST_FORMAT, esbuild: esbuild.version, entries: names, inputs: record }, null, 2)}\n`,
  );
  rmSync(outDir, { recursive: true, force: true });
  renameSync(temp, outDir);
  console.log(`compiled ${Object.keys(entries).length} entry points from ${inputs.size} sources into ${path.relative(root, outDir)}/`);
} catch (error) {
  rmSync(temp, { recursive: true, force: true });
  // esbuild has already printed the errors with file and line.
  console.error(`homelab: compiling the CLI failed${error?.errors?.length ? "" : `: ${error}`}`);
  process.exit(2);
}
