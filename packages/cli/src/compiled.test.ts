import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript module without declarations
import { MANIFEST, MANIFEST_FORMAT, compiledBuild, tsxCacheParent } from "../bin/compiled.mjs";

const cliDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const root = path.resolve(cliDir, "../..");
// Inside the repository (gitignored .tmp): the build's relative imports and node_modules must resolve.
const scratch = path.join(root, ".tmp");
mkdirSync(scratch, { recursive: true });
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(scratch, "compiled-test-"));
  dirs.push(dir);
  return dir;
};

describe("compiledBuild: the build is used only while every input is unchanged", () => {
  const fixture = () => {
    const base = tempDir();
    const out = path.join(base, "build");
    mkdirSync(out);
    writeFileSync(path.join(base, "a.ts"), "export const a = 1;\n");
    writeFileSync(path.join(out, "cli.mjs"), "");
    const write = (inputs: Record<string, unknown>) =>
      writeFileSync(path.join(out, MANIFEST), JSON.stringify({ format: MANIFEST_FORMAT, esbuild: "x", entries: { "@homelab/cli/main": "cli.mjs" }, inputs }));
    return { base, out, write };
  };
  const record = (file: string, text: string, mtimeMs: number) => ({
    size: Buffer.byteLength(text),
    mtimeMs,
    sha256: execFileSync("sha256sum", [file], { encoding: "utf8" }).split(" ")[0],
  });

  it("trusts unchanged bytes after a touch, refuses changed content, a missing input or entry", () => {
    const { base, out, write } = fixture();
    const file = path.join(base, "a.ts");
    write({ "a.ts": record(file, "export const a = 1;\n", 0) }); // mtime differs: content decides
    expect(compiledBuild(out, base)?.url("@homelab/cli/main")).toMatch(/\/build\/cli\.mjs$/);

    writeFileSync(file, "export const a = 2;\n"); // same size, other bytes
    utimesSync(file, new Date(5000), new Date(5000)); // not the recorded mtime: the content is compared
    expect(compiledBuild(out, base)).toBeUndefined();

    write({ "gone.ts": { size: 1, mtimeMs: 0, sha256: "0" } });
    expect(compiledBuild(out, base)).toBeUndefined();

    write({});
    rmSync(path.join(out, "cli.mjs"));
    expect(compiledBuild(out, base)).toBeUndefined();
  });

  it("HOMELAB_FROM_SOURCE=1 and another manifest format run the sources", () => {
    const { base, out, write } = fixture();
    write({});
    expect(compiledBuild(out, base)).toBeDefined();
    process.env.HOMELAB_FROM_SOURCE = "1";
    try {
      expect(compiledBuild(out, base)).toBeUndefined();
    } finally {
      delete process.env.HOMELAB_FROM_SOURCE;
    }
    writeFileSync(path.join(out, MANIFEST), JSON.stringify({ format: MANIFEST_FORMAT + 1, entries: {}, inputs: {} }));
    expect(compiledBuild(out, base)).toBeUndefined();
  });
});

describe("tsx's compile cache", () => {
  it("is the repository's cache folder, as @homelab/workspace names it (HOMELAB_CACHE_DIR too)", async () => {
    const { workspaceCacheDir } = await import("@homelab/workspace");
    expect(tsxCacheParent({})).toBe(workspaceCacheDir("tsx", {}));
    expect(tsxCacheParent({ HOMELAB_CACHE_DIR: "ci-cache" })).toBe(workspaceCacheDir("tsx", { HOMELAB_CACHE_DIR: "ci-cache" }));
  });
});

