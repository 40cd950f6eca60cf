import { execFile } from "node:child_process";
import { createServer, type Server } from "node:http";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { create as createTar } from "tar";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { HomelabError } from "@homelab/errors";
import { charts } from "@homelab/charts";
import { validateValues, type ValuesSchema } from "@homelab/values";
import { itWithMirror } from "@homelab/test-fixtures/mirrors";
import { REPO_ROOT, codegen, codegenAll, createFetchSchema, listComponents } from "./index.js";
import { keyStatsTable } from "./stats.js";

/** Temporary folders of this file, removed when it is done. */
const temps: string[] = [];
afterAll(() => Promise.all(temps.splice(0).map((dir) => rm(dir, { recursive: true, force: true }))));
async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  temps.push(dir);
  return dir;
}

async function chartDir(files: Record<string, string>): Promise<string> {
  const dir = await tempDir("codegen-chart-");
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return dir;
}

async function generate(files: Record<string, string>, extra: Partial<Parameters<typeof codegen>[0]> = {}) {
  const dir = await chartDir(files);
  return codegen({ input: { kind: "dir", dir }, repository: "https://charts.example.test", write: false, outDir: dir, ...extra });
}

function asValuesSchema(result: Awaited<ReturnType<typeof codegen>>): ValuesSchema {
  return {
    chart: result.ir.chart,
    draft: result.ir.draft,
    source: result.ir.source,
    schema: JSON.parse(result.files["schema.json"]!) as Record<string, unknown>,
  };
}

const CHART_YAML = "apiVersion: v2\nname: demo\nversion: 1.2.3\n";

