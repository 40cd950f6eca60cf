// Property tests: no generated path, record or symlink layout gets past the
// containment gate or the record parser to somewhere outside the root.
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { isBelow, realInsideSync, resolveInside } from "./contain.js";
import { componentFolder, applicationSetPath } from "./layers.js";
import { contentDigest, parseRenderRecord, renderRecordText } from "./record.js";
import { hostilePath, recordFixture } from "./testing.js";

function expectOnlyHomelabErrors(fn: () => void): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HomelabError);
  }
}

describe("resolveInside (property)", () => {
  const root = path.resolve("/repo/root");
  it("returns a path strictly below the root or throws a HomelabError", () => {
    fc.assert(
      fc.property(fc.oneof(hostilePath, fc.string()), (relative) => {
        expectOnlyHomelabErrors(() => {
          const resolved = resolveInside(root, relative, "path");
          expect(isBelow(root, resolved)).toBe(true);
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe("parseRenderRecord (property)", () => {
  it("never returns a record with a path outside the component's folders, whatever the file entries", () => {
    fc.assert(
      fc.property(
        fc.dictionary(hostilePath, fc.constant(contentDigest("x")), { maxKeys: 5 }),
        fc.constantFrom("demo", "../demo", "a/b", "DEMO", ""),
        (files, component) => {
          const record = { ...recordFixture({ component: "demo", layer: "apps" }), component, files };
          expectOnlyHomelabErrors(() => {
            const parsed = parseRenderRecord(renderRecordText(record), ".homelab/rendered/demo.json");
            for (const file of Object.keys(parsed.files)) {
              expect(file === applicationSetPath("demo") || file.startsWith(`${componentFolder("apps", "demo")}/`)).toBe(true);
              expect(file.split("/")).not.toContain("..");
            }
          });
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("throws only HomelabErrors on any JSON text", () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.string()), (text) => {
        expectOnlyHomelabErrors(() => parseRenderRecord(text, ".homelab/rendered/demo.json"));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("realInsideSync (property over symlink layouts)", () => {
  let base: string;
  beforeAll(() => {
    base = realpathSync(mkdtempSync(path.join(os.tmpdir(), "homelab-contain-prop-")));
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  const NAMES = ["a", "b", "c"] as const;
  /** Each of a/, b/, c/ (under root or under a/) is absent, a folder, a file, or a symlink to an inside or outside target. */
  const layout = fc.array(
    fc.tuple(
      fc.constantFrom("", "a/"),
      fc.constantFrom(...NAMES),
      fc.constantFrom("dir", "file", "link-out", "link-in", "link-root", "link-dangling", "link-parent"),
    ),
    { maxLength: 5 },
  );
  const probe = fc.array(fc.constantFrom(...NAMES, "x.yaml"), { minLength: 1, maxLength: 4 }).map((parts) => parts.join("/"));

  it("resolves to a real path inside the real root, or refuses with a HomelabError", () => {
    let run = 0;
    fc.assert(
      fc.property(layout, probe, (entries, relative) => {
        const dir = path.join(base, `run-${run++}`);
        const root = path.join(dir, "repo");
        const outside = path.join(dir, "outside");
        mkdirSync(root, { recursive: true });
        mkdirSync(path.join(outside, "a"), { recursive: true });
        for (const [parent, name, kind] of entries) {
          const at = path.join(root, parent, name);
          try {
            mkdirSync(path.dirname(at), { recursive: true });
            if (kind === "dir") mkdirSync(at);
            else if (kind === "file") writeFileSync(at, "x");
            else if (kind === "link-out") symlinkSync(outside, at);
            else if (kind === "link-in") symlinkSync(path.join(root, "a"), at);
            else if (kind === "link-root") symlinkSync(root, at);
            else if (kind === "link-parent") symlinkSync("..", at);
            else symlinkSync(path.join(outside, "missing"), at);
          } catch {
            // Name taken by an earlier entry, or a parent is a file or link: that layout just stays as it is.
          }
        }
        expectOnlyHomelabErrors(() => {
          const real = realInsideSync(root, resolveInside(root, relative, "path"), "path");
          expect(isBelow(realpathSync(root), real)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
});
