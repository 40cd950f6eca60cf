import { mkdtemp, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import {
  findChart,
  normaliseDraft,
  REDUNDANT_MESSAGE,
  redundantDefaults,
  standaloneValidatorModule,
  toOverrideSchema,
  validateValues,
  validateValuesFiles,
  type ChartSchemaEntry,
  type CreateValidator,
  type SchemaDraft,
  type ValuesSchema,
} from "./index.js";

function schemaOf(draft: SchemaDraft, schema: Record<string, unknown>): ValuesSchema {
  return { chart: { name: "demo", version: "1.0.0", repository: "https://charts.example.test" }, draft, source: "shipped", schema };
}

const closed = schemaOf("draft-07", {
  type: "object",
  additionalProperties: false,
  required: ["replicas"],
  properties: {
    replicas: { type: "integer" },
    image: { type: "object", additionalProperties: false, required: ["tag"], properties: { repository: { type: "string" }, tag: { type: "string" } } },
    pullPolicy: { enum: ["Always", "IfNotPresent"] },
    port: { anyOf: [{ type: "integer" }, { type: "string" }] },
    env: { type: "array", items: { type: "object", required: ["name"], properties: { name: { type: "string" }, value: { type: "string" } } } },
  },
});

describe("normaliseDraft", () => {
  it("reads every spelling charts use", () => {
    expect(normaliseDraft("http://json-schema.org/draft-07/schema#")).toBe("draft-07");
    expect(normaliseDraft("https://json-schema.org/draft-07/schema#")).toBe("draft-07");
    expect(normaliseDraft("https://json-schema.org/draft-07/schema")).toBe("draft-07");
    expect(normaliseDraft("http://json-schema.org/draft-04/schema#")).toBe("draft-07");
    expect(normaliseDraft("https://json-schema.org/draft/2019-09/schema")).toBe("2019-09");
    expect(normaliseDraft("https://json-schema.org/draft/2020-12/schema#")).toBe("2020-12");
    expect(normaliseDraft(undefined)).toBe("draft-07");
  });

  it("rejects an unknown draft with a SchemaInvalid error naming the file", () => {
    expect(() => normaliseDraft("https://example.test/my-schema", "chart/values.schema.json")).toThrowError(
      expect.objectContaining({ code: "SCHEMA_INVALID", position: { file: "chart/values.schema.json" } }),
    );
  });
});

describe("validateValues", () => {
  it("accepts a deep-partial override: required keys outside lists may be left out", () => {
    expect(validateValues(closed, { image: { repository: "nginx" } })).toEqual([]);
  });

  it("rejects an unknown key with a did-you-mean suggestion", () => {
    expect(validateValues(closed, { replcas: 2, image: { tga: "1" } })).toEqual([
      { path: ["replcas"], message: 'unknown key "replcas"; did you mean "replicas"?', suggestion: "replicas", keyword: "additionalProperties" },
      { path: ["image", "tga"], message: 'unknown key "tga"; did you mean "tag"?', suggestion: "tag", keyword: "additionalProperties" },
    ]);
  });

  it("gives no suggestion when nothing is close", () => {
    expect(validateValues(closed, { somethingElse: true })).toEqual([
      { path: ["somethingElse"], message: 'unknown key "somethingElse"', keyword: "additionalProperties" },
    ]);
  });

  it("treats null as deleting a default, not as a type error", () => {
    expect(validateValues(closed, { replicas: null, image: { tag: null } })).toEqual([]);
  });

  it("keeps list items whole: required keys inside list items still count", () => {
    expect(validateValues(closed, { env: [{ value: "x" }] })).toEqual([
      { path: ["env", 0], message: "must have required property 'name'", keyword: "required" },
    ]);
  });

  it("reports wrong types, enums and anyOf failures as one readable message each", () => {
    expect(validateValues(closed, { replicas: "two", pullPolicy: "Sometimes", port: true })).toEqual([
      { path: ["replicas"], message: "must be integer", keyword: "type" },
      { path: ["pullPolicy"], message: 'must be one of "Always", "IfNotPresent"', keyword: "enum" },
      { path: ["port"], message: "must be integer or string", keyword: "anyOf" },
    ]);
  });

  it("validates draft 2019-09 schemas ($defs, dependentSchemas)", () => {
    const schema = schemaOf("2019-09", {
      $schema: "https://json-schema.org/draft/2019-09/schema",
      type: "object",
      unevaluatedProperties: false,
      properties: { tls: { $ref: "#/$defs/tls" } },
      $defs: { tls: { type: "object", properties: { enabled: { type: "boolean" } }, additionalProperties: false } },
    });
    expect(validateValues(schema, { tls: { enabled: true } })).toEqual([]);
    expect(validateValues(schema, { tls: { enabld: true }, tsl: {} }).map((i) => [i.path, i.suggestion])).toEqual([
      [["tls", "enabld"], "enabled"],
      [["tsl"], "tls"],
    ]);
  });

  it("validates draft 2020-12 schemas (prefixItems)", () => {
    const schema = schemaOf("2020-12", {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], items: false } },
    });
    expect(validateValues(schema, { pair: ["a", 1] })).toEqual([]);
    expect(validateValues(schema, { pair: ["a", "b"] })).toEqual([{ path: ["pair", 1], message: "must be integer", keyword: "type" }]);
  });

  it("validates draft-07 schemas (definitions, tuple items)", () => {
    const schema = schemaOf("draft-07", {
      $schema: "http://json-schema.org/draft-07/schema#",
      definitions: { port: { type: "integer", minimum: 1 } },
      type: "object",
      properties: { ports: { type: "array", items: [{ $ref: "#/definitions/port" }] } },
    });
    expect(validateValues(schema, { ports: [0] })).toEqual([{ path: ["ports", 0], message: "must be >= 1", keyword: "minimum" }]);
  });

  it("caches the compiled validator per schema object and does not mutate the schema", () => {
    const before = JSON.stringify(closed.schema);
    validateValues(closed, {});
    expect(JSON.stringify(closed.schema)).toBe(before);
    expect(toOverrideSchema(closed.schema)).not.toHaveProperty("required");
    expect((toOverrideSchema(closed.schema).properties as Record<string, Record<string, unknown>>).env!.items).toHaveProperty("required", ["name"]);
  });
});

