import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { longhorn } from "./index.js";

describe("longhorn", () => {
  const out = renderForTest(longhorn);
  const values = out.values();

  it("keeps three replicas of important data by default", () => {
    expect(values.persistence.defaultClassReplicaCount).toBe(3);
    expect(values.defaultSettings.defaultReplicaCount).toBe(3);
  });

  it("stores data only on the NVMe workers", () => {
    expect(values.defaultSettings.createDefaultDiskLabeledNodes).toBe(true);
    const labelled = homelab.nodes.filter((n) => n.labels["node.longhorn.io/create-default-disk"] === "true");
    expect(labelled.map((n) => n.nvme)).toEqual([true, true, true, true]);
  });

  it("works under ArgoCD: no pre-upgrade hook job", () => {
    expect(values.preUpgradeChecker).toEqual({ jobEnabled: false });
  });

  it("backs up to the TrueNAS target on a schedule with credentials from Vault", () => {
    expect(values.defaultBackupStore).toEqual({ backupTarget: homelab.storage.backup.target, backupTargetCredentialSecret: "longhorn-backup-target" });
    const backups = out.objects.filter((o) => o.object.kind === "RecurringJob" && o.object.spec.task === "backup");
    expect(backups.map((b) => [b.object.metadata.name, b.object.spec.retain])).toEqual([
      ["backup-daily", 7],
      ["backup-weekly", 4],
    ]);
    expect(out.object("ExternalSecret", "longhorn-backup-target").spec.data.map((d: { secretKey: string }) => d.secretKey)).toEqual([
      "AWS_ACCESS_KEY_ID",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_ENDPOINTS",
    ]);
  });

  it("adds the single-replica class for workloads that replicate themselves", () => {
    expect(out.object("StorageClass", "longhorn-single")).toMatchObject({ provisioner: "driver.longhorn.io", parameters: { numberOfReplicas: "1" } });
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
