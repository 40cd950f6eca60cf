import { describe, expect, it } from "vitest";
import { renderForTest } from "@homelab/core/testing";
import { vault } from "./index.js";

describe("vault", () => {
  const out = renderForTest(vault);
  const values = out.values();

  it("runs HA on integrated raft storage with three replicas that join each other", () => {
    expect(values.server.ha).toMatchObject({ enabled: true, replicas: 3, raft: { enabled: true } });
    const config: string = values.server.ha.raft.config;
    expect(config).toContain('storage "raft"');
    expect(config.match(/retry_join/g)).toHaveLength(3);
    expect(config).toContain('leader_api_addr = "http://vault-2.vault-internal:8200"');
  });

  it("keeps one raft peer per node, off the control plane", () => {
    const affinity = values.server.affinity;
    expect(affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe("kubernetes.io/hostname");
    expect(affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0]).toEqual({
      key: "node-role.kubernetes.io/control-plane",
      operator: "DoesNotExist",
    });
  });

  it("enables the CSI provider and serves the UI only on the private ingress", () => {
    expect(values.csi.enabled).toBe(true);
    expect(values.ui.enabled).toBe(true);
    const route = out.object("IngressRoute", "vault");
    expect(route.metadata.annotations?.["kubernetes.io/ingress.class"]).toBe("traefik-private");
    expect(route.metadata.annotations?.["homelab.dev/admin"]).toBe("true");
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
