import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { certManager } from "./index.js";

describe("cert-manager", () => {
  const out = renderForTest(certManager);

  it("installs and keeps its CRDs, runs HA", () => {
    expect(out.values()).toMatchObject({ crds: { enabled: true, keep: true }, replicaCount: 2, podDisruptionBudget: { enabled: true } });
  });

  it("has staging and production Let's Encrypt issuers solving DNS-01 with Cloudflare", () => {
    const production = out.object("ClusterIssuer", homelab.tls.issuers.production);
    expect(production.spec.acme.server).toBe("https://acme-v02.api.letsencrypt.org/directory");
    expect(production.spec.acme.solvers[0].dns01.cloudflare.apiTokenSecretRef).toEqual({ name: "cloudflare-api-token", key: "api-token" });
    expect(out.object("ClusterIssuer", homelab.tls.issuers.staging).spec.acme.server).toContain("acme-staging-v02");
  });

  it("takes the Cloudflare token from Vault, never from git", () => {
    const secret = out.object("ExternalSecret", "cloudflare-api-token");
    expect(secret.spec.data).toEqual([{ secretKey: "api-token", remoteRef: { key: homelab.tls.cloudflareTokenVaultPath, property: "api-token" } }]);
    expect(out.objects.filter((o) => o.object.kind === "Secret")).toEqual([]);
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
