import { HomelabError } from "@homelab/errors";
import { describe, expect, it } from "vitest";
import { applicationFolder, contentDigest, objectFileName, parseHydratedIndex, parseHydratedObjects, uniqueFileNames } from "./layout.js";

describe("hydrated layout", () => {
  it("names object files from a closed alphabet, so no chart name can leave the folder", () => {
    expect(objectFileName("Deployment", "traefik", "traefik-public")).toBe("deployment.traefik.traefik-public.yaml");
    expect(objectFileName("ClusterRole", null, "system:aggregate-to-edit")).toBe("clusterrole._cluster.system_aggregate-to-edit.yaml");
    for (const name of ["../../etc/passwd", "a/b", "..", ".hidden", "x\0y"]) {
      const file = objectFileName("ConfigMap", "ns", name);
      expect(file).toMatch(/^[a-z0-9._-]+$/);
      expect(file.split(".").includes("")).toBe(false);
    }
    const long = objectFileName("ConfigMap", "ns", "x".repeat(300));
    expect(long.length).toBeLessThanOrEqual(205);
    expect(long).not.toBe(objectFileName("ConfigMap", "ns", `${"x".repeat(299)}y`));
  });

  it("keeps two objects apart whose names only differ in case or group", () => {
    expect(uniqueFileNames(["a.yaml", "a.yaml", "b.yaml", "a.yaml"])).toEqual(["a.yaml", "a.2.yaml", "b.yaml", "a.3.yaml"]);
  });

  it("refuses folder names that are not Kubernetes names", () => {
    expect(applicationFolder("traefik", "traefik-public")).toBe("dist/hydrated/traefik/traefik-public");
    expect(() => applicationFolder("traefik", "../x")).toThrow(HomelabError);
    expect(() => applicationFolder("Traefik", "x")).toThrow(/component name/);
  });

  it("reads objects.json by file, and treats anything that is not one as absent (it is a cache of the YAML files)", () => {
    const entry = { file: "dist/hydrated/c/a/configmap.ns.x.yaml", digest: contentDigest("kind: ConfigMap\n"), value: { kind: "ConfigMap" } };
    const text = JSON.stringify({ schema: "homelab.dev/hydrated-objects/v1", generator: "@homelab/hydrate", objects: [entry] });
    expect(parseHydratedObjects(text)?.get(entry.file)).toEqual(entry);
    expect(entry.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(contentDigest("kind: ConfigMap\n# edited\n")).not.toBe(entry.digest);
    for (const broken of [
      text.slice(0, -3),
      JSON.stringify({ schema: "v0", objects: [entry] }),
      JSON.stringify({ schema: "homelab.dev/hydrated-objects/v1", objects: [{ ...entry, value: [] }] }),
    ])
      expect(parseHydratedObjects(broken)).toBeUndefined();
  });

  it("parses an index and names the file and the problem when it is not one", () => {
    const good = {
      schema: "homelab.dev/hydrated-index/v1",
      application: "a",
      component: "c",
      project: "default",
      sources: [],
      objects: [{ apiVersion: "v1", kind: "ConfigMap", name: "x", file: "dist/hydrated/c/a/configmap.ns.x.yaml", line: 8, source: { type: "helm" } }],
      findings: [],
      warnings: [],
    };
    expect(parseHydratedIndex(JSON.stringify(good), "i.json").application).toBe("a");
    expect(() => parseHydratedIndex("{", "i.json")).toThrow(/not valid JSON/);
    expect(() => parseHydratedIndex(JSON.stringify({ ...good, schema: "v0" }), "i.json")).toThrow(/schema "v0"/);
    const outside = { ...good, objects: [{ ...good.objects[0], file: "dist/hydrated/../../etc/passwd" }] };
    try {
      parseHydratedIndex(JSON.stringify(outside), "i.json");
      expect.unreachable();
    } catch (error) {
      expect((error as HomelabError).position).toEqual({ file: "i.json" });
      expect((error as HomelabError).message).toMatch(/outside dist\/hydrated/);
    }
  });
});
