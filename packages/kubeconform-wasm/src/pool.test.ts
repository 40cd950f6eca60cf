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
