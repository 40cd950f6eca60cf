import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { objectIndex } from "./object-index.js";

type Path = (string | number)[];

/** Every [path, node] pair, as Rego's walk() yields them. */
function walk(node: unknown, path: Path = [], out: [Path, unknown][] = []): [Path, unknown][] {
  out.push([path, node]);
  if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...path, i], out));
  else if (typeof node === "object" && node !== null) for (const [k, child] of Object.entries(node)) walk(child, [...path, k], out);
  return out;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The conditions the rules had over walk() (pinned_versions' image rule, no_plaintext_secrets' env rule), before is_string/floating. */
function reference(object: unknown) {
  const pairs = walk(object);
  const lists = new Set(["containers", "initContainers", "ephemeralContainers"]);
  const images = pairs.filter(([p]) => p.length >= 3 && p.at(-1) === "image" && lists.has(p.at(-3) as string)).map(([path, image]) => ({ path, image }));
  const namedValues = pairs
    .filter(([, n]) => isMapping(n) && typeof n.name === "string" && Object.hasOwn(n, "value"))
    .map(([path, n]) => ({ path, name: (n as { name: string }).name, value: (n as { value: unknown }).value }));
  return { images, namedValues };
}

const bySerialized = <T>(xs: T[]): string[] => xs.map((x) => JSON.stringify(x)).sort();

describe("objectIndex", () => {
  it("finds a pod template's images and env entries, with their paths", () => {
    const deployment = {
      kind: "Deployment",
      metadata: { name: "web" },
      spec: {
        template: {
          spec: {
            initContainers: [{ name: "init", image: "busybox" }],
            containers: [{ name: "app", image: "nginx:1.27", env: [{ name: "API_TOKEN", value: "abc" }, { name: "MODE" }] }],
          },
        },
      },
    };
    expect(objectIndex(deployment)).toEqual({
      images: [
        { path: ["spec", "template", "spec", "initContainers", 0, "image"], image: "busybox" },
        { path: ["spec", "template", "spec", "containers", 0, "image"], image: "nginx:1.27" },
      ],
      namedValues: [{ path: ["spec", "template", "spec", "containers", 0, "env", 0], name: "API_TOKEN", value: "abc" }],
    });
  });

  it("finds exactly what the rules' walk() over the object found, for any JSON", () => {
    const key = fc.constantFrom("containers", "initContainers", "ephemeralContainers", "image", "name", "value", "spec", "env", "x");
    const leaf = fc.oneof(fc.string({ maxLength: 4 }), fc.integer(), fc.boolean(), fc.constant(null));
    const json = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: "small" }, leaf, tie("array"), tie("object")),
      array: fc.array(tie("node"), { maxLength: 3 }),
      object: fc.dictionary(key, tie("node"), { maxKeys: 4 }),
    })).node;
    fc.assert(
      fc.property(json, (object) => {
        const found = objectIndex(object);
        const expected = reference(object);
        expect(bySerialized(found.images)).toEqual(bySerialized(expected.images));
        expect(bySerialized(found.namedValues)).toEqual(bySerialized(expected.namedValues));
      }),
      { numRuns: 500 },
    );
  });
});