describe("shipped schemas", () => {
  it("draft-07: normalises $schema, inlines #/definitions refs, flattens allOf, closes objects", async () => {
    const result = await generate({
      "Chart.yaml": CHART_YAML,
      "values.yaml": "controller:\n  image: nginx\n  replicas: 1\n",
      "values.schema.json": JSON.stringify({
        $schema: "https://json-schema.org/draft-07/schema",
        definitions: { component: { type: "object", description: "prose that is dropped", properties: { image: { type: "string" } } } },
        type: "object",
        properties: { controller: { allOf: [{ $ref: "#/definitions/component" }, { properties: { replicas: { type: "integer" } } }] } },
      }),
    });
    expect(result.ir.draft).toBe("draft-07");
    expect(result.ir.source).toBe("shipped");
    const schema = JSON.parse(result.files["schema.json"]!) as Record<string, unknown>;
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(result.files["schema.json"]).not.toContain("prose that is dropped");
    expect(result.files["schema.json"]).not.toContain("$ref");
    const vs = asValuesSchema(result);
    expect(validateValues(vs, { controller: { image: "x", replicas: 2 } })).toEqual([]);
    expect(validateValues(vs, { controller: { replica: 2 } }).map((i) => i.suggestion)).toEqual(["replicas"]);
    expect(result.files["types.ts"]).toContain(
      "export interface Values {\n  controller?: {\n    image?: string | null;\n    replicas?: number | null;\n  } | null;\n  global?: {\n    [key: string]: unknown;\n  };\n}",
    );
  });

  it("2019-09: $defs refs are inlined", async () => {
    const result = await generate({
      "Chart.yaml": CHART_YAML,
      "values.yaml": "tls:\n  enabled: false\n",
      "values.schema.json": JSON.stringify({
        $schema: "https://json-schema.org/draft/2019-09/schema#",
        $defs: { tls: { type: "object", properties: { enabled: { type: "boolean" } } } },
        type: "object",
        properties: { tls: { $ref: "#/$defs/tls" } },
      }),
    });
    expect(result.ir.draft).toBe("2019-09");
    const vs = asValuesSchema(result);
    expect(validateValues(vs, { tls: { enabled: true } })).toEqual([]);
    expect(validateValues(vs, { tls: { enabled: "yes" } }).map((i) => i.message)).toEqual(["must be boolean"]);
  });

  it("2020-12: prefixItems become tuple types and are validated", async () => {
    const result = await generate({
      "Chart.yaml": CHART_YAML,
      "values.yaml": "pair: [a, 1]\n",
      "values.schema.json": JSON.stringify({
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        additionalProperties: false,
        properties: { pair: { type: "array", prefixItems: [{ type: "string" }, { type: "integer" }] } },
      }),
    });
    expect(result.ir.draft).toBe("2020-12");
    expect(result.files["types.ts"]).toContain("pair?: [string?, number?, ...unknown[]] | null;");
    expect(validateValues(asValuesSchema(result), { pair: ["a", "b"] }).map((i) => i.path)).toEqual([["pair", 1]]);
  });

  it("inlines $refs to files inside the chart, and remote ones only with allowRemoteRefs, so the output has none", async () => {
    const server = await serve({ "/common.json": JSON.stringify({ $defs: { port: { type: "integer", minimum: 1 } } }) });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/common.json`;
      const files = {
        "Chart.yaml": CHART_YAML,
        "values.yaml": "image: {}\nport: 80\n",
        "defs/image.json": JSON.stringify({ type: "object", properties: { tag: { type: "string" } }, additionalProperties: false }),
        "values.schema.json": JSON.stringify({
          $schema: "https://json-schema.org/draft/2020-12/schema",
          type: "object",
          properties: { image: { $ref: "defs/image.json" }, port: { $ref: `${url}#/$defs/port` } },
        }),
      };
      const refused = await generate(files).catch((e: unknown) => e);
      expect(refused).toMatchObject({
        code: "SCHEMA_INVALID",
        message: `$ref "${url}#/$defs/port" is remote and remote references are not fetched`,
        hint: expect.stringContaining("--allow-remote-refs"),
        position: { file: expect.stringMatching(/values\.schema\.json$/) },
      });
      const result = await generate(files, { allowRemoteRefs: true });
      expect(result.files["schema.json"]).not.toContain("$ref");
      const vs = asValuesSchema(result);
      expect(validateValues(vs, { image: { tag: "1" }, port: 8080 })).toEqual([]);
      expect(validateValues(vs, { image: { tga: "1" }, port: 0 }).map((i) => i.path.join("."))).toEqual(["image.tga", "port"]);
    } finally {
      server.close();
    }
  });

  it("refuses a $ref to a file outside the chart (file: URL, ../, symlink) without printing its bytes", async () => {
    const outside = await chartDir({ "secret.json": '{"token": "not-a-real-secret-but-private"}', "notjson.txt": "root:x:0:0:root:/root:/bin/bash\n" });
    const schema = (ref: string) => JSON.stringify({ type: "object", properties: { a: { $ref: ref } } });
    const base = { "Chart.yaml": CHART_YAML, "values.yaml": "a: 1\n" };
    for (const ref of [pathToFileURL(path.join(outside, "secret.json")).href, `../${path.basename(outside)}/secret.json`, "file:///etc/passwd"]) {
      const error = await generate({ ...base, "values.schema.json": schema(ref) }).catch((e: unknown) => e);
      expect(error, ref).toMatchObject({
        code: "SCHEMA_INVALID",
        message: `$ref ${JSON.stringify(ref)} points outside the chart: a chart's schema may only reference files inside the chart`,
      });
      expect(JSON.stringify(error)).not.toContain("private");
    }
    const dir = await chartDir({ ...base, "values.schema.json": schema("defs/link.json") });
    await mkdir(path.join(dir, "defs"));
    await symlink(path.join(outside, "secret.json"), path.join(dir, "defs", "link.json"));
    const linked = await codegen({ input: { kind: "dir", dir }, repository: "https://charts.example.test", write: false, outDir: dir }).catch(
      (e: unknown) => e,
    );
    expect(linked).toMatchObject({ code: "SCHEMA_INVALID", message: '$ref "defs/link.json" leads outside the chart through a symlink' });
    const notJson = await chartDir({ ...base, "values.schema.json": schema("x.json") });
    await writeFile(path.join(notJson, "x.json"), "root:x:0:0:root:/root:/bin/bash\n");
    const bad = await codegen({ input: { kind: "dir", dir: notJson }, repository: "https://charts.example.test", write: false, outDir: notJson }).catch(
      (e: unknown) => e,
    );
    expect(bad).toMatchObject({ code: "SCHEMA_INVALID", message: '$ref "x.json" cannot be resolved: is not valid JSON' });
    expect(`${(bad as Error).message} ${JSON.stringify(bad)}`).not.toContain("root:x");
  });

  it("a remote $ref to a server that never answers fails after the timeout and bounded retries", async () => {
    const sockets: import("node:net").Socket[] = [];
    let requests = 0;
    const server = createServer(() => {
      requests += 1;
    });
    server.on("connection", (socket) => sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/common.json`;
      const started = Date.now();
      const fetchSchema = createFetchSchema({ allowRemoteRefs: true, timeoutMs: 200, retries: 2, backoffMs: 10 });
      const error = await generate(
        { "Chart.yaml": CHART_YAML, "values.yaml": "a: 1\n", "values.schema.json": JSON.stringify({ type: "object", properties: { a: { $ref: url } } }) },
        { fetchSchema },
      ).catch((e: unknown) => e);
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(error).toMatchObject({ code: "SCHEMA_INVALID", message: `$ref "${url}" cannot be resolved: no answer within 200 ms, after 3 attempt(s)` });
      // One request per attempt (under load an aborted attempt may not have been sent yet); connections
      // are not counted, since the HTTP client may open a spare one for an attempt it then aborts.
      expect(requests).toBeGreaterThanOrEqual(1);
      expect(requests).toBeLessThanOrEqual(3);
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });

  it("an unresolvable $ref is a SchemaInvalid error naming the file", async () => {
    const error = await generate({
      "Chart.yaml": CHART_YAML,
      "values.yaml": "a: 1\n",
      "values.schema.json": JSON.stringify({ type: "object", properties: { a: { $ref: "#/definitions/missing" } } }),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SCHEMA_INVALID", message: "$ref #/definitions/missing points at nothing" });
  });

  it("adds keys only values.yaml knows to an incomplete shipped schema, and treats a stub as inferred", async () => {
    const stub = await generate({
      "Chart.yaml": CHART_YAML,
      "values.yaml": "a: 1\nb: x\nc: true\nd: {}\ne:\n  f: 1\n",
      "values.schema.json": JSON.stringify({
        $schema: "https://json-schema.org/draft-07/schema#",
        properties: { e: { type: "object", properties: { f: { type: ["integer", "null"] } } } },
      }),
    });
    expect(stub.ir.source).toBe("inferred");
    const vs = asValuesSchema(stub);
    expect(validateValues(vs, { a: 2, d: { free: 1 }, e: { f: 2 } })).toEqual([]);
    expect(validateValues(vs, { e: { g: 1 }, z: 1 }).map((i) => i.path.join("."))).toEqual(["z", "e.g"]);
  });

  it("applies a component patch file, and rejects a patch whose path the chart lacks", async () => {
    const dir = await chartDir({
      "Chart.yaml": CHART_YAML,
      "values.yaml": "configs:\n  cm:\n    url: x\n",
      "patch.json": JSON.stringify({
        patches: [
          { op: "open", path: ["configs", "cm"], reason: "argocd-cm takes any key" },
          { op: "merge", path: ["configs"], schema: { properties: { extra: { type: "integer" } } }, reason: "documented elsewhere" },
        ],
      }),
      "bad-patch.json": JSON.stringify({ patches: [{ op: "open", path: ["configs", "nope"], reason: "stale" }] }),
    });
    const base = { input: { kind: "dir", dir } as const, repository: "https://x.test", write: false, outDir: dir };
    const patched = await codegen({ ...base, patchFile: path.join(dir, "patch.json") });
    expect(validateValues(asValuesSchema(patched), { configs: { cm: { "any.key": "v", url: "u" }, extra: 1 } })).toEqual([]);
    expect(validateValues(asValuesSchema(patched), { configs: { extra: "x", other: 1 } }).map((i) => i.path.join("."))).toEqual([
      "configs.other",
      "configs.extra",
    ]);
    const error = await codegen({ ...base, patchFile: path.join(dir, "bad-patch.json") }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFIG", message: "patch 0: configs.nope is not in the chart's schema" });
    // Every patch says why upstream is wrong: one without a reason is an error at its place in the file.
    await writeFile(path.join(dir, "no-reason.json"), '{\n  "patches": [\n    { "op": "open", "path": ["configs"] }\n  ]\n}\n');
    await expect(codegen({ ...base, patchFile: path.join(dir, "no-reason.json") })).rejects.toMatchObject({
      code: "CONFIG",
      message: "patch 0: reason is required: say why upstream is wrong",
      position: { file: path.join(dir, "no-reason.json"), line: 3 },
    });
  });
});

describe("malformed input", () => {
  it("a directory without Chart.yaml is ChartInvalid", async () => {
    const error = await generate({ "values.yaml": "a: 1\n" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomelabError);
    expect(error).toMatchObject({ code: "CHART_INVALID", message: expect.stringMatching(/^not a Helm chart: no Chart.yaml in /) });
  });

  it("a Chart.yaml without a version names the file", async () => {
    const error = await generate({ "Chart.yaml": "name: demo\n", "values.yaml": "a: 1\n" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CHART_INVALID", message: 'Chart.yaml: "version" must be a string', position: { line: 1, column: 1 } });
  });

  it("a malformed values.yaml gives file and line", async () => {
    const error = await generate({ "Chart.yaml": CHART_YAML, "values.yaml": "a: 1\nb:\n  - x\n  c: y\n" }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SYNTAX", position: { file: expect.stringMatching(/values\.yaml$/), line: 4 } });
  });

  it("a malformed values.schema.json gives file, line and column", async () => {
    const error = await generate({
      "Chart.yaml": CHART_YAML,
      "values.yaml": "a: 1\n",
      "values.schema.json": '{\n  "type": "object",\n  "properties": }\n',
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "SYNTAX", position: { file: expect.stringMatching(/values\.schema\.json$/), line: 3, column: 17 } });
  });

  it("an archive that is not a chart is ChartInvalid", async () => {
    const dir = await chartDir({ "notes/readme.txt": "hello" });
    await createTar({ file: path.join(dir, "x.tgz"), gzip: true, cwd: dir }, ["notes"]);
    const error = await codegen({ input: { kind: "tgz", file: path.join(dir, "x.tgz") }, repository: "https://x.test", write: false, outDir: dir }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "CHART_INVALID", message: "chart archive has no <name>/Chart.yaml" });
  });
});

function serve(routes: Record<string, string | Buffer>): Promise<Server> {
  const server = createServer((req, res) => {
    const body = routes[req.url ?? ""];
    if (body === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200).end(body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

describe("Helm repository input", () => {
  let server: Server;
  let repo: string;
  beforeAll(async () => {
    const dir = await chartDir({
      "demo/Chart.yaml": CHART_YAML + "dependencies:\n  - name: sub\n    version: 0.1.0\n  - name: placeholder\n    version: 0.1.0\n",
      "demo/values.yaml": "replicas: 1\nsub:\n  enabled: true\n",
      "demo/templates/deploy.yaml": "replicas: {{ .Values.replicas }}\n",
      "demo/charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
      "demo/charts/sub/values.yaml": "enabled: false\nport: 80\n",
      "demo/charts/sub/templates/svc.yaml": "{{ if .Values.enabled }}port: {{ .Values.port }}{{ end }}\n",
      // A stub (no templates, as a disabled OCI dependency is shipped): its values are unknown, never "no keys".
      "demo/charts/placeholder/Chart.yaml": "apiVersion: v2\nname: placeholder\nversion: 0.1.0\ndescription: STUB\n",
    });
    await createTar({ file: path.join(dir, "demo-1.2.3.tgz"), gzip: true, cwd: dir, portable: true }, ["demo"]);
    const tgz = await readFile(path.join(dir, "demo-1.2.3.tgz"));
    const index =
      "apiVersion: v1\nentries:\n  demo:\n    - name: demo\n      version: 1.2.3\n      urls: [charts/demo-1.2.3.tgz]\n    - name: demo\n      version: 1.0.0\n      urls: [charts/demo-1.0.0.tgz]\n";
    server = await serve({ "/repo/index.yaml": index, "/repo/charts/demo-1.2.3.tgz": tgz });
    repo = `http://127.0.0.1:${(server.address() as AddressInfo).port}/repo`;
  });
  afterAll(() => server.close());

  it("reads index.yaml, downloads the .tgz and generates, with bundled subchart values closed and a stub's open", async () => {
    const out = await tempDir("codegen-out-");
    const result = await codegen({ input: { kind: "repo", repo, chart: "demo", version: "1.2.3" }, outDir: out });
    expect(result.ir.chart).toEqual({ name: "demo", version: "1.2.3", repository: repo });
    expect((await readFile(path.join(out, "index.ts"), "utf8")).split("\n")[0]).toBe(
      `// Generated by @homelab/codegen from chart demo 1.2.3 (${repo}). Do not edit: run the component's codegen target.`,
    );
    const vs = asValuesSchema(result);
    expect(validateValues(vs, { sub: { port: 8080 }, global: { x: 1 } })).toEqual([]);
    expect(validateValues(vs, { sub: { prot: 1 } }).map((i) => i.suggestion)).toEqual(["port"]);
    expect(validateValues(vs, { placeholder: { anything: { at: "all" } } })).toEqual([]);
    expect(result.files["types.ts"]).toContain("/** Open: subchart placeholder is a stub (no templates); its keys are not known here. */\n  placeholder?: {");
  });

  it("an unknown version lists the available ones", async () => {
    const error = await codegen({ input: { kind: "repo", repo, chart: "demo", version: "9.9.9" }, write: false, outDir: "/nonexistent" }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "REMOTE", message: 'chart "demo" has no version 9.9.9 in the repository', hint: "available: 1.2.3, 1.0.0" });
  });

  it("a missing archive is a Remote error naming the URL", async () => {
    const error = await codegen({ input: { kind: "repo", repo, chart: "demo", version: "1.0.0" }, write: false, outDir: "/nonexistent" }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "REMOTE", message: `GET ${repo}/charts/demo-1.0.0.tgz: HTTP 404` });
  });
});

