import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { validateValuesFiles } from "./files.js";
import type { ChartSchemaEntry } from "./registry.js";
import type { ValuesSchema } from "./validate.js";

const schema = (name: string, version: string): ValuesSchema => ({
  chart: { name, version, repository: `https://example.com/${name}` },
  draft: "draft-07",
  source: "shipped",
  schema: {
    type: "object",
    additionalProperties: false,
    properties: { replicas: { type: "integer" }, speaker: { type: "object", additionalProperties: false, properties: { tolerateMaster: { type: "boolean" } } } },
  },
});
const charts: ChartSchemaEntry[] = [
  { component: "lb", chart: schema("lb", "1.0.0").chart, load: async () => schema("lb", "1.0.0") },
  { component: "proxy", chart: schema("proxy", "2.0.0").chart, load: async () => schema("proxy", "2.0.0") },
];

const dir = mkdtempSync(join(tmpdir(), "homelab-values-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function write(files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
}

write({
  "wrapper/Chart.yaml": "apiVersion: v2\nname: edge\nversion: 0.1.0\ndependencies:\n  - name: lb\n    version: 1.0.0\n    repository: https://example.com/lb\n  - name: proxy\n    alias: public\n    version: 2.0.0\n    repository: https://example.com/proxy\n",
  "wrapper/values.yaml": "# wrapper\nglobal: {}\nlb:\n  speaker:\n    tolerateMastr: true\npublic:\n  replicas: two\n",
  "plain/values.yaml": "replica: 2\n",
  "unknown/Chart.yaml": "apiVersion: v2\nname: x\nversion: 0.1.0\ndependencies:\n  - name: nope\n    version: 9.9.9\n",
  "unknown/values.yaml": "nope: {}\n",
});

describe("validateValuesFiles on wrapper charts", () => {
  it("checks each dependency's block (name or alias) against its chart, positions in the real file", async () => {
    const result = await validateValuesFiles({ files: ["wrapper/values.yaml"], cwd: dir, charts });
    expect(result.blocks.map((b) => `${b.key} ${b.chart.name}@${b.chart.version}`)).toEqual(["lb lb@1.0.0", "public proxy@2.0.0"]);
    expect(result.issues.map((i) => `${i.file}:${i.line}:${i.column} ${i.jsonPath}: ${i.message}`)).toEqual([
      'wrapper/values.yaml:5:5 lb.speaker.tolerateMastr: unknown key "tolerateMastr"; did you mean "tolerateMaster"?',
      "wrapper/values.yaml:7:3 public.replicas: must be integer",
    ]);
  });

  it("with --chart, checks only the matching dependency", async () => {
    const result = await validateValuesFiles({ chart: "proxy", files: ["wrapper/values.yaml"], cwd: dir, charts });
    expect(result.blocks.map((b) => b.key)).toEqual(["public"]);
    expect(result.issues.map((i) => i.jsonPath)).toEqual(["public.replicas"]);
  });

  it("a plain values file still needs --chart", async () => {
    await expect(validateValuesFiles({ files: ["plain/values.yaml"], cwd: dir, charts })).rejects.toThrow(/not a wrapper chart's values file/);
    const result = await validateValuesFiles({ chart: "lb", files: ["plain/values.yaml"], cwd: dir, charts });
    expect(result.issues.map((i) => `${i.line}:${i.column} ${i.message}`)).toEqual(['1:1 unknown key "replica"; did you mean "replicas"?']);
  });

  it("a dependency without a schema here is bad input naming it", async () => {
    const error = await validateValuesFiles({ files: ["unknown/values.yaml"], cwd: dir, charts }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomelabError);
    expect((error as HomelabError).message).toMatch(/^unknown\/values\.yaml: the wrapper chart's dependency nope@9\.9\.9 \(values under `nope`\) has no schema here/);
  });
});
