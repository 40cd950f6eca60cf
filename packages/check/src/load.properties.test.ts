import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { yamlBytes } from "@homelab/yaml/testing";
import { loadExtra, loadTree } from "./load.js";

const OUTSIDE_MARKER = "outside-marker-8d1f";
const outside = mkdtempSync(join(tmpdir(), "homelab-outside-"));
writeFileSync(join(outside, "values.yaml"), `leak: ${OUTSIDE_MARKER}\n`);
afterAll(() => rmSync(outside, { recursive: true, force: true }));

type Entry =
  | { kind: "file"; bytes: Uint8Array }
  | { kind: "fifo" }
  | { kind: "dir" }
  | { kind: "link"; to: "outside" | "outside-dir" | "missing" | "self" | "sibling" | "parent" };

const entry: fc.Arbitrary<Entry> = fc.oneof(
  { weight: 6, arbitrary: yamlBytes().map((bytes) => ({ kind: "file" as const, bytes })) },
  { weight: 1, arbitrary: fc.constant({ kind: "fifo" as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: "dir" as const }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("outside", "outside-dir", "missing", "self", "sibling", "parent").map((to) => ({ kind: "link" as const, to: to as "outside" })),
  },
);
const name = fc.constantFrom(
  "a.yaml",
  "b.yml",
  "sub/c.yaml",
  "sub/deeper/d.yaml",
  "templates/t.yaml",
  ".homelab/waivers.yaml",
  ".homelabignore",
  "Chart.yaml",
  "values.yaml",
  "linked",
);
const layout = fc.uniqueArray(fc.tuple(name, entry), { maxLength: 6, selector: ([n]) => n });

function build(entries: [string, Entry][]): string {
  const dir = mkdtempSync(join(tmpdir(), "homelab-prop-"));
  for (const [file, e] of entries) {
    const abs = join(dir, file);
    try {
      mkdirSync(dirname(abs), { recursive: true });
      if (e.kind === "file") writeFileSync(abs, e.bytes);
      else if (e.kind === "fifo") execFileSync("mkfifo", [abs]);
      else if (e.kind === "dir") mkdirSync(abs, { recursive: true });
      else {
        const target = { outside: join(outside, "values.yaml"), "outside-dir": outside, missing: "nowhere.yaml", self: abs, sibling: "a.yaml", parent: ".." }[
          e.to
        ];
        symlinkSync(target, abs);
      }
    } catch {
      // A layout that cannot exist (a file where a folder is needed): the tree is whatever got created.
    }
  }
  return dir;
}

describe("loadTree properties", () => {
  it("any tree of files, FIFOs, folders and symlinks loads or is a HomelabError; nothing outside is ever read", () => {
    fc.assert(
      fc.property(layout, (entries) => {
        const dir = build(entries);
        try {
          const tree = loadTree(dir, { root: dir });
          for (const extra of ["values.yaml", "sub/values.yaml", "linked/values.yaml", relative(dir, join(outside, "values.yaml"))]) {
            try {
              loadExtra(tree, join(dir, extra));
            } catch (error) {
              if (!(error instanceof HomelabError)) throw error;
            }
          }
          for (const loaded of tree.files.values()) expect(loaded.source.text).not.toContain(OUTSIDE_MARKER);
          for (const s of tree.skipped) expect(typeof s.reason).toBe("string");
        } catch (error) {
          if (!(error instanceof HomelabError)) throw error;
          expect(error.position?.file ?? "").not.toMatch(/^\//);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 150 },
    );
  });
});
