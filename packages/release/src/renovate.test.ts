import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./testing.js";

interface RegexManager {
  customType: string;
  managerFilePatterns: string[];
  matchStrings: string[];
  datasourceTemplate: string;
}

const renovate = JSON.parse(readFileSync(path.join(REPO_ROOT, "renovate.json"), "utf8")) as { customManagers: RegexManager[]; packageRules: any[] };
const manager = renovate.customManagers.find((m) => m.customType === "regex" && m.datasourceTemplate === "helm")!;

/** Renovate writes file patterns as `/regex/`. */
function filePattern(pattern: string): RegExp {
  const match = /^\/(.*)\/([a-z]*)$/.exec(pattern);
  if (!match) throw new Error(`not a /regex/ pattern: ${pattern}`);
  return new RegExp(match[1]!, match[2]);
}

/** Every component package in the real repository, with its text and parsed manifest. */
const components = readdirSync(path.join(REPO_ROOT, "packages/components"), { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => {
    const file = `packages/components/${e.name}/package.json`;
    const text = readFileSync(path.join(REPO_ROOT, file), "utf8");
    return { file, text, manifest: JSON.parse(text) };
  });

function extract(text: string): { depName: string; currentValue: string; registryUrl: string; index: number; match: string }[] {
  return manager.matchStrings.flatMap((source) =>
    [...text.matchAll(new RegExp(source, "g"))].map((m) => ({
      ...(m.groups as { depName: string; currentValue: string; registryUrl: string }),
      index: m.index!,
      match: m[0],
    })),
  );
}

describe("the Renovate chart manager", () => {
  const pinned = components.filter((c) => c.manifest.homelab?.chart);

  it("covers every component package file", () => {
    expect(pinned.length).toBeGreaterThanOrEqual(13);
    for (const { file } of components)
      expect(
        manager.managerFilePatterns.some((p) => filePattern(p).test(file)),
        file,
      ).toBe(true);
    expect(manager.managerFilePatterns.some((p) => filePattern(p).test("packages/core/package.json"))).toBe(false);
  });

  it("finds the chart name, version and repository of every component, exactly once", () => {
    for (const { file, text, manifest } of pinned) {
      const chart = manifest.homelab.chart;
      expect(
        extract(text).map(({ depName, currentValue, registryUrl }) => ({ depName, currentValue, registryUrl })),
        file,
      ).toEqual([{ depName: chart.name, currentValue: chart.version, registryUrl: chart.repository }]);
    }
  });

  it("finds nothing in a component without a chart", () => {
    for (const { file, text } of components.filter((c) => !c.manifest.homelab?.chart)) expect(extract(text), file).toEqual([]);
  });

  it("an upgrade written where the version was matched changes homelab.chart.version and nothing else", () => {
    for (const { file, text, manifest } of pinned) {
      const [found] = extract(text);
      // Renovate replaces currentValue inside the matched text.
      const replaced = found!.match.replace(`"version": "${found!.currentValue}"`, `"version": "999.0.0"`);
      expect(replaced, file).not.toBe(found!.match);
      const upgraded = JSON.parse(text.slice(0, found!.index) + replaced + text.slice(found!.index + found!.match.length));
      expect(upgraded, file).toEqual({ ...manifest, homelab: { ...manifest.homelab, chart: { ...manifest.homelab.chart, version: "999.0.0" } } });
    }
  });

  it("re-generates, re-renders and adds a changeset after each chart upgrade", () => {
    const rule = renovate.packageRules.find((r) => r.matchManagers?.includes("custom.regex"));
    expect(rule.postUpgradeTasks.commands).toEqual([
      "npm ci --ignore-scripts --no-audit --no-fund",
      "npx homelab release chart-upgrade {{{packageFileDir}}} --bump {{{updateType}}}",
    ]);
  });
});
