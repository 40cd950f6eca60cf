import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateValues, validateValuesFiles, type ValuesSchema } from "@homelab/values";
import { charts } from "./index.js";

describe("chart registry", () => {
  it("knows every component chart", () => {
    expect(charts.map((c) => c.component)).toEqual([
      "argocd",
      "authentik",
      "cert-manager",
      "cloudnative-pg",
      "external-secrets",
      "kube-prometheus-stack",
      "loki",
      "longhorn",
      "metallb",
      "promtail",
      "secrets-store-csi-driver",
      "traefik",
      "vault",
    ]);
  });

  it("checks a values file against a generated chart schema", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "values-test-"));
    await writeFile(path.join(dir, "metallb.yaml"), "controller:\n  logLevel: debug\nspeakr:\n  enabled: false\n");
    const result = await validateValuesFiles({ chart: "metallb@0.16.1", files: [path.join(dir, "metallb.yaml")], charts });
    expect(result.chart).toEqual({ name: "metallb", version: "0.16.1", repository: "https://metallb.github.io/metallb" });
    expect(result.issues.map((i) => [i.line, i.column, i.jsonPath, i.message])).toEqual([[3, 1, "speakr", 'unknown key "speakr"; did you mean "speaker"?']]);
  });

  it("every chart validates through its precompiled validator, which agrees with compiling schema.json now", async () => {
    for (const entry of charts) {
      const schema = await entry.load();
      expect(schema.createValidator, entry.component).toBeTypeOf("function");
      // Without createValidator @homelab/values compiles the schema itself: the reference.
      const { createValidator: _precompiled, ...fields } = Object.getOwnPropertyDescriptors(schema);
      const compiled = Object.defineProperties({}, fields) as ValuesSchema;
      const [first] = Object.keys(schema.defaults ?? {});
      const inputs = [schema.defaults, { [`${first}x`]: 1 }, { [first!]: { zzTypo: true } }];
      for (const input of inputs) expect(validateValues(schema, input), entry.component).toEqual(validateValues(compiled, input));
      expect(validateValues(schema, inputs[1]).length, entry.component).toBeGreaterThan(0);
    }
  });
});