describe("the compiled CLI", () => {
  let built: { dir: string; out: string } | undefined;
  /** One build for the tests below (about 2 s). */
  const build = (): { dir: string; out: string } => {
    if (built) return built;
    const dir = tempDir();
    const out = path.join(dir, "build");
    execFileSync(process.execPath, [path.join(cliDir, "scripts/build.mjs"), "--out", out], { cwd: root, stdio: "pipe" });
    return (built = { dir, out });
  };

  it("builds, runs, and gives the user's TypeScript the build's instance of each framework package", () => {
    const { dir, out } = build();
    // User code as a component would be: TypeScript, importing the framework by package name.
    writeFileSync(
      path.join(dir, "user.ts"),
      `import { ErrorCode, HomelabError } from "@homelab/errors";\nexport function fail(): never {\n  throw new HomelabError(ErrorCode.Config, "from user code" as string);\n}\n`,
    );
    const script = `
      import { compiledBuild, enableSourceLoading } from ${JSON.stringify(path.join(cliDir, "bin/compiled.mjs"))};
      const build = compiledBuild(${JSON.stringify(out)});
      if (!build) throw new Error("fresh build not current");
      // As the bin does: the framework loads first, TypeScript loading starts just before a command runs.
      const { main } = await import(build.url("@homelab/cli/main"));
      const errors = await import(build.url("@homelab/errors"));
      await enableSourceLoading(build);
      const user = await import(${JSON.stringify(path.join(dir, "user.ts"))});
      let caught;
      try { user.fail(); } catch (error) { caught = error; }
      let help = "";
      const code = await main(["check", "--help"], { cwd: process.cwd(), env: process.env, stdout: (t) => (help += t), stderr: () => {} });
      console.log(JSON.stringify({ same: caught instanceof errors.HomelabError, errorsUrl: import.meta.resolve("@homelab/errors"), code, help: help.split("\\n")[0] }));
    `;
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(result.stderr).toBe("");
    const answer = JSON.parse(result.stdout) as { same: boolean; errorsUrl: string; code: number; help: string };
    expect(answer).toMatchObject({ same: true, code: 0, help: "Usage: homelab check [dir] [options]" });
    expect(answer.errorsUrl).toBe(`file://${out}/errors.mjs`);

    // Help and usage errors load only what cli.mjs imports statically: the command table, the parser and the
    // error type, never a command's implementation or the libraries behind it (those are dynamic imports).
    const reached = new Set<string>();
    const visit = (file: string): void => {
      if (reached.has(file)) return;
      reached.add(file);
      const code = readFileSync(path.join(out, file), "utf8");
      for (const m of code.matchAll(/^(?:import|export)\s[^;]*?from\s*"\.\/([^"]+\.mjs)";/gms)) visit(m[1]!);
      for (const m of code.matchAll(/^import\s*"\.\/([^"]+\.mjs)";/gm)) visit(m[1]!);
    };
    visit("cli.mjs");
    const sources = new Set(
      [...reached].flatMap((file) =>
        (JSON.parse(readFileSync(path.join(out, `${file}.map`), "utf8")) as { sources: string[] }).sources.map((s) =>
          path.relative(root, path.resolve(out, s)).split(path.sep).join("/"),
        ),
      ),
    );
    const light = (file: string): boolean =>
      /^packages\/cli\/src\/(main|spec|commands\/index)\.ts$/.test(file) ||
      (/^packages\/cli\/src\/commands\/[a-z-]+\.ts$/.test(file) && !file.endsWith(".run.ts")) ||
      file.startsWith("packages/errors/src/") ||
      file === "packages/layout/generated/layout.json" ||
      file === "packages/check/src/format.ts";
    expect([...sources].filter((f) => !light(f))).toEqual([]);
    expect(sources).toContain("packages/cli/src/commands/check.ts");
  });

  it("runs check and values validate without registering a module hook (no tsx), values and schema validation still loading", () => {
    const { out } = build();
    // A repository of its own (.git), one typo'd chart value and one invalid object.
    const repo = tempDir();
    mkdirSync(path.join(repo, ".git"));
    mkdirSync(path.join(repo, "cluster-init-apps"));
    writeFileSync(
      path.join(repo, "cluster-init-apps/metallb.yaml"),
      "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: metallb\n  namespace: argocd\nspec:\n  project: default\n  source:\n    repoURL: https://metallb.github.io/metallb\n    chart: metallb\n    targetRevision: 0.16.1\n    helm:\n      valuesObject:\n        speaker:\n          tolerateMastr: true\n  destination:\n    server: https://kubernetes.default.svc\n    namespace: metallb-system\n",
    );
    writeFileSync(
      path.join(repo, "cluster-init-apps/bad.yaml"),
      "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bad\n  namespace: metallb-system\nspec: {}\n",
    );
    writeFileSync(path.join(repo, "metallb-values.yaml"), "speaker:\n  tolerateMastr: true\n");
    // Every module.register call (tsx's register() makes one, the build's resolve hook another), recorded as the bin runs the commands.
    const script = `
      import module, { syncBuiltinESMExports } from "node:module";
      const registered = [];
      const register = module.register;
      module.register = (specifier, ...rest) => (registered.push(String(specifier)), register(specifier, ...rest));
      syncBuiltinESMExports();
      const { compiledBuild, enableSourceLoading } = await import(${JSON.stringify(path.join(cliDir, "bin/compiled.mjs"))});
      const build = compiledBuild(${JSON.stringify(out)});
      if (!build) throw new Error("fresh build not current");
      const { main } = await import(build.url("@homelab/cli/main"));
      let stdout = "";
      let stderr = "";
      const io = { cwd: process.cwd(), env: process.env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), beforeRun: () => enableSourceLoading(build) };
      const code = await main(["check", ${JSON.stringify(repo)}], io);
      const duringCheck = registered.length;
      const checkOut = stdout;
      const checkErr = stderr;
      stdout = "";
      const valuesCode = await main(["values", "validate", "--chart", "metallb", ${JSON.stringify(path.join(repo, "metallb-values.yaml"))}], io);
      const duringValues = registered.length;
      // The recording itself works: TypeScript loading registers its hooks here.
      await enableSourceLoading(build);
      console.log(JSON.stringify({ code, stdout: checkOut, valuesCode, valuesOut: stdout, checkErr, valuesErr: stderr, duringCheck, duringValues, after: registered.length }));
    `;
    const env = { ...process.env, HOMELAB_CACHE_DIR: path.join(repo, ".cache") };
    const result = spawnSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, env, encoding: "utf8", timeout: 120_000 });
    expect(result.stderr).toBe("");
    const answer = JSON.parse(result.stdout) as {
      code: number;
      stdout: string;
      valuesCode: number;
      valuesOut: string;
      checkErr: string;
      valuesErr: string;
      duringCheck: number;
      duringValues: number;
      after: number;
    };
    expect(answer.stdout).toContain('cluster-init-apps/bad.yaml:6:1  error    schema  spec: unknown field "spec"');
    expect(answer.stdout).toContain('cluster-init-apps/metallb.yaml:15:11  error    values  speaker.tolerateMastr: unknown key "tolerateMastr"');
    expect(answer.valuesOut).toContain('metallb-values.yaml:2:3: speaker.tolerateMastr: unknown key "tolerateMastr"');
    expect(answer).toMatchObject({ code: 1, valuesCode: 1, checkErr: "", valuesErr: "1 file(s) checked against metallb@0.16.1: 1 problem(s)\n" });
    expect(answer).toMatchObject({ duringCheck: 0, duringValues: 0, after: 2 });
  }, 120_000);

  it("starts kubeconform's worker threads from the build's compiled worker entry, not through tsx", () => {
    const { out } = build();
    // The pool's `new URL("./worker.ts", import.meta.url)` points at an entry of the build.
    const worker = /new URL\("\.\/(worker-[\w-]+\.mjs)", import\.meta\.url\)/.exec(readFileSync(path.join(out, "kubeconform-wasm.mjs"), "utf8"))?.[1];
    expect(worker).toBe("worker-kubeconform-wasm-src-worker.mjs");
    expect(readFileSync(path.join(out, worker!), "utf8")).toContain("packages/kubeconform-wasm/src/worker.ts");
    // 5.6 MB of ConfigMaps and one invalid object: enough for a second thread, which must find its files' problems.
    const script = `
      const { createValidator } = await import(${JSON.stringify(`file://${out}/kubeconform-wasm.mjs`)});
      const { homelab } = await import(${JSON.stringify(`file://${out}/cluster.mjs`)});
      const validator = await createValidator({ kubernetesVersion: homelab.kubernetes.version, threads: 2 });
      const filler = (n) => ({ file: "filler-" + n + ".yaml", text: "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: f\\ndata:\\n  blob: " + "y".repeat(700000) + "\\n" });
      const files = Array.from({ length: 8 }, (_, n) => filler(n));
      files.splice(5, 0, { file: "bad.yaml", text: "apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: bad\\nspec: {}\\n" });
      const diagnostics = await validator.validate(files);
      validator.close();
      console.log(JSON.stringify(diagnostics.map((d) => d.file)));
    `;
    // A V8 flag and --input-type, as a caller's own process may have them: the workers must start under both.
    const result = spawnSync(process.execPath, ["--max-semi-space-size=16", "--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      timeout: 300_000,
    });
    expect(result.stderr).toBe("");
    expect(result.stdout.trim().split("\n").at(-1)).toBe(JSON.stringify(["bad.yaml"]));
    expect(result.status).toBe(0);
  }, 300_000);
});
