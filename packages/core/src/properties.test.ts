// Property tests over the real render and prune: whatever record, object
// name or symlink layout is generated, nothing outside the temp repository is
// written or deleted, and every refusal is a HomelabError (exit 2), never a crash.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { OUTPUT_FOLDERS, RECORDS_FOLDER, recordFile } from "@homelab/layout";
import { hostilePath } from "@homelab/layout/testing";
import { digest } from "./output.js";
import { render } from "./render.js";
import { demoComponent, demoConfig } from "./testing/fixtures.js";

let base: string;
let run = 0;
beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), "homelab-render-prop-")));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const SENTINEL = "sentinel: must survive\n";
const CONFIG = "// the user's config: render never owns it\n";

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const entry of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else out[child] = entry.isSymbolicLink() ? "<link>" : readFileSync(path.join(dir, child), "utf8");
    }
  };
  walk("");
  return out;
}

/** A fresh temp repository rendered once, next to an `outside` folder holding a sentinel. */
async function fixture(): Promise<{ root: string; outside: string; before: Record<string, string> }> {
  const dir = path.join(base, `run-${run++}`);
  const root = path.join(dir, "repo");
  const outside = path.join(dir, "outside");
  mkdirSync(root, { recursive: true });
  mkdirSync(path.join(outside, "cluster-platform-apps", "demo"), { recursive: true });
  writeFileSync(path.join(outside, "sentinel.yaml"), SENTINEL);
  writeFileSync(path.join(outside, "cluster-platform-apps", "demo", "values.yaml"), SENTINEL);
  writeFileSync(path.join(root, "homelab.config.ts"), CONFIG);
  await render({ root, config: demoConfig() });
  return { root, outside, before: snapshot(outside) };
}

async function renderSafely(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!(error instanceof HomelabError)) throw error;
  }
}

function untouched(root: string, outside: string, before: Record<string, string>): void {
  expect(snapshot(outside)).toEqual(before);
  expect(readFileSync(path.join(root, "homelab.config.ts"), "utf8")).toBe(CONFIG);
}

describe("render and prune (property)", () => {
  it("a record with generated file entries never leads to a write or delete outside the repository", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(hostilePath, { minLength: 1, maxLength: 4 }), fc.boolean(), async (entries, prune) => {
        const { root, outside, before } = await fixture();
        const file = path.join(root, recordFile("demo"));
        const record = JSON.parse(readFileSync(file, "utf8"));
        // Digests of the sentinel: were the entry followed, the digest check alone would let it be deleted.
        for (const entry of entries) record.files[entry] = digest(SENTINEL);
        writeFileSync(file, JSON.stringify(record, null, 2));
        await renderSafely(() => render({ root, config: demoConfig(demoComponent({ secrets: [] })), ...(prune ? {} : { components: ["demo"] }) }));
        untouched(root, outside, before);
      }),
      { numRuns: 40 },
    );
  });

  it("generated object names, kinds and namespaces never lead outside", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(hostilePath, fc.constant("ok")),
        fc.oneof(hostilePath, fc.constant("ConfigMap")),
        fc.option(hostilePath, { nil: undefined }),
        async (name, kind, namespace) => {
          const { root, outside, before } = await fixture();
          const object = { apiVersion: "v1", kind, metadata: { name, ...(namespace === undefined ? {} : { namespace }) } };
          const config = demoConfig(demoComponent({ instances: [{ name: "demo", values: {}, manifests: [object as never] }] }));
          await renderSafely(() => render({ root, config }));
          untouched(root, outside, before);
          // Whatever was written sits in the component's folders or the records.
          for (const file of Object.keys(snapshot(root))) {
            expect(file === "homelab.config.ts" || file.startsWith(`${RECORDS_FOLDER}/`) || OUTPUT_FOLDERS.some((f) => file.startsWith(`${f}/`)), file).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it("generated symlink layouts of the output folders never lead outside", async () => {
    const folders = [...OUTPUT_FOLDERS, "cluster-platform-apps/demo", "cluster-platform-apps/demo/manifests", ".homelab", RECORDS_FOLDER];
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.constantFrom(...folders), fc.constantFrom("outside", "outside-layer", "dangling", "file", "self")), {
          selector: ([folder]) => folder,
          minLength: 1,
          maxLength: 3,
        }),
        async (links) => {
          const { root, outside, before } = await fixture();
          for (const [folder, target] of links) {
            const at = path.join(root, folder);
            // The layout is built inside the repository only: under an earlier link it would be the test writing outside.
            if (!existsSync(path.dirname(at)) || !statSync(path.dirname(at)).isDirectory() || !realpathSync(path.dirname(at)).startsWith(realpathSync(root)))
              continue;
            rmSync(at, { recursive: true, force: true });
            if (target === "file") writeFileSync(at, "not a folder\n");
            else if (target === "self") symlinkSync(root, at);
            else
              symlinkSync(
                target === "outside" ? outside : target === "outside-layer" ? path.join(outside, "cluster-platform-apps") : path.join(outside, "missing"),
                at,
              );
          }
          await renderSafely(() => render({ root, config: demoConfig(demoComponent({ secrets: [] })) }));
          await renderSafely(() => render({ root, config: demoConfig(demoComponent({ routes: [] })), handEdits: "force" }));
          untouched(root, outside, before);
        },
      ),
      {
        numRuns: 40,
        examples: [
          [
            [
              ["cluster-platform-apps", "file"],
              ["cluster-platform-apps/demo", "outside"],
            ],
          ],
          [
            [
              ["cluster-platform-apps", "outside"],
              ["cluster-platform-apps/demo", "outside"],
            ],
          ],
        ],
      },
    );
  });
});
