import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { main } from "./main.js";

// Imported lazily as main.ts imports @homelab/yaml (only to draw an error's line): Nx's module boundaries
// refuse a static import of a library some file of the project loads lazily.
const { yamlBytes, yamlHostile } = await import("@homelab/yaml/testing");

/** No generated input may reach the "internal error" exit (70) or print a stack trace. */
async function run(argv: string[], cwd: string): Promise<{ code: number; out: string }> {
  let out = "";
  const code = await main(argv, { cwd, env: {}, stdout: (t) => (out += t), stderr: (t) => (out += t) });
  return { code, out };
}

function expectNoInternalError({ code, out }: { code: number; out: string }): void {
  expect([0, 1, 2], out).toContain(code);
  expect(out).not.toMatch(/internal error|\n\s+at .+:\d+:\d+\)?\n/);
}

const files = fc.uniqueArray(
  fc.tuple(
    fc.constantFrom("a.yaml", "sub/b.yaml", "cluster-init-apps/x/values.yaml", "Chart.yaml", ".homelab/waivers.yaml"),
    fc.oneof({ weight: 5, arbitrary: yamlBytes() }, { weight: 1, arbitrary: yamlHostile.map((t) => new TextEncoder().encode(t)) }),
  ),
  {
    maxLength: 4,
    selector: ([n]) => n,
  },
);

function tree(entries: [string, Uint8Array][]): string {
  const dir = mkdtempSync(join(tmpdir(), "homelab-cli-prop-"));
  for (const [file, bytes] of entries) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), bytes);
  }
  return dir;
}

describe("main() properties", () => {
  it("values validate: any values file gives 0, 1 or 2, never an internal error", async () => {
    await fc.assert(
      fc.asyncProperty(yamlBytes(), async (bytes) => {
        const dir = tree([["values.yaml", bytes]]);
        try {
          expectNoInternalError(await run(["values", "validate", "--chart", "cert-manager", "values.yaml"], dir));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 150 },
    );
  });

  it("check (policies): any tree gives 0, 1 or 2, never an internal error", async () => {
    await fc.assert(
      fc.asyncProperty(files, fc.constantFrom("text", "json", "sarif", "junit", "github"), async (entries, format) => {
        const dir = tree(entries);
        try {
          expectNoInternalError(await run(["check", dir, "--root", dir, "--no-schema", "--format", format], dir));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it("any argument list gives 0, 1 or 2, never an internal error", async () => {
    const word = fc.constantFrom(
      "render",
      "check",
      "values",
      "validate",
      "codegen",
      "pr-report",
      "release",
      "import",
      "--help",
      "--root",
      "--chart",
      "--format",
      "x",
      "--",
      "-h",
      "--component",
      "=",
      "--no-schema",
    );
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 5 }), async (argv) => {
        const dir = mkdtempSync(join(tmpdir(), "homelab-cli-args-"));
        try {
          // Only commands that fail before doing real work: a bare directory has no config, git or charts.
          expectNoInternalError(await run(argv, dir));
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 80 },
    );
  }, 120_000);
});
