import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { authentik } from "./index.js";

describe("authentik", () => {
  const out = renderForTest(authentik);
  const values = out.values();

  it("runs server and worker HA with disruption budgets", () => {
    expect(values.server).toMatchObject({ replicas: 2, pdb: { enabled: true, minAvailable: 1 } });
    expect(values.worker).toMatchObject({ replicas: 2, pdb: { enabled: true, minAvailable: 1 } });
  });

  it("keeps its database in a CNPG cluster of three with daily backups", () => {
    const db = out.object("Cluster", "authentik-db");
    expect(db.spec.instances).toBe(3);
    expect(db.spec.backup.barmanObjectStore.endpointURL).toBe(homelab.storage.objectStore.endpoint);
    expect(out.object("ScheduledBackup").spec.cluster).toEqual({ name: "authentik-db" });
    expect(values.authentik.postgresql.host).toBe("authentik-db-rw");
    expect(values.postgresql.enabled).toBe(false);
  });

  it("provides the forward-auth Middleware the cluster facts name, pointing at the embedded outpost", () => {
    const { name, namespace } = homelab.auth.forwardAuthMiddleware;
    const mw = out.object("Middleware", name);
    expect(mw.metadata.namespace).toBe(namespace);
    expect(mw.spec.forwardAuth.address).toBe("http://authentik-server.authentik.svc.cluster.local/outpost.goauthentik.io/auth/traefik");
    expect(mw.spec.forwardAuth.trustForwardHeader).toBe(true);
    expect(mw.spec.forwardAuth.authResponseHeaders).toContain("X-authentik-username");
  });

  it("has no secret value in git: secret key and passwords come from Vault and CNPG", () => {
    expect(JSON.stringify(values)).not.toMatch(/secret_key|"password":/);
    expect(out.object("ExternalSecret", "authentik-secrets").spec.data.map((d: { secretKey: string }) => d.secretKey)).toEqual([
      "AUTHENTIK_SECRET_KEY",
      "AUTHENTIK_EMAIL__PASSWORD",
    ]);
  });

  it("exposes its own login publicly as a native OIDC provider, not behind itself", () => {
    const route = out.object("IngressRoute", "auth");
    expect(route.metadata.annotations?.["homelab.dev/auth"]).toBe("oidc");
    expect(route.spec.routes[0].middlewares).not.toContainEqual(homelab.auth.forwardAuthMiddleware);
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
