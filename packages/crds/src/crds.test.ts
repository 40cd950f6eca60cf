import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { samples } from "../test/samples.js";
import { crdCatalog, crdSchemaDir, crdSchemaFor, crdSchemaLocation, externalSecret, ingressRoute, validateCustomResource } from "./index.js";

const clone = <T>(value: T): T => structuredClone(value);

describe("crdCatalog", () => {
  it("has exactly the kinds the cluster emits, sorted, each with a schema file in the CRDs-catalog layout", () => {
    expect(crdCatalog.map((e) => `${e.apiVersion} ${e.kind}`).sort()).toEqual(Object.keys(samples).sort());
    const order = crdCatalog.map((e) => [e.group, e.kind, e.version].join("\u0000"));
    expect(order).toEqual([...order].sort());
    for (const entry of crdCatalog) {
      expect(entry.schemaFile).toBe(`${entry.group}/${entry.kind.toLowerCase()}_${entry.version}.json`);
      expect(existsSync(path.join(crdSchemaDir, entry.schemaFile))).toBe(true);
    }
  });

  it("serves only external-secrets.io/v1 (v1beta1 is no longer served)", () => {
    expect(crdSchemaFor("external-secrets.io/v1", "ExternalSecret")).toBeDefined();
    expect(crdSchemaFor("external-secrets.io/v1beta1", "ExternalSecret")).toBeUndefined();
  });

  it("gives kubeconform a schema-location template resolving to the files", () => {
    const resolved = crdSchemaLocation
      .replace("{{.Group}}", "traefik.io")
      .replace("{{.ResourceKind}}", "ingressroute")
      .replace("{{.ResourceAPIVersion}}", "v1alpha1");
    expect(existsSync(resolved)).toBe(true);
  });
});

describe("strict CRD schemas", () => {
  it.each(Object.keys(samples))("%s: the sample validates", (key) => {
    expect(validateCustomResource(samples[key])).toEqual([]);
  });

  it.each(Object.keys(samples))("%s: an unknown field in spec is reported at that field", (key) => {
    const doc = clone(samples[key]) as { spec: Record<string, unknown> };
    doc.spec["replicaz"] = 3;
    expect(validateCustomResource(doc)).toEqual([{ path: ["spec", "replicaz"], message: 'unknown field "replicaz"' }]);
  });

  it("reports typos deep inside a spec, in metadata and at the root", () => {
    const route = clone(samples["traefik.io/v1alpha1 IngressRoute"]) as any;
    route.spec.routes[0].services[0].prot = 80;
    route.metadata.lables = { app: "demo" };
    route.sepc = {};
    expect(validateCustomResource(route)).toEqual([
      { path: ["sepc"], message: 'unknown field "sepc"' },
      { path: ["metadata", "lables"], message: 'unknown field "lables"' },
      { path: ["spec", "routes", 0, "services", 0, "prot"], message: 'unknown field "prot"' },
    ]);
  });

  it("reports typos inside the deduplicated ApplicationSet template (a $ref in the schema)", () => {
    const appSet = clone(samples["argoproj.io/v1alpha1 ApplicationSet"]) as any;
    appSet.spec.template.spec.syncPolicy.automated.prun = true;
    expect(validateCustomResource(appSet)).toEqual([
      { path: ["spec", "template", "spec", "syncPolicy", "automated", "prun"], message: 'unknown field "prun"' },
    ]);
  });

  it("reports a wrong type and an enum violation", () => {
    const db = clone(samples["postgresql.cnpg.io/v1 Cluster"]) as any;
    db.spec.instances = "3";
    expect(validateCustomResource(db)).toEqual([{ path: ["spec", "instances"], message: "must be integer" }]);
    const secret = clone(samples["external-secrets.io/v1 ExternalSecret"]) as any;
    secret.spec.target.creationPolicy = "Always";
    expect(validateCustomResource(secret)).toEqual([
      { path: ["spec", "target", "creationPolicy"], message: 'must be one of "Owner", "Orphan", "Merge", "None", "CreateOrMerge"' },
    ]);
  });

  it("accepts int-or-string both ways and arbitrary keys where the CRD preserves unknown fields", () => {
    const route = ingressRoute({ metadata: { name: "a" }, spec: { routes: [{ match: "Host(`a`)", services: [{ name: "a", port: "http" }] }] } });
    expect(validateCustomResource(route)).toEqual([]);
    const plugin = { apiVersion: "traefik.io/v1alpha1", kind: "Middleware", metadata: { name: "p" }, spec: { plugin: { anything: { nested: [1, "x"] } } } };
    expect(validateCustomResource(plugin)).toEqual([]);
  });

  it("translates Go's inline (?i) flag in CRD patterns", () => {
    // PrometheusRule's partial_response_strategy has the RE2 pattern `^(?i)(abort|warn)?$`, invalid in JavaScript as is.
    const rule = clone(samples["monitoring.coreos.com/v1 PrometheusRule"]) as any;
    rule.spec.groups[0].partial_response_strategy = "ABORT";
    expect(validateCustomResource(rule)).toEqual([]);
    rule.spec.groups[0].partial_response_strategy = "never";
    expect(validateCustomResource(rule)).toEqual([
      { path: ["spec", "groups", 0, "partial_response_strategy"], message: 'must match pattern "^(?i)(abort|warn)?$"' },
    ]);
  });

  it("returns undefined for kinds it has no CRD for (core kinds, wrong versions)", () => {
    expect(validateCustomResource({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } })).toBeUndefined();
    expect(validateCustomResource({ apiVersion: "traefik.containo.us/v1alpha1", kind: "IngressRoute" })).toBeUndefined();
    expect(validateCustomResource("not an object")).toBeUndefined();
  });
});

describe("constructors", () => {
  it("fill apiVersion and kind first, keeping the rest as given", () => {
    const secret = externalSecret({ metadata: { name: "s", namespace: "n" }, spec: { secretStoreRef: { name: "vault", kind: "ClusterSecretStore" } } });
    expect(Object.keys(secret)).toEqual(["apiVersion", "kind", "metadata", "spec"]);
    expect(secret).toEqual({
      apiVersion: "external-secrets.io/v1",
      kind: "ExternalSecret",
      metadata: { name: "s", namespace: "n" },
      spec: { secretStoreRef: { name: "vault", kind: "ClusterSecretStore" } },
    });
  });
});
