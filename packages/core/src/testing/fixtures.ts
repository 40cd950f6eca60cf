import type { ClusterFacts } from "@homelab/cluster";
import { homelab } from "@homelab/cluster";
import type { ValuesSchema } from "@homelab/values";
import type { Component, ComponentFactory, HomelabConfig } from "../model.js";

/** A small closed values schema standing in for a chart's generated one. */
export const demoSchema: ValuesSchema = {
  chart: { name: "demo", version: "1.2.3", repository: "https://charts.example.invalid" },
  draft: "draft-07",
  source: "shipped",
  schema: {
    $schema: "http://json-schema.org/draft-07/schema#",
    type: "object",
    additionalProperties: false,
    properties: {
      replicaCount: { type: "integer", minimum: 0 },
      image: { type: "object", additionalProperties: false, properties: { tag: { type: "string" }, repository: { type: "string" } } },
      podAnnotations: { type: "object", additionalProperties: { type: "string" } },
    },
  },
};

export interface DemoValues {
  replicaCount?: number;
  image?: { tag?: string; repository?: string };
  podAnnotations?: Record<string, string>;
}

export function demoComponent(overrides: Partial<Component<DemoValues>> = {}): ComponentFactory<DemoValues> {
  return (_cluster: ClusterFacts) => ({
    name: "demo",
    packageName: "@homelab/component-demo",
    version: "0.1.0",
    layer: "platform",
    namespace: "demo",
    chart: { repoURL: "https://charts.example.invalid", chart: "demo", version: "1.2.3" },
    valuesSchema: demoSchema,
    instances: [
      {
        name: "demo",
        values: { replicaCount: 2, image: { tag: "1.0.0" } },
        manifests: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "demo-settings", namespace: "demo" }, data: { a: "b" } } as never],
      },
    ],
    routes: [{ name: "demo", exposure: "public", auth: "forward-auth", service: { name: "demo", port: 80 } }],
    secrets: [{ name: "demo-db", vaultPath: "apps/demo/db", keys: { password: "password" } }],
    sync: { serverSideApply: true },
    ...overrides,
  });
}

export function demoConfig(...components: ComponentFactory<any>[]): HomelabConfig {
  return { cluster: homelab, components: components.length ? components : [demoComponent()] };
}
