import { existsSync } from "node:fs";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { paired, pairedTable, runStep, spread, type Step } from "./paired.js";

const node = (code: string, maxStatus = 0): Step => ({ cmd: process.execPath, args: ["-e", code], cwd: os.tmpdir(), maxStatus });

describe("paired whole-process timings", () => {
  it("spreads: median, extremes and interpolated quartiles", () => {
    const s = spread([4, 1, 3, 2, 5]);
    expect([s.median, s.min, s.max, s.q1, s.q3]).toEqual([3, 1, 5, 2, 4]);
    expect(spread([1, 2]).q3).toBeCloseTo(1.75);
  });

  it("alternates which side goes first and takes the ratio per pair", () => {
    const order: string[] = [];
    const result = paired(
      "order",
      { label: "a", steps: [node("0")], before: (r) => void order.push(`a${r}`) },
      { label: "b", steps: [node("setTimeout(() => {}, 600)")], before: (r) => void order.push(`b${r}`) },
      { pairs: 3 },
    );
    expect(order).toEqual(["a-1", "b-1", "a0", "b0", "b1", "a1", "a2", "b2"]);
    expect(result.pairs).toBe(3);
    // b sleeps 600 ms more in every pair: far more than a process start varies on a loaded machine (npm test runs
    // its suites in parallel; 150 ms was once not enough).
    expect(result.ratio.median).toBeLessThan(1);
    expect(result.b.ms.min).toBeGreaterThan(600);
    expect(pairedTable([result])).toContain("| order | `a` | `b` | **");
  });

  it("a step failing beyond its allowed status fails the benchmark with its output", () => {
    expect(runStep(node("process.exit(1)", 1), false).status).toBe(1);
    expect(() => runStep(node("console.error('broken input'); process.exit(2)", 1), false)).toThrow(/exited 2:[\s\S]*broken input/);
  });

  it.skipIf(!existsSync("/usr/bin/time"))("measures peak RSS with /usr/bin/time (skipped without it: the table then shows –)", () => {
    const small = runStep(node("0"), true);
    const big = runStep(node("const b = Buffer.alloc(200 * 1024 * 1024, 1); console.log(b[5])"), true);
    expect(small.rssKiB).toBeGreaterThan(10 * 1024);
    expect(big.rssKiB! - small.rssKiB!).toBeGreaterThan(150 * 1024);
  });
});
