import { describe, expect, it } from "vitest";
import { validateValues, type ValuesSchema } from "@homelab/values";
import { inferSchema } from "./infer.js";

function infer(yaml: string, subchartKeys: string[] = []): ValuesSchema {
  const { schema } = inferSchema(yaml, { file: "values.yaml", subchartKeys });
  return { chart: { name: "t", version: "1", repository: "https://x.test" }, draft: "draft-07", source: "inferred", schema };
}

const paths = (schema: ValuesSchema, values: unknown) => validateValues(schema, values).map((i) => i.path.join("."));

describe("inference from values.yaml", () => {
  it("closes objects whose keys the defaults show: unknown keys fail, with a suggestion", () => {
    const s = infer("image:\n  repository: nginx\n  tag: latest\nreplicaCount: 1\n");
    expect(validateValues(s, { image: { tag: "1.27" }, replicaCount: 3 })).toEqual([]);
    expect(validateValues(s, { image: { tga: "1.27" } })).toEqual([
      { path: ["image", "tga"], message: 'unknown key "tga"; did you mean "tag"?', suggestion: "tag", keyword: "additionalProperties" },
    ]);
    expect(paths(s, { replicaCount: "3" })).toEqual(["replicaCount"]);
  });

  it("keeps maps open that are empty by default or free-form by name", () => {
    const s = infer(
      "podAnnotations: {}\nservice:\n  annotations:\n    a: b\n  type: ClusterIP\nnodeSelector:\n  kubernetes.io/os: linux\nresources:\n  limits:\n    cpu: 1\nconfig: {}\n",
    );
    expect(
      validateValues(s, {
        podAnnotations: { "x/y": "z" },
        service: { annotations: { other: "v" } },
        nodeSelector: { zone: "a" },
        resources: { requests: { memory: "1Gi" } },
        config: { anything: { nested: true } },
      }),
    ).toEqual([]);
    expect(paths(s, { service: { typo: 1 } })).toEqual(["service.typo"]);
  });

  it("gives empty and null defaults permissive types", () => {
    const s = infer('nameOverride: ""\ntolerations: []\npriorityClassName:\nextra: null\n');
    expect(validateValues(s, { nameOverride: "x", tolerations: [{ key: "a" }], priorityClassName: { any: "thing" }, extra: [1, 2] })).toEqual([]);
    expect(validateValues(s, { nameOverride: 5 })).toEqual([]);
    expect(paths(s, { nameOverride: { a: 1 } })).toEqual(["nameOverride"]);
  });

  it("accepts options documented only as commented-out YAML, at the level they are indented", () => {
    const s = infer(
      [
        "controller:",
        "  replicas: 1",
        "  # priorityClassName: system-cluster-critical",
        "  # extraArgs:",
        "  #   - --verbose",
        "  ## Ref: https://example.test/docs",
        "# topLevelOption: true",
        "service:",
        "  type: ClusterIP",
      ].join("\n"),
    );
    expect(validateValues(s, { controller: { priorityClassName: "high", extraArgs: ["--x"] }, topLevelOption: false })).toEqual([]);
    expect(paths(s, { controller: { Ref: "x", ref: "y" } })).toEqual(["controller.Ref", "controller.ref"]);
    expect(paths(s, { service: { priorityClassName: "x" } })).toEqual(["service.priorityClassName"]);
  });

  it("reads commented lines right under an empty map as that map's content, not as siblings", () => {
    const s = infer("controller:\n  resources: {}\n  # limits:\n  #   cpu: 100m\n  replicas: 1\n");
    expect(paths(s, { controller: { limits: {} } })).toEqual(["controller.limits"]);
    expect(validateValues(s, { controller: { resources: { limits: { cpu: "1" } } } })).toEqual([]);
  });

  it("honours # @schema annotations (inline, single line above, and block form)", () => {
    const s = infer(
      [
        "image:",
        "  digest:  # @schema type:[string, null]; pattern:^sha256:[a-f0-9]{64}$",
        "# @schema type: [string, integer]",
        "port: http",
        "# @schema",
        "# enum: [skip, fail]",
        "# @schema",
        "mode: skip",
        "obs:  # @schema additionalProperties: false",
        "  metrics:  # @schema type:[boolean, null]",
      ].join("\n"),
    );
    expect(validateValues(s, { image: { digest: `sha256:${"a".repeat(64)}` }, port: 8080, mode: "fail", obs: { metrics: true } })).toEqual([]);
    expect(paths(s, { image: { digest: "latest" }, port: true, mode: "other", obs: { metrics: "yes" } })).toEqual([
      "image.digest",
      "port",
      "mode",
      "obs.metrics",
    ]);
  });

  it("uses helm-docs type hints for empty defaults", () => {
    const s = infer("# -- (int) Number of old ReplicaSets to keep\nrevisionHistoryLimit:\n");
    expect(validateValues(s, { revisionHistoryLimit: 3 })).toEqual([]);
    expect(paths(s, { revisionHistoryLimit: "three" })).toEqual(["revisionHistoryLimit"]);
  });

  it("keeps subchart values open when the subchart's own values are not available", () => {
    const s = infer("grafana:\n  enabled: true\n  adminPassword: x\n", ["grafana"]);
    expect(validateValues(s, { grafana: { enabled: false, persistence: { enabled: true } }, global: { imageRegistry: "r" } })).toEqual([]);
    expect(paths(s, { grafana: { enabled: "no" } })).toEqual(["grafana.enabled"]);
  });

  it("keeps list items open (they replace wholesale and are usually Kubernetes objects)", () => {
    const s = infer("env:\n  - name: A\n    value: b\nhosts:\n  - chart.local\n");
    expect(validateValues(s, { env: [{ name: "B", valueFrom: { secretKeyRef: {} } }], hosts: ["x"] })).toEqual([]);
    expect(paths(s, { hosts: [1] })).toEqual(["hosts.0"]);
  });

  it("reports a malformed values.yaml with file and line", () => {
    expect(() => inferSchema("a: 1\nb: [\n", { file: "chart/values.yaml" })).toThrowError(
      expect.objectContaining({ code: "SYNTAX", position: expect.objectContaining({ file: "chart/values.yaml", line: 3 }) }),
    );
    expect(() => inferSchema("- a\n- b\n", { file: "chart/values.yaml" })).toThrowError(expect.objectContaining({ code: "CHART_INVALID" }));
  });
});
