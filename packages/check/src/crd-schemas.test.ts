import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeCrdSchemas } from "./crd-schemas.js";

const temp = mkdtempSync(join(tmpdir(), "homelab-crd-schemas-test-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const crd = (group: string, size: string) => ({
  source: `test ${group}`,
  object: {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `widgets.${group}` },
    spec: {
      group,
      names: { kind: "Widget", plural: "widgets" },
      scope: "Namespaced",
      versions: [
        {
          name: "v1",
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: "object", properties: { spec: { type: "object", properties: { [size]: { type: "integer" } } } } } },
        },
      ],
    },
  },
});

describe("writeCrdSchemas", () => {
  it("writes a content-addressed folder once and hands the same folder back for the same CRDs", () => {
    const cache = join(temp, "same");
    const first = writeCrdSchemas([crd("example.com", "size")], cache)!;
    const file = join(first.dir, "example.com", "widget_v1.json");
    expect(JSON.parse(readFileSync(file, "utf8")).properties.spec.properties.size).toMatchObject({ type: "integer" });
    const written = statSync(file).mtimeMs;
    const second = writeCrdSchemas([crd("example.com", "size")], cache)!;
    expect(second.dir).toBe(first.dir);
    expect(statSync(file).mtimeMs).toBe(written);
    expect(readdirSync(cache)).toEqual([first.dir.slice(cache.length + 1)]);
  });

  it("gives another folder when a CRD changes (old ones are pruned by keepNewest, tested in @homelab/workspace)", () => {
    const cache = join(temp, "changed");
    const dirs = ["a", "b", "c"].map((field) => writeCrdSchemas([crd("example.com", field)], cache)!.dir);
    expect(new Set(dirs).size).toBe(3);
    expect(readdirSync(cache).sort()).toEqual(dirs.map((d) => d.slice(cache.length + 1)).sort());
  });

  it("writes the committed schemas' form: a subtree the CRD repeats is one definition, referenced where it was", () => {
    // A container-like shape, large enough to hoist, used by two fields (as pod templates repeat in real CRDs).
    const container = {
      type: "object",
      properties: Object.fromEntries(
        ["image", "name", "imagePullPolicy", "workingDir", "command", "args", "stdin", "tty"].map((f) => [f, { type: "string", maxLength: 253 }]),
      ),
    };
    const repeated = crd("repeat.example.com", "size");
    const version = repeated.object.spec.versions[0]!;
    version.schema.openAPIV3Schema.properties.spec.properties = { init: container, main: container } as never;
    const { dir } = writeCrdSchemas([repeated], join(temp, "repeated"))!;
    const schema = JSON.parse(readFileSync(join(dir, "repeat.example.com", "widget_v1.json"), "utf8"));
    const spec = schema.properties.spec.properties;
    expect(spec.init).toEqual({ $ref: expect.stringMatching(/^#\/definitions\//) });
    expect(spec.main).toEqual(spec.init);
    expect(schema.definitions[spec.init.$ref.slice("#/definitions/".length)].properties.image).toEqual({ type: "string", maxLength: 253 });
  });

  it("writes nothing when no CRD has a served version", () => {
    expect(writeCrdSchemas([], join(temp, "none"))).toBeUndefined();
  });
});
