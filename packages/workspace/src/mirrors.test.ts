import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isHomelabError } from "@homelab/errors";
import { MIRROR_ENV, defaultMirrorDir, mirrorDir, missingMirrorReason } from "./mirrors.js";

describe("mirrorDir", () => {
  let tmp: string;
  let repo: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), "mirrors-"));
    repo = path.join(tmp, "repo");
    mkdirSync(repo);
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it("is undefined when neither the variable nor shared/<kind> beside the repository exists", () => {
    expect(mirrorDir("charts", {}, repo)).toBeUndefined();
    expect(mirrorDir("crds", { HOMELAB_CRDS_DIR: "" }, repo)).toBeUndefined();
  });

  it("defaults to shared/<kind> beside the repository when it exists", () => {
    mkdirSync(path.join(tmp, "shared", "chart-packages"), { recursive: true });
    expect(defaultMirrorDir("chart-packages", repo)).toBe(path.join(tmp, "shared", "chart-packages"));
    expect(mirrorDir("chart-packages", {}, repo)).toBe(path.join(tmp, "shared", "chart-packages"));
    expect(mirrorDir("charts", {}, repo)).toBeUndefined();
  });

  it("takes the variable over the default", () => {
    mkdirSync(path.join(tmp, "shared", "crds"), { recursive: true });
    const own = path.join(tmp, "my-crds");
    mkdirSync(own);
    expect(mirrorDir("crds", { [MIRROR_ENV.crds]: own }, repo)).toBe(own);
  });

  it("fails clearly when the variable names no directory, instead of testing less", () => {
    const file = path.join(tmp, "file");
    writeFileSync(file, "");
    for (const value of [path.join(tmp, "absent"), file]) {
      let error: unknown;
      try {
        mirrorDir("charts", { HOMELAB_CHARTS_DIR: value }, repo);
      } catch (e) {
        error = e;
      }
      expect(isHomelabError(error) && error.code).toBe("MISSING_ARTIFACT");
      expect((error as Error).message).toBe(`HOMELAB_CHARTS_DIR=${value}: ${value} is not a directory`);
    }
  });

  it("names the variable to set in the reason", () => {
    expect(missingMirrorReason("chart-packages")).toBe("no chart-packages mirror; set HOMELAB_CHART_PACKAGES_DIR");
  });
});
