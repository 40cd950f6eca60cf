import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { traefik } from "./index.js";

describe("traefik", () => {
  const out = renderForTest(traefik);
  const publicValues = out.values("public");
  const privateValues = out.values("private");

  it("public redirects web to websecure permanently; so does private", () => {
    const redirect = { to: "websecure", scheme: "https", permanent: true };
    expect(publicValues.ports.web.http.redirections.entryPoint).toEqual(redirect);
    expect(privateValues.ports.web.http.redirections.entryPoint).toEqual(redirect);
  });

  it("gives each instance its own IngressClass, watched only by itself, and one default", () => {
    for (const [values, exposure] of [
      [publicValues, "public"],
      [privateValues, "private"],
    ] as const) {
      const className = homelab.ingress[exposure].className;
      expect(values.ingressClass.name).toBe(className);
      expect(values.providers.kubernetesCRD.ingressClass).toBe(className);
      expect(values.providers.kubernetesIngress.ingressClass).toBe(className);
    }
    expect([publicValues.ingressClass.isDefaultClass, privateValues.ingressClass.isDefaultClass]).toEqual([false, true]);
  });

  it("puts each instance on its own MetalLB pool with two replicas and a PDB", () => {
    expect(publicValues.service.annotations["metallb.io/address-pool"]).toBe(homelab.ingress.public.pool.name);
    expect(privateValues.service.annotations["metallb.io/address-pool"]).toBe(homelab.ingress.private.pool.name);
    expect(publicValues.deployment.replicas).toBe(2);
    expect(privateValues.podDisruptionBudget).toEqual({ enabled: true, minAvailable: 1 });
  });

  it("lets exactly one release own the CRDs", () => {
    const set = out.object("ApplicationSet");
    expect(set.spec.templatePatch).toContain('{{- if eq .instance "private" }}');
    expect(set.spec.templatePatch).toContain('"skipCrds":true');
    expect(set.spec.template.spec.sources[0].helm.skipCrds).toBeUndefined();
  });

  it("defines the rate limit and header middlewares the cluster facts route through", () => {
    expect(out.object("Middleware", "public-rate-limit").spec.rateLimit).toEqual({ average: 50, period: "1s", burst: 100 });
    const names = out.objects
      .filter((o) => o.object.kind === "Middleware")
      .map((o) => o.object.metadata.name)
      .sort();
    expect(names).toEqual([...homelab.ingress.public.middlewares, ...homelab.ingress.private.middlewares].sort());
  });

  it("serves the dashboard only on the private class, behind forward-auth", () => {
    const route = out.object("IngressRoute", "traefik");
    expect(route.metadata.annotations?.["kubernetes.io/ingress.class"]).toBe("traefik-private");
    expect(route.spec.routes[0].services).toEqual([{ name: "api@internal", kind: "TraefikService" }]);
    expect(route.spec.routes[0].middlewares).toContainEqual(homelab.auth.forwardAuthMiddleware);
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
