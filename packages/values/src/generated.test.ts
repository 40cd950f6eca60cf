import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { generatedValuesSchema, standaloneValidatorModule, validateValues, type GeneratedSchemaMeta } from "./index.js";

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const META: GeneratedSchemaMeta = {
  chart: { name: "demo", version: "1.0.0", repository: "https://charts.example.test" },
  draft: "draft-07",
  source: "inferred",
};
const SCHEMA = { type: "object", additionalProperties: false, properties: { replicas: { type: "integer" } } };

/** A generated folder as codegen writes it; `files` replaces or leaves out (undefined) some of them. */
function folder(files: Record<string, string | undefined> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "values-generated-"));
  dirs.push(dir);
  const all: Record<string, string | undefined> = {
    "meta.json": JSON.stringify(META),
    "schema.json": JSON.stringify(SCHEMA),
    "defaults.json": JSON.stringify({ values: { replicas: 1 } }),
    "validate.cjs": standaloneValidatorModule({ ...META, schema: SCHEMA }, ""),
    ...files,
  };
  for (const [name, text] of Object.entries(all)) if (text !== undefined) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("generatedValuesSchema", () => {
  it("reads the folder's metadata now, its schema, defaults and precompiled validator on first use", () => {
    const dir = folder({ "schema.json": undefined });
    const schema = generatedValuesSchema(pathToFileURL(`${dir}/`));
    expect(schema).toMatchObject({ ...META, defaults: { replicas: 1 } });
    expect("unknownSubcharts" in schema).toBe(false);
    writeFileSync(path.join(dir, "schema.json"), JSON.stringify(SCHEMA));
    expect(schema.schema).toEqual(SCHEMA);
    expect(schema.createValidator).toBeTypeOf("function");
    expect(validateValues(schema, { replicas: 2, replica: 1 }).map((i) => i.suggestion)).toEqual(["replicas"]);
  });

  it("gives every caller of a folder the same object, with or without the trailing slash", () => {
    const url = pathToFileURL(folder());
    expect(generatedValuesSchema(url)).toBe(generatedValuesSchema(new URL(`${url.href}/`)));
  });

  it("carries the unknown subcharts meta.json names", () => {
    const unknownSubcharts = [{ path: ["postgresql"], chart: "postgresql", conditions: [["postgresql", "enabled"]] }];
    const dir = folder({ "meta.json": JSON.stringify({ ...META, unknownSubcharts }) });
    expect(generatedValuesSchema(pathToFileURL(dir)).unknownSubcharts).toEqual(unknownSubcharts);
  });

  it("a missing file is a SchemaInvalid error naming it, with the hint to regenerate", () => {
    const dir = folder({ "meta.json": undefined });
    expect(() => generatedValuesSchema(pathToFileURL(dir))).toThrowError(
      expect.objectContaining({
        code: "SCHEMA_INVALID",
        position: { file: path.join(dir, "meta.json") },
        hint: "regenerate the component's generated/ folder (its codegen target)",
      }),
    );
  });
});
