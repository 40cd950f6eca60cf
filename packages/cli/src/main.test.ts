import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "./main.js";

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
