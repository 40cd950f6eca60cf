import { describe, expect, it } from "vitest";
import { generateSchemas, schemaFileName, type Swagger } from "./schemas.js";

const gvk = (group: string, version: string, kind: string) => ({ "x-kubernetes-group-version-kind": [{ group, version, kind }] });

const SWAGGER: Swagger = {
  definitions: {
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": { type: "string", format: "int-or-string" },
    "io.k8s.apimachinery.pkg.api.resource.Quantity": { type: "string" },
    "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": {
      type: "object",
      properties: { name: { type: "string", description: "dropped" }, labels: { type: "object", additionalProperties: { type: "string" } } },
    },
    "io.k8s.api.apps.v1.Thing": {
      ...gvk("apps", "v1", "Thing"),
      type: "object",
      required: ["spec"],
      properties: {
        metadata: { $ref: "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" },
        spec: {
          type: "object",
          properties: {
            port: { $ref: "#/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString" },
            cpu: { $ref: "#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity" },
            raw: { type: "object", "x-kubernetes-preserve-unknown-fields": true, properties: { a: { type: "string" } } },
          },
        },
      },
    },
    "io.k8s.api.core.v1.Tree": {
      ...gvk("", "v1", "Tree"),
      type: "object",
      properties: { root: { $ref: "#/definitions/io.k8s.api.core.v1.Node" } },
    },
    "io.k8s.api.core.v1.Node": {
      type: "object",
      properties: { children: { type: "array", items: { $ref: "#/definitions/io.k8s.api.core.v1.Node" } } },
    },
    "io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions": {
      "x-kubernetes-group-version-kind": [
        { group: "", version: "v1", kind: "DeleteOptions" },
        { group: "apps", version: "v1", kind: "DeleteOptions" },
      ],
      type: "object",
    },
  },
};

describe("schemaFileName", () => {
  it("follows kubeconform's KindSuffix", () => {
    expect(schemaFileName("v1", "Service")).toBe("service-v1.json");
    expect(schemaFileName("apps/v1", "Deployment")).toBe("deployment-apps-v1.json");
    expect(schemaFileName("networking.k8s.io/v1", "Ingress")).toBe("ingress-networking-v1.json");
    expect(schemaFileName("rbac.authorization.k8s.io/v1", "ClusterRole")).toBe("clusterrole-rbac-v1.json");
  });
});

describe("generateSchemas", () => {
  it("inlines references, maps int-or-string and quantities, closes objects in strict mode", () => {
    const files = generateSchemas(SWAGGER, { strict: true });
    expect(files.map((f) => f.name)).toEqual(["thing-apps-v1.json", "tree-v1.json"]);
    expect(files[0]!.schema).toEqual({
      type: "object",
      required: ["spec"],
      additionalProperties: false,
      properties: {
        metadata: {
          type: ["object", "null"],
          additionalProperties: false,
          properties: { name: { type: ["string", "null"] }, labels: { type: ["object", "null"], additionalProperties: { type: "string" } } },
        },
        spec: {
          type: "object",
          additionalProperties: false,
          properties: {
            port: { oneOf: [{ type: "string" }, { type: "integer" }, { type: "null" }] },
            cpu: { oneOf: [{ type: "string" }, { type: "number" }, { type: "null" }] },
            raw: { type: ["object", "null"], properties: { a: { type: ["string", "null"] } } },
          },
        },
      },
    });
  });

  it("keeps recursive definitions as local references", () => {
    const tree = generateSchemas(SWAGGER, { strict: false }).find((f) => f.name === "tree-v1.json")!;
    expect(tree.schema).toEqual({
      type: "object",
      properties: { root: { anyOf: [{ $ref: "#/definitions/io.k8s.api.core.v1.Node" }, { type: "null" }] } },
      definitions: {
        "io.k8s.api.core.v1.Node": {
          type: "object",
          properties: { children: { type: ["array", "null"], items: { $ref: "#/definitions/io.k8s.api.core.v1.Node" } } },
        },
      },
    });
  });

  it("does not change its input and gives the same output twice", () => {
    const before = JSON.stringify(SWAGGER);
    const first = JSON.stringify(generateSchemas(SWAGGER, { strict: true }));
    expect(JSON.stringify(generateSchemas(SWAGGER, { strict: true }))).toBe(first);
    expect(JSON.stringify(SWAGGER)).toBe(before);
  });
});
