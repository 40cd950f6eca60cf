import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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
    properties: {
      replicas: { type: "integer" },
      speaker: { type: "object", additionalProperties: false, properties: { tolerateMaster: { type: "boolean" } } },
    },
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
  "wrapper/Chart.yaml":
    "apiVersion: v2\nname: edge\nversion: 0.1.0\ndependencies:\n  - name: lb\n    version: 1.0.0\n    repository: https://example.com/lb\n  - name: proxy\n    alias: public\n    version: 2.0.0\n    repository: https://example.com/proxy\n",
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
    expect((error as HomelabError).message).toMatch(
      /^unknown\/values\.yaml: the wrapper chart's dependency nope@9\.9\.9 \(values under `nope`\) has no schema here/,
    );
  });
});

describe("values files through the one input loader", () => {
  const failure = async (files: string[]): Promise<HomelabError> => {
    const error = await validateValuesFiles({ chart: "lb", files, cwd: dir, charts }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomelabError);
    return error as HomelabError;
  };

  it("a FIFO, a folder or a dangling symlink given as a values file is exit 2 naming it, never a hang", async () => {
    mkdirSync(join(dir, "odd"), { recursive: true });
    execFileSync("mkfifo", [join(dir, "odd/pipe.yaml")]);
    mkdirSync(join(dir, "odd/folder.yaml"));
    symlinkSync("missing.yaml", join(dir, "odd/dangling.yaml"));
    expect(await failure(["odd/pipe.yaml"])).toMatchObject({ message: "cannot read: a FIFO (named pipe), not a file", position: { file: "odd/pipe.yaml" } });
    expect(await failure(["odd/folder.yaml"])).toMatchObject({ message: "cannot read: a folder, not a file", position: { file: "odd/folder.yaml" } });
    expect(await failure(["odd/dangling.yaml"])).toMatchObject({ message: "cannot read: a symlink to a missing file" });
  });

  it("a FIFO named Chart.yaml beside the values file is an error naming it", async () => {
    mkdirSync(join(dir, "wrap"), { recursive: true });
    writeFileSync(join(dir, "wrap/values.yaml"), "replicas: 1\n");
    execFileSync("mkfifo", [join(dir, "wrap/Chart.yaml")]);
    expect(await failure(["wrap/values.yaml"])).toMatchObject({ position: { file: "wrap/Chart.yaml" } });
  });

  it("invalid UTF-8 and alias bombs are exit-2 errors with the file", async () => {
    writeFileSync(join(dir, "latin1.yaml"), Buffer.from([0x72, 0x3a, 0x20, 0xff, 0x0a]));
    expect(await failure(["latin1.yaml"])).toMatchObject({ code: "SYNTAX", position: { file: "latin1.yaml", line: 1, column: 4 } });
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      ...Array.from(
        { length: 6 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(9)
            .fill(`*${String.fromCharCode(97 + i)}`)
            .join(", ")}]`,
      ),
    ].join("\n");
    writeFileSync(join(dir, "bomb.yaml"), `${bomb}\n`);
    expect((await failure(["bomb.yaml"])).message).toMatch(/too many alias expansions/);
  });
});
