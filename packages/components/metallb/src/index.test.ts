import { describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { renderForTest } from "@homelab/core/testing";
import { metallb } from "./index.js";

describe("metallb", () => {
  const out = renderForTest(metallb);

  it("runs L2 only, without the bundled FRR BGP backend", () => {
    expect(out.values()).toMatchObject({ crds: { enabled: true }, frrk8s: { enabled: false }, speaker: { frr: { enabled: false } } });
  });

  it("has a public pool handed out only on request and an automatic private pool, each advertised in L2", () => {
    expect(out.object("IPAddressPool", "public-vlan").spec).toEqual({
      addresses: [...homelab.ingress.public.pool.addresses],
      autoAssign: false,
      avoidBuggyIPs: true,
    });
    expect(out.object("IPAddressPool", "private-vlan").spec.autoAssign).toBe(true);
    expect(out.object("L2Advertisement", "public-vlan").spec).toEqual({ ipAddressPools: ["public-vlan"] });
    expect(out.object("L2Advertisement", "private-vlan").spec).toEqual({ ipAddressPools: ["private-vlan"] });
  });

  it("renders custom resources that match their CRDs", () => {
    expect(out.crdProblems()).toEqual({});
  });
});
