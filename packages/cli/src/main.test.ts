import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "./main.js";
import type { Io } from "./spec.js";

async function run(argv: string[], cwd = process.cwd()) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { cwd, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("homelab CLI", () => {
  it("prints help for the program and for each command", async () => {
    const program = await run(["--help"]);
    expect(program.code).toBe(0);
    expect(program.stdout).toContain("values validate");
    const render = await run(["render", "--help"]);
    expect(render.stdout).toMatch(/^Usage: homelab render \[components\.\.\.\] \[options\]/);
    expect(render.stdout).toContain("--check");
  });

  it("answers usage errors with one line and exit 2, never a stack", async () => {
    const unknown = await run(["rendr"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('homelab: unknown command "rendr"; run `homelab --help` for the commands\n');
    const flag = await run(["render", "--chek"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toBe("homelab: unknown option --chek (did you mean --check?); see `homelab render --help`\n");
    const missing = await run(["values", "validate", "--chart", "metallb"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("homelab: missing argument <files>; see `homelab values validate --help`\n");
  });

  it("a command group's help lists its subcommands; an unknown subcommand gets a suggestion", async () => {
    for (const group of ["charts", "release", "values"]) {
      const help = await run([group, "--help"]);
      expect(help.code, help.stderr).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: homelab ${group} <command> \\[options\\]\n`));
    }
    const charts = await run(["charts", "-h"]);
    expect(charts.stdout.match(/^ {2}charts \w+/gm)).toEqual(["  charts lock", "  charts fetch", "  charts verify"]);
    const release = await run(["release", "--help"]);
    expect(release.stdout).toContain("  release chart-upgrade  ");
    // The bare group is a usage error, with the list to choose from (as the bare program is).
    const bare = await run(["release"]);
    expect(bare.code).toBe(2);
    expect(bare.stdout).toContain("  release gate");
    const typo = await run(["charts", "lokc"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe('homelab: unknown command "charts lokc" (did you mean charts lock?); run `homelab charts --help` for its commands\n');
  });

  it("codegen's flags are the CLI's: an unknown one is a usage error with a suggestion", async () => {
    const typo = await run(["codegen", "--chart-dri", "x"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe("homelab: unknown option --chart-dri (did you mean --chart-dir?); see `homelab codegen --help`\n");
    const missing = await run(["codegen", "--out", "x"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("homelab: no chart given: --chart-dir, --tgz or --repo; see `homelab codegen --help`\n");
  });

  it("gives run() every flag of the table typed: booleans false, repeatables [] when absent, choices checked", async () => {
    const { defineCommand } = await import("./spec.js");
    const seen: unknown[] = [];
    const command = defineCommand({
      path: ["probe"],
      summary: "probe",
      positionals: [],
      flags: {
        dry: { type: "boolean", description: "d" },
        many: { type: "string", multiple: true, description: "m" },
        mode: { type: "string", choices: ["a", "b"], description: "c" },
      },
      load: async () => async (args) => {
        // Typed from the table: these lines would not compile if FlagValues were wrong.
        const dry: boolean = args.flags.dry;
        const many: string[] = args.flags.many;
        const mode: "a" | "b" | undefined = args.flags.mode;
        seen.push({ dry, many, mode, root: args.flags.root });
        return 0;
      },
    });
    const { COMMANDS } = await import("./commands/index.js");
    (COMMANDS as unknown as unknown[]).push(command);
    try {
      expect((await run(["probe"])).code).toBe(0);
      expect((await run(["probe", "--dry", "--many", "x", "--many", "y", "--mode", "b", "--root", "r"])).code).toBe(0);
      const bad = await run(["probe", "--mode", "c"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toBe('homelab: --mode must be one of a, b, not "c"\n');
    } finally {
      (COMMANDS as unknown as unknown[]).pop();
    }
    expect(seen).toEqual([
      { dry: false, many: [], mode: undefined, root: undefined },
      { dry: true, many: ["x", "y"], mode: "b", root: "r" },
    ]);
  });

  /** Runs `body` with a `probe` command in the table that records load, beforeRun and run in `events`. */
  async function withProbe(options: { importsTypeScript?: false }, body: (io: Io, events: string[]) => Promise<void>): Promise<void> {
    const { defineCommand } = await import("./spec.js");
    const events: string[] = [];
    const command = defineCommand({
      path: ["probe"],
      summary: "probe",
      positionals: [],
      flags: {},
      ...options,
      load: async () => {
        events.push("load");
        return async () => {
          events.push("run");
          return 0;
        };
      },
    });
    const { COMMANDS } = await import("./commands/index.js");
    (COMMANDS as unknown as unknown[]).push(command);
    const io = { cwd: process.cwd(), env: {}, stdout: () => undefined, stderr: () => undefined, beforeRun: async () => void events.push("beforeRun") };
    try {
      await body(io, events);
    } finally {
      (COMMANDS as unknown as unknown[]).pop();
    }
  }

  it("calls beforeRun once the command has loaded and before it runs; never for help or a usage error", async () => {
    await withProbe({}, async (io, events) => {
      expect(await main(["probe", "--help"], io)).toBe(0);
      expect(await main(["probe", "--nope"], io)).toBe(2);
      expect(events).toEqual([]);
      expect(await main(["probe"], io)).toBe(0);
      expect(events).toEqual(["load", "beforeRun", "run"]);
    });
  });

  it("skips beforeRun for a command that declares it imports no TypeScript", async () => {
    await withProbe({ importsTypeScript: false }, async (io, events) => {
      expect(await main(["probe"], io)).toBe(0);
      expect(events).toEqual(["load", "run"]);
    });
  });

  it("validates a values file with file:line:column and exit 1", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "homelab-cli-"));
    await writeFile(path.join(dir, "values.yaml"), "crds:\n  enabled: true\nreplicaCont: 2\n");
    const result = await run(["values", "validate", "--chart", "cert-manager@v1.21.1", "values.yaml"], dir);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('values.yaml:3:1: replicaCont: unknown key "replicaCont"; did you mean "replicaCount"?\n');
    expect(result.stderr).toBe("1 file(s) checked against cert-manager@v1.21.1: 1 problem(s)\n");
  });

  it("reports a malformed values file with its line and exit 2", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "homelab-cli-"));
    await writeFile(path.join(dir, "values.yaml"), "crds:\n  enabled: [true\n");
    const result = await run(["values", "validate", "--chart", "cert-manager", "values.yaml"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^homelab: .*values\.yaml:\d+:\d+: /);
    // The offending line is shown with a caret under the column.
    expect(result.stderr).toMatch(/\n {2}\d+ \| .*\n +\^/);
  });
});

describe("the exit point: redaction, control characters, TypeScript syntax errors", () => {
  async function runWith(argv: string[], cwd: string, env: Record<string, string>) {
    let stdout = "";
    let stderr = "";
    const code = await main(argv, { cwd, env, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  }

  it("redacts known secrets of any length and token-shaped strings in everything printed", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "homelab-cli-"));
    const pattern = `ghp_${"A1b2".repeat(9)}`;
    // The file names the secrets, so the error about it carries them.
    await writeFile(path.join(dir, "values.yaml"), `k: {xy7: ${pattern}, xy7: 2} # a: 1\n`);
    const result = await runWith(["values", "validate", "--chart", "cert-manager", "values.yaml"], dir, {
      GITHUB_TOKEN: "a: 1",
      HOMELAB_REGISTRY_TOKEN: "xy7",
    });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain("xy7");
    expect(result.stderr).not.toContain(pattern);
    expect(result.stderr).not.toContain("a: 1");
    expect(result.stderr).toContain("***");
  });

  it("escapes terminal control characters copied from a file into an error", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "homelab-cli-"));
    await writeFile(path.join(dir, "values.yaml"), "crds: {\u001b]0;owned\u0007\u009b31m: 1, \u001b]0;owned\u0007\u009b31m: 2}\n");
    const result = await run(["values", "validate", "--chart", "cert-manager", "values.yaml"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(result.stderr).toContain("\\x1b]0;owned\\x07\\x9b31m");
    // The caret still points at the column the error names, after the escapes.
    const [excerpt, caret] = result.stderr.split("\n").filter((l) => / \| |^\s+\^$/.test(l));
    const column = Number(/values\.yaml:\d+:(\d+)/.exec(result.stderr)![1]);
    const raw = "crds: {\u001b]0;owned\u0007\u009b31m: 1, \u001b]0;owned\u0007\u009b31m: 2}";
    expect(caret!.indexOf("^") - excerpt!.indexOf("| ") - 2).toBe(raw.slice(0, column - 1).replace(/[\u0000-\u001f\u007f-\u009f]/g, "\\xNN").length);
  });

  it("maps a TypeScript syntax error (tsx/esbuild) to exit 2 with file, line and column", async () => {
    const { typeScriptSyntaxError } = await import("./main.js");
    const error = new Error(
      'Transform failed with 2 errors:\n/repo/homelab.config.ts:3:5: ERROR: Unexpected ","\n/repo/homelab.config.ts:9:1: ERROR: Unexpected "}"',
    );
    error.name = "TransformError";
    expect(typeScriptSyntaxError(error, "/repo")).toMatchObject({
      code: "CONFIG",
      message: 'TypeScript syntax error: Unexpected "," (and 1 more)',
      position: { file: "homelab.config.ts", line: 3, column: 6 },
    });
    expect(typeScriptSyntaxError(new Error("boom"), "/repo")).toBeUndefined();
  });

  it("compiles the user's TypeScript into the repository's cache, never into the OS temp folder", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "homelab-cli-"));
    const tmp = await mkdtemp(path.join(os.tmpdir(), "homelab-tmp-"));
    await writeFile(path.join(dir, "package.json"), '{"type":"module"}\n');
    // Loads (tsx compiles it) and is refused after: the command stops there, exit 2.
    await writeFile(path.join(dir, "homelab.config.ts"), "const components: unknown[] = [];\nexport default { components };\n");
    const bin = fileURLToPath(new URL("../bin/homelab.js", import.meta.url));
    const cache = path.join(dir, "cache");
    const result = spawnSync(process.execPath, [bin, "render", "--root", dir], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, TMPDIR: tmp, HOMELAB_CACHE_DIR: cache },
    });
    expect(result.stderr).toContain("the default export must be defineConfig");
    expect(result.status).toBe(2);
    expect(readdirSync(tmp)).toEqual([]);
    expect(readdirSync(path.join(cache, "tsx")).length).toBeGreaterThan(0);

    // A cache folder it cannot write (here under a file; a read-only checkout) does not break loading TypeScript.
    await writeFile(path.join(dir, "not-a-folder"), "");
    const readOnly = spawnSync(process.execPath, [bin, "render", "--root", dir], {
      cwd: dir,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, TMPDIR: tmp, HOMELAB_CACHE_DIR: path.join(dir, "not-a-folder", "cache") },
    });
    expect(readOnly.stderr).toContain("the default export must be defineConfig");
    expect(readOnly.status).toBe(2);
  });

  it("a homelab.config.ts that does not parse gives exit 2 with its line through the real bin (tsx), not exit 70", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "homelab-cli-"));
    await writeFile(path.join(dir, "package.json"), '{"type":"module"}\n');
    await writeFile(path.join(dir, "homelab.config.ts"), "export default {\n  components: [\n  foo: ,\n};\n");
    const bin = fileURLToPath(new URL("../bin/homelab.js", import.meta.url));
    const result = spawnSync(process.execPath, [bin, "render", "--root", dir], { cwd: dir, encoding: "utf8", timeout: 60_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^homelab: homelab\.config\.ts:3:6: TypeScript syntax error: .+\n {2}3 \| {3}foo: ,\n +\^\n$/);
  });
});
