import { execFileSync } from "node:child_process";
import { homelab } from "@homelab/cluster";
import { describe, expect, it } from "vitest";
import { BUILTIN_KUBERNETES_VERSION, BUILTIN_RESOURCES } from "../generated/builtin-api.js";
import { builtinResources } from "./builtin-api.js";
import { generatedBuiltinApi } from "./builtin-api-source.js";

function hasGo(): boolean {
  try {
    execFileSync("go", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("built-in API resources", () => {
  it("are generated for the cluster's Kubernetes version", () => {
    expect(BUILTIN_KUBERNETES_VERSION).toBe(homelab.kubernetes.version);
  });

  it("hold what ArgoCD would discover: GA, list+watch, with their scope", () => {
    const find = (group: string, kind: string) => BUILTIN_RESOURCES.filter((r) => r.group === group && r.kind === kind);
    expect(find("policy", "PodDisruptionBudget")).toEqual([{ group: "policy", version: "v1", kind: "PodDisruptionBudget", namespaced: true }]);
    expect(find("", "Namespace")).toEqual([{ group: "", version: "v1", kind: "Namespace", namespaced: false }]);
    expect(find("apiextensions.k8s.io", "CustomResourceDefinition")).toHaveLength(1);
    // Subresources and create-only reviews are not resources ArgoCD lists.
    expect(find("policy", "Eviction")).toEqual([]);
    expect(find("authorization.k8s.io", "SubjectAccessReview")).toEqual([]);
    expect(BUILTIN_RESOURCES.some((r) => /alpha|beta/.test(r.version))).toBe(false);
  });

  it("filter a spec by list and watch actions and GA versions", () => {
    const op = (action: string, group: string, version: string, kind: string) => ({
      "x-kubernetes-action": action,
      "x-kubernetes-group-version-kind": { group, version, kind },
    });
    const spec = {
      paths: {
        "/apis/demo/v1/namespaces/{namespace}/widgets": { get: op("list", "demo", "v1", "Widget") },
        "/apis/demo/v1/watch/widgets": { get: op("watchlist", "demo", "v1", "Widget") },
        "/apis/demo/v1beta1/gadgets": { get: op("list", "demo", "v1beta1", "Gadget") },
        "/apis/demo/v1beta1/watch/gadgets": { get: op("watchlist", "demo", "v1beta1", "Gadget") },
        "/apis/demo/v1/reviews": { post: op("post", "demo", "v1", "Review") },
        parameters: [],
      },
    };
    expect(builtinResources(spec as never)).toEqual([{ group: "demo", version: "v1", kind: "Widget", namespaced: true }]);
  });

  // Needs Go to fetch k8s.io/kubernetes through the module proxy (cached after the first run); CI has Go.
  it.skipIf(!hasGo() && !process.env.CI)(
    "generated/builtin-api.ts is current (npm run generate -w @homelab/hydrate)",
    async () => {
      const { content, current } = await generatedBuiltinApi(homelab.kubernetes.version);
      expect(current).toBe(content);
    },
    600_000,
  );
});
