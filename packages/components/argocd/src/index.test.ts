import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { argocd } from "./index.js";

describe("argocd", () => {
  const out = renderForTest(argocd);
  const values = out.values();

  it("renders the bootstrap values and the root Application under apps-root-config/bootstrap", () => {
    expect(out.files.map((f) => f.path)).toContain("apps-root-config/bootstrap/argocd/values.yaml");
    const root = out.object("Application", "homelab-root");
    expect(root.spec.source).toEqual({ repoURL: homelab.git.repoURL, targetRevision: homelab.git.revision, path: "apps-root-config/applications" });
    expect(out.files.map((f) => f.path)).toContain("apps-root-config/bootstrap/argocd/manifests/application-homelab-root.yaml");
  });

  it("restores the Application health check and makes ApplicationSets wait for their Applications", () => {
    expect(values.configs.cm["resource.customizations.health.argoproj.io_Application"]).toContain("obj.status.health.status");
    const appSet: string = values.configs.cm["resource.customizations.health.argoproj.io_ApplicationSet"];
    expect(appSet).toContain("obj.status.resources");
    expect(appSet).toContain('hs.status = "Healthy"');
  });

  it("signs in through Authentik with the client secret from Vault", () => {
    expect(values.configs.cm["oidc.config"]).toContain("issuer: https://auth.example.com/application/o/argocd/");
    expect(values.configs.cm["oidc.config"]).toContain("clientSecret: $argocd-oidc:clientSecret");
    const secret = out.object("ExternalSecret", "argocd-oidc");
    expect(secret.spec.target.template.metadata.labels).toEqual({ "app.kubernetes.io/part-of": "argocd" });
  });

  it("is self-managed with server-side apply, and its UI is private", () => {
    expect(out.object("ApplicationSet").spec.template.spec.syncPolicy.syncOptions).toContain("ServerSideApply=true");
    expect(out.object("IngressRoute", "argocd").metadata.annotations?.["kubernetes.io/ingress.class"]).toBe("traefik-private");
    expect(values.configs.params["server.insecure"]).toBe(true);
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