describe("validateValuesFiles", () => {
  const entry: ChartSchemaEntry = { component: "demo", chart: closed.chart, load: async () => closed };

  it("reports file, line, column and JSON path of each issue", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "values-test-"));
    await writeFile(path.join(dir, "values.yaml"), "image:\n  repository: nginx\n  tga: latest\nenv:\n  - value: x\n");
    const result = await validateValuesFiles({ chart: "demo@1.0.0", files: ["values.yaml"], cwd: dir, charts: [entry] });
    expect(result.issues).toEqual([
      {
        path: ["image", "tga"],
        jsonPath: "image.tga",
        message: 'unknown key "tga"; did you mean "tag"?',
        suggestion: "tag",
        keyword: "additionalProperties",
        file: "values.yaml",
        document: 0,
        line: 3,
        column: 3,
      },
      {
        path: ["env", 0],
        jsonPath: "env[0]",
        message: "must have required property 'name'",
        keyword: "required",
        file: "values.yaml",
        document: 0,
        line: 5,
        column: 5,
      },
    ]);
  });

  it("throws a Syntax error with the line for a malformed values file", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "values-test-"));
    await writeFile(path.join(dir, "bad.yaml"), "image:\n  tag: [unclosed\n");
    const error = await validateValuesFiles({ chart: "demo", files: ["bad.yaml"], cwd: dir, charts: [entry] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomelabError);
    expect(error).toMatchObject({ code: "SYNTAX", position: { file: "bad.yaml", line: 3 } });
  });

  it("rejects an unknown chart or version as a usage error with a suggestion", () => {
    expect(() => findChart("dem", [entry])).toThrowError(expect.objectContaining({ code: "USAGE", message: 'unknown chart "dem"; did you mean "demo"?' }));
    expect(() => findChart("demo@2.0.0", [entry])).toThrowError(expect.objectContaining({ code: "USAGE", message: "no schema for demo@2.0.0" }));
    expect(findChart("demo@v1.0.0", [entry])).toBe(entry);
  });
});

describe("null-valued keys", () => {
  it("a null under a key the chart has deletes its default; under an unknown key it is a typo with no effect", () => {
    expect(validateValues(closed, { image: { tag: null }, pullPolicy: null })).toEqual([]);
    expect(validateValues(closed, { image: { tga: null } })).toEqual([
      { path: ["image", "tga"], message: 'unknown key "tga"; did you mean "tag"?', keyword: "additionalProperties", suggestion: "tag" },
    ]);
  });
});

