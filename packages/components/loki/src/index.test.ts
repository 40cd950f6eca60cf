import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { loki, lokiEndpoints } from "./index.js";

describe("loki", () => {
  const out = renderForTest(loki);

  it("runs single-binary without auth, the simple-scalable targets and caches off", () => {
    const values = out.values();
    expect(values).toMatchObject({
      deploymentMode: "SingleBinary",
      loki: { auth_enabled: false, commonConfig: { replication_factor: 1 }, storage: { type: "filesystem" } },
      singleBinary: { replicas: 1 },
      write: { replicas: 0 },
      read: { replicas: 0 },
      backend: { replicas: 0 },
      chunksCache: { enabled: false },
      resultsCache: { enabled: false },
    });
  });

  it("sets the schema the chart requires: TSDB v13 on the filesystem", () => {
    expect(out.values().loki.schemaConfig.configs).toEqual([
      { from: "2024-04-01", store: "tsdb", object_store: "filesystem", schema: "v13", index: { prefix: "index_", period: "24h" } },
    ]);
  });

  it("keeps its data on a retained Longhorn volume on a Proxmox VM", () => {
    const single = out.values().singleBinary;
    expect(single.persistence).toMatchObject({ enabled: true, storageClass: "longhorn", whenDeleted: "Retain" });
    expect(single.nodeSelector).toEqual({ "homelab.dev/hardware": "proxmox-vm" });
    const vms = homelab.nodes.filter((n) => Object.entries(single.nodeSelector).every(([k, v]) => n.labels[k] === v));
    expect(vms.map((n) => n.hardware)).toEqual(["proxmox-vm", "proxmox-vm", "proxmox-vm"]);
  });

  it("lets the compactor apply retention", () => {
    expect(out.values().loki.compactor).toMatchObject({ retention_enabled: true, delete_request_store: "filesystem" });
    expect(out.values().loki.limits_config.retention_period).toBe("744h");
  });

  it("is scraped by Prometheus; the chart's rules stay off (their groups render empty from the chart package)", () => {
    expect(out.values().monitoring).toMatchObject({ serviceMonitor: { enabled: true }, rules: { enabled: false } });
  });

  it("serves clients on the single-binary service, with the gateway off", () => {
    expect(out.values().gateway).toEqual({ enabled: false });
    expect(lokiEndpoints.pushUrl).toBe("http://loki.loki.svc.cluster.local:3100/loki/api/v1/push");
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
