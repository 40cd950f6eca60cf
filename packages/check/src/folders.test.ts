import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { deepestFolder } from "./folders.js";

/** The definition: every prefix tested, the longest first, of equal ones the first. */
function naive<T>(entries: readonly (readonly [string, T])[], file: string): T | undefined {
  let best: { value: T; depth: number } | undefined;
  for (const [prefix, value] of entries) {
    if (!file.startsWith(`${prefix}/`)) continue;
    if (!best || prefix.length > best.depth) best = { value, depth: prefix.length };
  }
  return best?.value;
}

describe("deepestFolder", () => {
  it("finds the deepest folder holding a file; of one folder, the first entry", () => {
    const of = deepestFolder([
      ["cluster-apps/web", "web"],
      ["cluster-apps/web/manifests", "manifests"],
      ["cluster-apps/web/manifests", "second"],
      ["cluster-apps", "layer"],
    ]);
    expect(of("cluster-apps/web/manifests/deploy.yaml")).toBe("manifests");
    expect(of("cluster-apps/web/values.yaml")).toBe("web");
    expect(of("cluster-apps/webhooks/a.yaml")).toBe("layer"); // a folder, not a string prefix
    expect(of("cluster-apps")).toBeUndefined(); // the folder itself holds no file of that name
    expect(of("other/a.yaml")).toBeUndefined();
  });

  it("agrees with testing every prefix, on any paths", () => {
    const segment = fc.constantFrom("a", "b", "ab", "", ".");
    const path = fc.array(segment, { minLength: 0, maxLength: 4 }).map((s) => s.join("/"));
    fc.assert(
      fc.property(fc.array(fc.tuple(path, fc.nat(9)), { maxLength: 8 }), fc.array(path, { maxLength: 8 }), (entries, files) => {
        const of = deepestFolder(entries);
        for (const file of [...files, ...files.map((f) => `/${f}`)]) expect(of(file)).toBe(naive(entries, file));
      }),
      { numRuns: 500 },
    );
  });
});
