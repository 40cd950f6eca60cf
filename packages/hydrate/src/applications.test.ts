import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { HomelabError } from "@homelab/errors";
import { APPLICATION_SET } from "@homelab/sources/testing";
import { describe, expect, it } from "vitest";
import { applicationsFromFile } from "./applications.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const SET = APPLICATION_SET;

describe("applicationsFromFile", () => {
  it("takes the Applications of a set as @homelab/sources expands them, with where they are defined", () => {
    const apps = applicationsFromFile(SET, "apps-root-config/applications/demo.yaml");
    expect(apps.map((a) => a.application.metadata.name)).toEqual(["demo-a", "demo-b"]);
    // templatePatch applied (the merge itself is tested with @homelab/sources' expansion).
    expect(apps[1]!.application.spec.sources![0]!.helm).toEqual({ skipCrds: true });
    expect(apps[0]!.origin).toEqual({ file: "apps-root-config/applications/demo.yaml", component: "demo", applicationSet: "demo", line: 1 });
  });

  it("names file and line of a template error", () => {
    const broken = SET.replace('name: "{{.application}}"', 'name: "{{.app}}"');
    try {
      applicationsFromFile(broken, "apps-root-config/applications/demo.yaml");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HomelabError);
      expect((error as HomelabError).message).toMatch(/element 0 \(demo-a\): map has no entry for key "app"/);
      expect((error as HomelabError).position).toMatchObject({ file: "apps-root-config/applications/demo.yaml", line: 19 });
    }
  });

  it("refuses generators it cannot expand offline", () => {
    const git = SET.replace("    - list:\n", "    - git:\n        repoURL: x\n      list:\n");
    expect(() => applicationsFromFile(git, "f.yaml")).toThrow(/only the list generator/);
  });

  it("refuses an Application name that is not a Kubernetes name", () => {
    const bad = SET.replace("application: demo-a", "application: Demo_A");
    expect(() => applicationsFromFile(bad, "f.yaml")).toThrow(/not a valid Kubernetes name/);
  });

  it("expands the committed ApplicationSets into 22 Applications, 14 of them with a chart", () => {
    const folder = path.join(repoRoot, "apps-root-config/applications");
    const apps = readdirSync(folder)
      .sort()
      .flatMap((f) => applicationsFromFile(readFileSync(path.join(folder, f), "utf8"), `apps-root-config/applications/${f}`));
    const names = apps.map((a) => a.application.metadata.name);
    expect(new Set(names).size).toBe(names.length);
    const withChart = apps.filter((a) => a.application.spec.sources?.some((s) => s.chart));
    expect(withChart.map((a) => a.application.metadata.name)).toContain("traefik-private");
    expect(withChart).toHaveLength(14);
    const privateTraefik = apps.find((a) => a.application.metadata.name === "traefik-private")!;
    expect(privateTraefik.application.spec.sources![0]!.helm).toMatchObject({
      releaseName: "traefik-private",
      skipCrds: true,
      valueFiles: ["$values/cluster-critical-apps/traefik/private/values.yaml"],
    });
    const publicTraefik = apps.find((a) => a.application.metadata.name === "traefik-public")!;
    expect(publicTraefik.application.spec.sources![0]!.helm!.skipCrds).toBeUndefined();
  });
});
