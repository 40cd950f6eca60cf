import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { bookmarks } from "./index.js";

describe("bookmarks (example application)", () => {
  const out = renderForTest(bookmarks);

  it("is plain manifests: no chart, no values file, one manifests source", () => {
    expect(out.files.some((f) => f.path.endsWith("values.yaml"))).toBe(false);
    expect(out.object("ApplicationSet").spec.template.spec.sources).toEqual([
      { repoURL: homelab.git.repoURL, targetRevision: homelab.git.revision, path: "{{.manifestsPath}}" },
    ]);
    expect(out.files.map((f) => f.path)).toContain("cluster-workload-apps/bookmarks/manifests/deployment-bookmarks.yaml");
  });

  it("is public behind Authentik forward-auth with the public middlewares first", () => {
    const route = out.object("IngressRoute", "bookmarks");
    expect(route.spec.routes[0].match).toBe("Host(`bookmarks.example.com`)");
    expect(route.spec.routes[0].middlewares).toEqual([
      ...homelab.ingress.public.middlewares.map((name) => ({ name, namespace: homelab.ingress.public.namespace })),
      homelab.auth.forwardAuthMiddleware,
    ]);
    expect(out.object("Certificate", "bookmarks-tls").spec.dnsNames).toEqual(["bookmarks.example.com"]);
  });

  it("keeps its data in a CNPG database and its admin password in Vault", () => {
    expect(out.object("Cluster", "bookmarks-db").spec.instances).toBe(2);
    const env = out.object("Deployment").spec.template.spec.containers[0].env as { name: string; value?: string; valueFrom?: unknown }[];
    expect(env.find((e) => e.name === "LD_SUPERUSER_PASSWORD")?.valueFrom).toEqual({ secretKeyRef: { name: "bookmarks-admin", key: "password" } });
    expect(env.filter((e) => /PASSWORD/.test(e.name) && e.value !== undefined)).toEqual([]);
    expect(out.object("ExternalSecret", "bookmarks-admin").spec.data[0].remoteRef).toEqual({ key: "apps/bookmarks/admin", property: "password" });
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
