import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { secretsStoreCsiDriver } from "./index.js";

describe("secrets-store-csi-driver", () => {
  const out = renderForTest(secretsStoreCsiDriver);

  it("syncs mounted secrets into Kubernetes Secrets and rotates them", () => {
    expect(out.values()).toMatchObject({ syncSecret: { enabled: true }, enableSecretRotation: true, rotationPollInterval: "2m", windows: { enabled: false } });
  });

  it("runs on workers, not on the control plane", () => {
    const terms = out.values().linux.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
    expect(terms).toEqual([{ matchExpressions: [{ key: "node-role.kubernetes.io/control-plane", operator: "DoesNotExist" }] }]);
  });

  it("has a SecretProviderClass example reading a Vault KV v2 path through the Vault provider", () => {
    const spc = out.object("SecretProviderClass", "vault-file-example");
    expect(spc.spec.provider).toBe("vault");
    expect(spc.spec.parameters.vaultAddress).toBe(homelab.secrets.vault.address);
    expect(JSON.parse(spc.spec.parameters.objects)).toEqual([
      { objectName: "api-key", secretPath: `${homelab.secrets.vault.kvMount}/data/platform/examples/file-secret`, secretKey: "api-key" },
    ]);
    expect(out.objects.filter((o) => o.object.kind === "Secret")).toEqual([]);
  });

  it("needs Vault", () => {
    expect(secretsStoreCsiDriver(homelab).dependsOn).toEqual(["vault"]);
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
