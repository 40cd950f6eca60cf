import { beforeAll, describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { schemasRoot } from "./artifacts.js";
import { build } from "./build.js";
import { Pool, split } from "./pool.js";
import { Shim } from "./wasm.js";

const doc = (kind: string, bytes: number, apiVersion = "v1"): Buffer =>
  Buffer.from(`apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: x\ndata:\n  blob: ${"y".repeat(bytes)}\n`);

describe("split", () => {
  it("balances large files by bytes", () => {
    const files = [doc("ConfigMap", 3_000_000), doc("ConfigMap", 2_000_000), doc("ConfigMap", 2_000_000), doc("ConfigMap", 1_000_000)];
    expect(split(files, 2)).toEqual([
      [0, 3],
      [1, 2],
    ]);
  });

  it("gives a share that starts with a cost (a worker still starting) less work", () => {
    const files = Array.from({ length: 6 }, () => doc("ConfigMap", 1_000_000));
    expect(split(files, 2).map((s) => s.length)).toEqual([3, 3]);
    expect(split(files, 2, [0, 2_000_000]).map((s) => s.length)).toEqual([4, 2]);
  });

  it("keeps small files of one kind in one share, so its schema is compiled once", () => {
    const files = [
      doc("CustomResourceDefinition", 1_000_000, "apiextensions.k8s.io/v1"),
      doc("CustomResourceDefinition", 1_000_000, "apiextensions.k8s.io/v1"),
      ...Array.from({ length: 6 }, () => doc("ApplicationSet", 5_000, "argoproj.io/v1alpha1")),
      ...Array.from({ length: 6 }, () => doc("Deployment", 5_000, "apps/v1")),
    ];
    const shares = split(files, 2);
    expect(shares.flat().sort((a, b) => a - b)).toEqual(files.map((_, i) => i));
    const shareOf = (i: number) => shares.findIndex((s) => s.includes(i));
    expect(new Set([2, 3, 4, 5, 6, 7].map(shareOf)).size).toBe(1);
    expect(new Set([8, 9, 10, 11, 12, 13].map(shareOf)).size).toBe(1);
    expect(shareOf(0)).not.toBe(shareOf(1));
  });

  it("spreads a kind larger than a fair share (the charts' CRDs) and keeps the many small kinds whole beside it", () => {
    const crds = Array.from({ length: 10 }, () => doc("CustomResourceDefinition", 500_000, "apiextensions.k8s.io/v1"));
    const small = Array.from({ length: 40 }, (_, i) => doc(`Kind${Math.floor(i / 2)}`, 5_000, "example.com/v1"));
    const files = [...crds, ...small];
    const shares = split(files, 2);
    expect(shares.flat().sort((a, b) => a - b)).toEqual(files.map((_, i) => i));
    const shareOf = (i: number) => shares.findIndex((s) => s.includes(i));
    // Both threads validate CRDs: one thread with all of them would finish last.
    expect(new Set(crds.map((_, i) => shareOf(i))).size).toBe(2);
    // Each small kind's two files stay together (one compile each), and the small kinds go to both threads.
    for (let k = 0; k < 20; k++) expect(shareOf(10 + 2 * k)).toBe(shareOf(11 + 2 * k));
    expect(new Set(small.map((_, i) => shareOf(10 + i))).size).toBe(2);
  });

  it("tells kinds apart by apiVersion and finds every document's kind", () => {
    const two = Buffer.concat([doc("Service", 100), Buffer.from("---\n"), doc("ServiceMonitor", 100, "monitoring.coreos.com/v1")]);
    const files = [doc("Big", 2_000_000), two, doc("Service", 100), doc("ServiceMonitor", 100, "monitoring.coreos.com/v1")];
    const shares = split(files, 2);
    expect(shares).toEqual([[0], [1, 2, 3]]);
  });
});

describe("Pool", () => {
  beforeAll(async () => {
    await build({ kubernetesVersion: homelab.kubernetes.version, native: false });
  });

  it("rejects a batch, without hanging, when a worker cannot start", async () => {
    const preopens = { "/schemas/0": schemasRoot };
    const config = { kubernetesVersion: homelab.kubernetes.version, strict: true, schemaLocations: ["/schemas/0"], skipKinds: [] };
    const shim = await Shim.load(preopens, config);
    // The calling thread's instance is fine; the worker's configuration is not.
    const pool = new Pool(shim, preopens, { ...config, schemaLocations: ["/schemas/0/{{ .Broken"] }, 2);
    try {
      const files = [doc("ConfigMap", 2_100_000), doc("ConfigMap", 2_100_000)];
      await expect(pool.validate(files)).rejects.toThrow(/kubeconform-wasm worker failed to start: .*kubeconform rejected the configuration/);
      await expect(pool.validate(files)).rejects.toThrow(/kubeconform-wasm worker failed to start: .*kubeconform rejected the configuration/);
    } finally {
      pool.close();
    }
  });
});