describe("the 13 real charts", () => {
  itWithMirror("chart-packages", "committed generated output is what codegen produces now (byte for byte)", async (chartsDir) => {
    const outRoot = await tempDir("codegen-all-");
    const { results, registry } = await codegenAll({ chartsDir, outRoot });
    expect(results.map((r) => r.component)).toEqual((await listComponents(REPO_ROOT)).map((c) => c.component));
    expect(results).toHaveLength(13);
    const stale: string[] = [];
    for (const r of results) {
      for (const [name, content] of Object.entries(r.files)) {
        const committed = await readFile(path.join(REPO_ROOT, "packages/components", r.component, "generated", name), "utf8").catch(() => "");
        if (committed !== content) stale.push(`packages/components/${r.component}/generated/${name}`);
      }
    }
    if ((await readFile(path.join(REPO_ROOT, "packages/charts/generated/registry.ts"), "utf8")) !== registry.content)
      stale.push("packages/charts/generated/registry.ts");
    expect(stale, "stale generated files: run `npx homelab codegen --all`").toEqual([]);
    const readme = await readFile(path.join(REPO_ROOT, "packages/codegen/README.md"), "utf8");
    expect(
      readme.includes(keyStatsTable(results)),
      "stale key statistics in packages/codegen/README.md: run `node --import tsx packages/codegen/scripts/readme-table.ts`",
    ).toBe(true);
  });

  itWithMirror("chart-packages", "the read-set closes subcharts and shipped-open objects and opens pass-through blocks (issue cases)", async () => {
    const check = async (name: string, values: unknown) =>
      validateValues(await charts.find((c) => c.chart.name === name)!.load(), values).map((i) => i.suggestion ?? i.message);
    // Pass-through: authentik turns every key of `authentik:` into an environment variable.
    expect(await check("authentik", { authentik: { some_new_setting: "x", postgresql: { sslmode: "require" } } })).toEqual([]);
    // Subcharts typed under their key, from their own templates: typos there are errors now.
    expect(await check("kube-prometheus-stack", { grafana: { adminPasswrd: "x" }, crds: { enabeld: true } })).toEqual(["enabled", "adminPassword"]);
    expect(await check("kube-prometheus-stack", { grafana: { "grafana.ini": { server: { root_url: "https://g.example.test" } } } })).toEqual([]);
    expect(await check("argo-cd", { "redis-ha": { haproxy: { enabeld: true } }, global: { domian: "x" } })).toEqual(["domain", "enabled"]);
    expect(await check("metallb", { "frr-k8s": { prometheus: { serviceMonitor: { enabeld: true } } } })).toEqual(["enabled"]);
    // Aliased subchart (cloudnative-pg's monitoring) and a shipped schema open where the templates read key by key (vault probes).
    expect(await check("cloudnative-pg", { monitoring: { podMonitorEnabeld: true } })).toEqual(["podMonitorEnabled"]);
    expect(await check("vault", { server: { readinessProbe: { enabeld: true } } })).toEqual(["enabled"]);
    // Stub subcharts (INDEX.md) and the global beside them stay open while enabled.
    const allOn = { rollout_operator: { enabled: true }, monitoring: { selfMonitoring: { grafanaAgent: { installOperator: true } } } };
    expect(await check("loki", { ...allOn, minio: { enabled: true, anything: 1 }, global: { anything: 2 } })).toEqual([]);
    // Disabled (their default), Helm leaves them out: what their defaults do not document, and a global no known chart reads, has no effect.
    expect(await check("loki", { minio: { persistence: { sizee: "1Gi" } }, global: { clusterDomian: "x" } })).toEqual(["size", "clusterDomain"]);
    expect(await check("authentik", { postgresql: { image: { rgeistry: "x" } }, global: { evn: [] } })).toEqual(["registry", "env"]);
  });

  itWithMirror("chart-packages", "every chart's own defaults validate against its generated schema", async (chartsDir) => {
    expect(charts).toHaveLength(13);
    const failures: string[] = [];
    for (const entry of charts) {
      const schema = await entry.load();
      const defaults = parseYaml(await readFile(path.join(chartsDir, entry.chart.name, entry.chart.version, "values.yaml"), "utf8")) as unknown;
      for (const issue of validateValues(schema, defaults)) failures.push(`${entry.chart.name}: ${issue.path.join(".")}: ${issue.message}`);
    }
    expect(failures).toEqual([]);
  });

  it("a typo'd key in a real chart is rejected by ajv with a suggestion", async () => {
    const traefik = await charts.find((c) => c.chart.name === "traefik")!.load();
    expect(validateValues(traefik, { providers: { kubernetesCRD: { allowCrossNamespaces: true } } })).toEqual([
      {
        path: ["providers", "kubernetesCRD", "allowCrossNamespaces"],
        message: 'unknown key "allowCrossNamespaces"; did you mean "allowCrossNamespace"?',
        suggestion: "allowCrossNamespace",
        keyword: "additionalProperties",
      },
    ]);
    const argo = await charts.find((c) => c.chart.name === "argo-cd")!.load();
    expect(validateValues(argo, { server: { replcas: 2 } }).map((i) => i.suggestion)).toEqual(["replicas"]);
  });

  it("typo'd keys are rejected by tsc (type test with @ts-expect-error)", async () => {
    const dir = await tempDir("codegen-tsc-");
    const tsconfig = path.join(dir, "tsconfig.json");
    await writeFile(
      tsconfig,
      JSON.stringify({
        extends: path.join(REPO_ROOT, "tsconfig.base.json"),
        compilerOptions: { noEmit: true, typeRoots: [path.join(REPO_ROOT, "node_modules/@types")] },
        files: [path.join(REPO_ROOT, "packages/codegen/src/type-tests/values.typetest.ts")],
      }),
    );
    const tsc = path.join(REPO_ROOT, "node_modules/typescript/bin/tsc");
    const run = await promisify(execFile)(process.execPath, [tsc, "-p", tsconfig], { cwd: REPO_ROOT }).then(
      () => ({ code: 0, out: "" }),
      (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
    );
    expect(run).toEqual({ code: 0, out: "" });
    // The same file without the expectations must fail once per expectation: the types do reject the typos.
    const source = await readFile(path.join(REPO_ROOT, "packages/codegen/src/type-tests/values.typetest.ts"), "utf8");
    // Inside the repo so package imports resolve; .tmp/ is gitignored and outside the root tsconfig.
    const stripped = path.join(REPO_ROOT, "packages/codegen/.tmp", `stripped-${process.pid}.typetest.ts`);
    await mkdir(path.dirname(stripped), { recursive: true });
    await writeFile(stripped, source.replace(/\/\/ @ts-expect-error.*\n/g, ""));
    try {
      await writeFile(
        tsconfig,
        JSON.stringify({
          extends: path.join(REPO_ROOT, "tsconfig.base.json"),
          compilerOptions: { noEmit: true, typeRoots: [path.join(REPO_ROOT, "node_modules/@types")] },
          files: [stripped],
        }),
      );
      const failing = await promisify(execFile)(process.execPath, [tsc, "-p", tsconfig], { cwd: REPO_ROOT }).then(
        () => "",
        (e: { stdout: string }) => e.stdout,
      );
      expect(failing.match(/error TS\d+/g)).toHaveLength((source.match(/^\/\/ @ts-expect-error/gm) ?? []).length);
    } finally {
      await rm(stripped, { force: true });
    }
  });
});

describe("command line", () => {
  // Without a mirror --component goes to the chart's Helm repository, which tests cannot reach.
  itWithMirror("chart-packages", "--component alone regenerates the pinned chart from the local chart packages mirror (the Nx target)", async () => {
    const out = await tempDir("codegen-cli-");
    const { runCodegen } = await import("./cli.js");
    const { lines } = await runCodegen({ component: "metallb", out });
    expect(lines[0]).toMatch(/^metallb@0\.16\.1: schema shipped \(draft-07\), \d+ B types → /);
    expect(await readFile(path.join(out, "types.ts"), "utf8")).toBe(
      await readFile(path.join(REPO_ROOT, "packages/components/metallb/generated/types.ts"), "utf8"),
    );
  });

  // Unknown flags are the CLI's parser's (packages/cli main.test.ts).
  it("rejects missing inputs as usage errors", async () => {
    const { runCodegen } = await import("./cli.js");
    await expect(runCodegen({ out: "x" })).rejects.toMatchObject({ code: "USAGE", message: "no chart given: --chart-dir, --tgz or --repo" });
    await expect(runCodegen({ repo: "https://charts.example.invalid", chart: "x" })).rejects.toMatchObject({
      code: "USAGE",
      message: "--repo needs --chart and --version",
    });
  });
});
