import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { validateCustomResource } from "@homelab/crds";
import { YamlSource } from "@homelab/yaml";
import { rootApplication } from "./argocd.js";
import { instantiate } from "./instantiate.js";
import { renderComponent } from "./plan.js";
import { demoComponent, demoConfig } from "./testing/fixtures.js";

function renderedObjects(config: ReturnType<typeof demoConfig>): { path: string; object: Record<string, unknown> }[] {
  return instantiate(config).flatMap((component) =>
    renderComponent(config.cluster, component)
      .files.filter((f) => !f.path.endsWith("/values.yaml"))
      .flatMap((f) =>
        YamlSource.parse(f.content, f.path)
          .nonEmpty()
          .map((d) => ({ path: f.path, object: d.value as Record<string, unknown> })),
      ),
  );
}

describe("rendered ArgoCD and custom resources match the real CRDs (strict)", () => {
  const twoInstances = demoComponent({
    name: "pair",
    instances: [
      { name: "public", values: {}, manifests: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "demo" } }] },
      { name: "private", values: {}, skipCrds: true },
    ],
    secrets: [
      { name: "files", vaultPath: "apps/demo/files", keys: { "tls.key": "key" }, via: "csi", instance: "public" },
      { name: "env", vaultPath: "apps/demo/env", keys: { token: "token" }, type: "kubernetes.io/basic-auth", instance: "private" },
    ],
    sync: { serverSideApply: true, ignoreDifferences: [{ group: "apps", kind: "Deployment", jsonPointers: ["/spec/replicas"] }] },
  });
  const objects = renderedObjects(demoConfig(demoComponent(), twoInstances));

  it("covers every kind render generates", () => {
    expect([...new Set(objects.map((o) => o.object.kind))].sort()).toEqual([
      "ApplicationSet",
      "Certificate",
      "ConfigMap",
      "ExternalSecret",
      "IngressRoute",
      "SecretProviderClass",
    ]);
  });

  it.each(objects.filter((o) => o.object.kind !== "ConfigMap").map((o) => [o.path, o.object] as const))("%s", (_path, object) => {
    expect(validateCustomResource(object)).toEqual([]);
  });

  it("the root Application", () => {
    expect(validateCustomResource(rootApplication(homelab))).toEqual([]);
  });

  it("a typo is caught by the same check (the check can fail)", () => {
    const set = objects.find((o) => o.object.kind === "ApplicationSet")!.object as { spec: Record<string, unknown> };
    const typo = { ...set, spec: { ...set.spec, goTemplateOption: ["missingkey=error"] } };
    expect(validateCustomResource(typo)?.map((p) => p.path.join("."))).toEqual(["spec.goTemplateOption"]);
  });
});
