import { readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { layoutJson, recordValidatorModule } from "./generated.js";
import { RECORDS_FOLDER } from "./layers.js";
import { Ajv } from "ajv";
import { contentDigest, parseRenderRecord, renderRecordSchema, renderRecordText } from "./record.js";
import { recordFixture } from "./testing.js";

const FILE = ".homelab/rendered/demo.json";
const good = () =>
  recordFixture({
    component: "demo",
    layer: "apps",
    contents: { "cluster-workload-apps/demo/values.yaml": "a: 1\n", "apps-root-config/applications/demo.yaml": "kind: ApplicationSet\n" },
  });

function problem(text: string, file = FILE): HomelabError {
  try {
    parseRenderRecord(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(HomelabError);
    return error as HomelabError;
  }
  throw new Error("expected the record to be refused");
}

describe("renderRecordSchema", () => {
  it("is a valid draft-07 schema", () => {
    const ajv = new Ajv({ strict: true });
    expect(ajv.validateSchema(renderRecordSchema), ajv.errorsText(ajv.errors)).toBe(true);
    expect(ajv.validateSchema({ ...renderRecordSchema, required: "files" })).toBe(false);
  });
});

describe("parseRenderRecord", () => {
  it("round-trips a valid record", () => {
    const record = good();
    expect(parseRenderRecord(renderRecordText(record), FILE)).toEqual(record);
  });

  it.each([
    ["../../../etc/passwd", "'..' segment"],
    ["/etc/passwd", "is absolute"],
    ["cluster-workload-apps/demo/../../homelab.config.ts", "'..' segment"],
    ["homelab.config.ts", "outside the component's folders"],
    ["cluster-workload-apps/other/values.yaml", "outside the component's folders"],
    ["cluster-workload-apps/demo//x.yaml", "empty segment"],
    ["cluster-workload-apps\\demo\\x.yaml", "backslash"],
  ])("refuses the file entry %j (%s) with its line", (entry, why) => {
    const record = good();
    record.files[entry] = contentDigest("x");
    const text = renderRecordText(record);
    const error = problem(text);
    expect(error.code).toBe(ErrorCode.Config);
    expect(error.message).toContain(why);
    expect(error.position?.file).toBe(FILE);
    const line = text.split("\n").findIndex((l) => l.includes(JSON.stringify(entry))) + 1;
    expect(error.position?.line).toBe(line);
  });

  it("refuses a component name that is not a DNS-1123 label", () => {
    const error = problem(renderRecordText({ ...good(), component: "../../x" }));
    expect(error.message).toContain("/component");
  });

  it("refuses a record whose component does not match its file name", () => {
    expect(problem(renderRecordText(good()), ".homelab/rendered/other.json").message).toContain("record file is named other.json");
  });

  it("refuses malformed digests", () => {
    const record = good();
    record.files["cluster-workload-apps/demo/values.yaml"] = "sha256:00";
    expect(problem(renderRecordText(record)).message).toContain("sha256:<64 lowercase hex>");
  });

  it.each([
    ["null", "must be a JSON object, not null"],
    ["[]", "not an array"],
    ['"x"', "not string"],
    ["{", "not valid JSON"],
    ["{}", "must have required property"],
  ])("refuses %s", (text, why) => {
    expect(problem(text).message).toContain(why);
  });

  it("refuses a newer schema version with a hint to update", () => {
    const error = problem(JSON.stringify({ ...good(), schemaVersion: 2 }));
    expect(error.message).toContain("schema version 2");
    expect(error.hint).toContain("newer homelab");
  });

  it("refuses a layer order that contradicts the layer table", () => {
    expect(problem(renderRecordText({ ...good(), layerOrder: 1 })).message).toContain("layer apps has order 4");
  });

  it("refuses instance paths outside the component folder and hostile route hosts", () => {
    const record = good();
    record.instances = [{ name: "demo", releaseName: "demo", namespace: "demo", valuesFile: "cluster-init-apps/x/values.yaml", manifestsDir: null }];
    record.routes = [{ name: "web", exposure: "public", host: "a`) || PathPrefix(`/", auth: "none", admin: false, instance: "demo" }];
    const error = problem(renderRecordText(record));
    expect(error.details.join("\n")).toContain("/instances/0/valuesFile is outside");
    expect(error.details.join("\n")).toContain("/routes/0/host");
  });

  it("reads records written before schemaVersion (without deferred and allowLaterLayerDependencies)", () => {
    const { schemaVersion: _v, deferred: _d, allowLaterLayerDependencies: _a, ...legacy } = good();
    const parsed = parseRenderRecord(JSON.stringify(legacy), FILE);
    expect(parsed.schemaVersion).toBe(1);
    expect(parsed.deferred).toEqual([]);
    expect(parsed.files).toEqual(good().files);
  });

  it("reads every record committed in this repository", () => {
    const dir = fileURLToPath(new URL(`../../../${RECORDS_FOLDER}/`, import.meta.url));
    const names = readdirSync(dir).filter((n) => n.endsWith(".json"));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(parseRenderRecord(readFileSync(`${dir}${name}`, "utf8"), `${RECORDS_FOLDER}/${name}`).component).toBe(name.slice(0, -5));
  });
});

describe("generated files", () => {
  it("are current (run `npm run generate -w @homelab/layout` when this fails)", () => {
    expect(readFileSync(new URL("../generated/layout.json", import.meta.url), "utf8")).toBe(layoutJson());
    expect(readFileSync(new URL("../generated/render-record.validate.cjs", import.meta.url), "utf8")).toBe(recordValidatorModule());
  });
});
