import { execFile } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { validateValues, type ValuesSchema } from "@homelab/values";
import { goDir } from "./analyser-build.js";
import { codegen } from "./index.js";

async function generate(files: Record<string, string>) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "codegen-readset-"));
  for (const [name, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  const result = await codegen({ input: { kind: "dir", dir }, repository: "https://charts.example.test", write: false, outDir: dir });
  const vs: ValuesSchema = {
    chart: result.ir.chart,
    draft: result.ir.draft,
    source: result.ir.source,
    schema: JSON.parse(result.files["schema.json"]!) as Record<string, unknown>,
  };
  return { result, dir, errors: (values: unknown) => validateValues(vs, values).map((i) => `${i.path.join(".")}: ${i.message}`) };
}

const CHART = "apiVersion: v2\nname: demo\nversion: 1.0.0\n";

describe("template read-set", () => {
  it("closes what the templates read key by key, opens what they pass through, adds what only they read", async () => {
    const { result, errors } = await generate({
      "Chart.yaml": CHART,
      // labels is a free-form map by name (open), config an empty map (open), service closed from its defaults.
      "values.yaml": "service:\n  type: ClusterIP\nlabels:\n  team: a\nconfig: {}\nsettings:\n  a: 1\n",
      "templates/_helpers.tpl": '{{- define "demo.fullname" -}}{{ .Values.fullnameOverride | default .Chart.Name }}{{- end -}}',
      "templates/svc.yaml": [
        'name: {{ include "demo.fullname" . }}',
        "type: {{ .Values.service.type }}",
        "port: {{ .Values.service.port | default 80 }}",
        "team: {{ .Values.labels.team }}",
        "{{- with .Values.config }}{{ toYaml . | nindent 2 }}{{ end }}",
        "{{- range $k, $v := .Values.settings }}{{ $k }}={{ $v }}{{ end }}",
      ].join("\n"),
    });
    // Keys only a helper or a template reads are real options.
    expect(errors({ fullnameOverride: "x", service: { port: 8080 } })).toEqual([]);
    // labels was open by name; the templates read only `team`: anything else has no effect.
    expect(errors({ labels: { tema: "b" } })).toEqual(['labels.tema: unknown key "tema"; did you mean "team"?']);
    expect(errors({ service: { tpye: "NodePort" } })).toEqual(['service.tpye: unknown key "tpye"; did you mean "type"?']);
    // Passed through whole (toYaml, range over a map): any key is rendered.
    expect(errors({ config: { any: { nested: true } }, settings: { b: 2 } })).toEqual([]);
    expect(result.ir.keys).toMatchObject({ templates: 2, closed: expect.any(Number) });
    expect(result.ir.keys.open.map((o) => [o.path.join("."), o.why])).toEqual(expect.arrayContaining([["settings", "range"]]));
    expect(result.files["types.ts"]).toMatch(/fullnameOverride\?: unknown;/);
  });

  it("keeps a shipped schema's closed objects closed: Helm itself rejects what they do not list", async () => {
    const schema = { type: "object", properties: { image: { type: "object", additionalProperties: false, properties: { tag: { type: "string" } } } } };
    const { errors } = await generate({
      "Chart.yaml": CHART,
      "values.yaml": "image:\n  tag: v1\n",
      "values.schema.json": JSON.stringify(schema),
      "templates/d.yaml": "image: {{ .Values.image.tag }}@{{ .Values.image.digest }}\n",
    });
    expect(errors({ image: { digest: "sha256:0" } })).toEqual(['image.digest: unknown key "digest"']);
  });

  it("types global as what the parent and its subcharts read, and opens it beside a stub", async () => {
    const base = {
      "Chart.yaml": CHART + "dependencies:\n  - name: sub\n    version: 0.1.0\n",
      "values.yaml": "global:\n  domain: example.test\n",
      "templates/a.yaml": "{{ .Values.global.domain }}\n",
      "charts/sub/Chart.yaml": "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
      "charts/sub/values.yaml": "replicas: 1\n",
      "charts/sub/templates/b.yaml": "{{ .Values.replicas }} {{ .Values.global.imageRegistry }}\n",
    };
    const real = await generate(base);
    expect(real.errors({ global: { domain: "a", imageRegistry: "r" }, sub: { replicas: 2 } })).toEqual([]);
    expect(real.errors({ global: { domian: "a" } })).toEqual(['global.domian: unknown key "domian"; did you mean "domain"?']);
    const stubbed = await generate({
      ...base,
      "Chart.yaml": CHART + "dependencies:\n  - name: sub\n    version: 0.1.0\n  - name: db\n    version: 1.0.0\n",
      "charts/db/Chart.yaml": "apiVersion: v2\nname: db\nversion: 1.0.0\ndescription: STUB\n",
    });
    expect(stubbed.errors({ global: { postgresql: { auth: {} } }, db: { primary: { persistence: {} } } })).toEqual([]);
    expect(stubbed.result.ir.notes).toContain("subchart values `db` are a stub's (no templates): open");
  });

  it("a map of maps ranged level by level types its entries by what the templates read of them", async () => {
    const { errors } = await generate({
      "Chart.yaml": CHART,
      "values.yaml": "dashboards: {}\n",
      "templates/d.yaml": [
        "{{- range $provider, $dashboards := .Values.dashboards }}",
        "{{- range $key, $value := $dashboards }}{{ $key }}: {{ $value.json }} {{ $value.gnetId }}{{ end }}",
        "{{- end }}",
      ].join("\n"),
    });
    // Any provider and dashboard name; inside an entry only what the templates read.
    expect(errors({ dashboards: { default: { a: { json: "{}" }, b: { gnetId: 1 } }, other: {} } })).toEqual([]);
    expect(errors({ dashboards: { default: { a: { josn: "{}" } } } })).toEqual(['dashboards.default.a.josn: unknown key "josn"; did you mean "json"?']);
  });

  it("a template Go's parser rejects is a ChartInvalid error with file and line", async () => {
    await expect(generate({ "Chart.yaml": CHART, "values.yaml": "a: 1\n", "templates/x.yaml": "ok\n{{ .Values.a | nosuchfunc }}\n" })).rejects.toMatchObject({
      code: "CHART_INVALID",
      position: { file: expect.stringMatching(/templates\/x\.yaml$/), line: 2 },
      message: expect.stringContaining('function "nosuchfunc" not defined'),
    });
  });

  it("the Go analyser's own tests pass (bindings, named templates, dict arguments, subcharts, recursion)", async () => {
    const { stdout } = await promisify(execFile)("go", ["test", "./..."], {
      cwd: goDir,
      env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly -buildvcs=false" },
    });
    expect(stdout).toMatch(/^ok\s/m);
  }, 120_000);
});
