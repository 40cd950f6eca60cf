import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { cloudnativePg } from "./index.js";

describe("cloudnative-pg", () => {
  const out = renderForTest(cloudnativePg);

  it("runs two operator replicas spread over nodes, off the control plane", () => {
    const values = out.values();
    expect(values.replicaCount).toBe(2);
    expect(values.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule" });
    expect(values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] },
    ]);
  });

  it("installs the CRDs, watches every namespace and is scraped through a PodMonitor", () => {
    expect(out.values()).toMatchObject({
      crds: { create: true },
      config: { clusterWide: true },
      monitoring: { podMonitorEnabled: true, grafanaDashboard: { create: true } },
    });
  });

  it("syncs server-side and after the monitoring CRDs exist", () => {
    const set = out.object("ApplicationSet", "cloudnative-pg");
    expect(set.spec.template.spec.syncPolicy.syncOptions).toContain("ServerSideApply=true");
    expect(cloudnativePg(homelab).dependsOn).toEqual(["kube-prometheus-stack"]);
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