describe("redundant overrides", () => {
  const withDefaults: ValuesSchema = {
    ...closed,
    defaults: {
      replicas: 1,
      image: { repository: "nginx", tag: "1.27" },
      pullPolicy: "IfNotPresent",
      env: [{ name: "A", value: "1" }],
      nodeSelector: { os: "linux" },
    },
  };

  it("notes values equal to the chart default (scalars, lists whole, empty maps over maps), never a change or a deletion", () => {
    const issues = redundantDefaults(withDefaults, {
      replicas: 1,
      image: { repository: "nginx", tag: "1.28" },
      pullPolicy: null,
      env: [{ name: "A", value: "1" }],
      nodeSelector: {},
      extra: 1,
    });
    expect(issues).toEqual([
      { path: ["replicas"], message: REDUNDANT_MESSAGE, keyword: "redundant", severity: "note" },
      { path: ["image", "repository"], message: REDUNDANT_MESSAGE, keyword: "redundant", severity: "note" },
      { path: ["env"], message: REDUNDANT_MESSAGE, keyword: "redundant", severity: "note" },
      { path: ["nodeSelector"], message: REDUNDANT_MESSAGE, keyword: "redundant", severity: "note" },
    ]);
    expect(redundantDefaults(withDefaults, { env: [{ name: "A", value: "2" }], replicas: 2 })).toEqual([]);
    expect(redundantDefaults({ ...withDefaults, defaults: { a: null, b: 1 } }, { a: null, b: null }).map((i) => i.path.join("."))).toEqual(["a"]);
    // A whole block equal to the defaults is one note at its top, not one per leaf.
    expect(redundantDefaults(withDefaults, { image: { repository: "nginx", tag: "1.27" }, replicas: 3 }).map((i) => i.path.join("."))).toEqual(["image"]);
    expect(redundantDefaults(closed, { replicas: 1 })).toEqual([]);
  });

  it("values files get the notes after the errors, at file:line", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "values-redundant-"));
    await writeFile(path.join(dir, "values.yaml"), 'replicas: 2\nimage:\n  tag: "1.27"\n  tga: x\n');
    const entry: ChartSchemaEntry = { component: "demo", chart: closed.chart, load: async () => withDefaults };
    const result = await validateValuesFiles({ chart: "demo", files: ["values.yaml"], cwd: dir, charts: [entry] });
    expect(result.issues.map((i) => [i.jsonPath, i.line, i.severity ?? "error", i.message])).toEqual([
      ["image.tga", 4, "error", 'unknown key "tga"; did you mean "tag"?'],
      ["image.tag", 3, "note", REDUNDANT_MESSAGE],
    ]);
  });
});

describe("precompiled validators (ajv standalone code, written at codegen)", () => {
  // Keywords whose standalone code calls ajv's run-time helpers through the caller's require:
  // minLength (ucs2length), an object enum (deep equality), a format (ajv-formats).
  const rich = schemaOf("draft-07", {
    type: "object",
    additionalProperties: false,
    properties: {
      name: { type: "string", minLength: 3 },
      mode: { enum: [{ kind: "a" }, "plain"] },
      since: { type: "string", format: "date" },
      nodeSelector: { type: "object", additionalProperties: false, properties: { "kubernetes.io/os": { type: "string" }, "a b": { type: "string" } } },
      choice: { oneOf: [{ type: "object", additionalProperties: false, properties: { left: { type: "integer" } } }, { type: "string" }] },
      env: { type: "array", items: { type: "object", required: ["name"], properties: { name: { type: "string" } } } },
    },
  });
  const inputs: unknown[] = [
    { name: "ok-name", mode: { kind: "a" }, since: "2026-12-01", nodeSelector: { "kubernetes.io/os": "linux" } },
    { name: "ab", mode: { kind: "b" }, since: "yesterday" },
    { nodeSelector: { "kubernetes.io/oss": "linux", "a c": "x" }, choice: { lefft: 1 }, env: [{}], nam: "x" },
    { choice: 3, mode: null, name: null },
  ];

  async function loadModule(schema: ValuesSchema): Promise<CreateValidator> {
    const dir = await mkdtemp(path.join(os.tmpdir(), "values-standalone-"));
    const file = path.join(dir, "validate.cjs");
    await writeFile(file, standaloneValidatorModule(schema, "// header\n"));
    return (createRequire(import.meta.url)(file) as { createValidator: CreateValidator }).createValidator;
  }

  it("the module starts with the given header and imports nothing itself", () => {
    const code = standaloneValidatorModule(rich, "// Generated by a test. Do not edit.\n");
    expect(code.startsWith("// Generated by a test. Do not edit.\n")).toBe(true);
    expect(code).not.toMatch(/\bimport\b|import\(/);
  });

  it("reports exactly what the schema compiled at run time reports, suggestions included", async () => {
    const createValidator = await loadModule(rich);
    const precompiled: ValuesSchema = { ...rich, createValidator };
    for (const input of inputs) expect(validateValues(precompiled, input), JSON.stringify(input)).toEqual(validateValues(rich, input));
    // Not vacuous: the inputs do fail, through each helper, and a suggestion is read at an escaped schemaPath.
    expect(validateValues(precompiled, inputs[1]).map((i) => i.path.join("."))).toEqual(["name", "mode", "since"]);
    expect(validateValues(precompiled, inputs[2]).map((i) => i.suggestion ?? i.message)).toEqual([
      "name",
      "kubernetes.io/os",
      "a b",
      "left",
      "must have required property 'name'",
    ]);
  });

  it("draft 2020-12 (prefixItems) precompiles too", async () => {
    const schema = schemaOf("2020-12", {
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      properties: { pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }], items: false } },
    });
    const precompiled: ValuesSchema = { ...schema, createValidator: await loadModule(schema) };
    expect(validateValues(precompiled, { pair: ["a", "b"] })).toEqual([{ path: ["pair", 1], message: "must be integer", keyword: "type" }]);
  });

  it("a precompiled module that cannot be loaded is a SchemaInvalid error telling to regenerate, not a stack trace", () => {
    const broken: ValuesSchema = {
      ...closed,
      get createValidator(): CreateValidator {
        throw new Error("Cannot find module './validate.cjs'");
      },
    };
    expect(() => validateValues(broken, {})).toThrowError(
      expect.objectContaining({
        code: "SCHEMA_INVALID",
        message: "the precompiled values validator of chart demo@1.0.0 cannot be loaded: Cannot find module './validate.cjs'",
        hint: "regenerate the component's generated/ folder (its codegen target)",
      }),
    );
  });
});

