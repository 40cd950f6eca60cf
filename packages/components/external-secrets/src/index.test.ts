import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { externalSecrets } from "./index.js";

describe("external-secrets", () => {
  const out = renderForTest(externalSecrets);

  it("runs the controller HA: two replicas with leader election, a PDB, and a two-replica webhook", () => {
    const values = out.values();
    expect(values).toMatchObject({ installCRDs: true, replicaCount: 2, leaderElect: true, podDisruptionBudget: { enabled: true, minAvailable: 1 } });
    expect(values.webhook).toMatchObject({ replicaCount: 2, podDisruptionBudget: { enabled: true } });
    expect(values.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule" });
  });

  it("keeps off the control plane", () => {
    expect(out.values().global.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions).toEqual([
      { key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" },
    ]);
  });

  it("has a ClusterSecretStore on Vault's KV v2 mount with Kubernetes auth as the controller", () => {
    const store = out.object("ClusterSecretStore", homelab.secrets.clusterSecretStore);
    expect(store.apiVersion).toBe("external-secrets.io/v1");
    expect(store.spec.provider.vault).toEqual({
      server: homelab.secrets.vault.address,
      path: homelab.secrets.vault.kvMount,
      version: "v2",
      auth: {
        kubernetes: {
          mountPath: homelab.secrets.vault.kubernetesAuthMount,
          role: "external-secrets",
          serviceAccountRef: { name: "external-secrets", namespace: "external-secrets" },
        },
      },
    });
    expect(out.values().serviceAccount.name).toBe("external-secrets");
    expect(store.metadata.annotations).toEqual({ "argocd.argoproj.io/sync-wave": "1" });
  });

  it("needs Vault and syncs server-side, tolerating its own CRDs arriving in the same sync", () => {
    expect(externalSecrets(homelab).dependsOn).toEqual(["vault"]);
    const options = out.object("ApplicationSet", "external-secrets").spec.template.spec.syncPolicy.syncOptions;
    expect(options).toEqual(expect.arrayContaining(["ServerSideApply=true", "SkipDryRunOnMissingResource=true"]));
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
