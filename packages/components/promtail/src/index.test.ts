import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { promtail } from "./index.js";

describe("promtail", () => {
  const out = renderForTest(promtail);

  it("runs as a DaemonSet that tolerates every taint, so control-plane nodes ship logs too", () => {
    const values = out.values();
    expect(values.daemonset).toEqual({ enabled: true });
    expect(values.deployment).toEqual({ enabled: false });
    expect(values.tolerations).toEqual([{ operator: "Exists" }]);
    expect(values.nodeSelector).toBeUndefined();
    expect(values.affinity).toBeUndefined();
  });

  it("pushes to Loki's service with the cluster as an external label", () => {
    expect(out.values().config.clients).toEqual([
      { url: "http://loki.loki.svc.cluster.local:3100/loki/api/v1/push", external_labels: { cluster: homelab.name } },
    ]);
  });

  it("depends on Loki and on the monitoring CRDs its ServiceMonitor needs", () => {
    expect(out.values().serviceMonitor).toEqual({ enabled: true });
    expect(promtail(homelab).dependsOn).toEqual(["kube-prometheus-stack", "loki"]);
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