describe("subcharts whose templates are not here (stubs)", () => {
  // The schema leaves the stub and `global` open (its keys are unknown while it is enabled).
  const withStub: ValuesSchema = {
    ...schemaOf("draft-07", {
      type: "object",
      additionalProperties: false,
      properties: {
        postgresql: { type: "object", additionalProperties: true },
        global: { type: "object", additionalProperties: true, properties: { env: {}, image: {} } },
        replicas: { type: "integer" },
      },
    }),
    defaults: { postgresql: { enabled: false, image: { registry: "docker.io", tag: "16" }, primary: { podAnnotations: {} } }, global: { image: {} } },
    unknownSubcharts: [{ path: ["postgresql"], chart: "postgresql", conditions: [["postgresql", "enabled"]] }],
  };

  it("disabled by its condition (the default): undocumented keys under it and unread globals have no effect", () => {
    expect(
      validateValues(withStub, { postgresql: { image: { rgeistry: "x", tag: "17" }, primary: { podAnnotations: { a: "b" } } }, global: { evn: [], env: [] } }),
    ).toEqual([
      {
        path: ["postgresql", "image", "rgeistry"],
        message: 'unknown key "rgeistry"; did you mean "registry"? (no effect: subchart postgresql is disabled by postgresql.enabled)',
        suggestion: "registry",
        keyword: "additionalProperties",
      },
      {
        path: ["global", "evn"],
        message: 'unknown key "evn"; did you mean "env"? (no effect: no chart here reads it while subchart postgresql is disabled by postgresql.enabled)',
        suggestion: "env",
        keyword: "additionalProperties",
      },
    ]);
  });

  it("enabled by the override, or with its condition deleted (Helm then enables it), everything under it and in global is accepted", () => {
    const values = { postgresql: { image: { rgeistry: "x" } }, global: { evn: [] } };
    expect(validateValues(withStub, { ...values, postgresql: { ...values.postgresql, enabled: true } })).toEqual([]);
    expect(validateValues(withStub, { ...values, postgresql: { ...values.postgresql, enabled: null } })).toEqual([]);
    // A misspelt condition leaves the default (disabled): the typo itself is the finding.
    expect(validateValues(withStub, { postgresql: { eanbled: true } }).map((i) => i.suggestion)).toEqual(["enabled"]);
  });

  it("an unknown subchart with no condition is always enabled: nothing is reported", () => {
    const always: ValuesSchema = { ...withStub, unknownSubcharts: [{ path: ["postgresql"], chart: "postgresql", conditions: [] }] };
    expect(validateValues(always, { postgresql: { anything: 1 }, global: { anything: 2 } })).toEqual([]);
  });
});
