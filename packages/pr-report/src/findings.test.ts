import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseFindings, policyExitCode, readFindingsFile } from "./findings.js";
import { junitReport } from "./formats.js";
import type { Report } from "./model.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "pr-report-findings-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("findings adapter", () => {
  it("reads the check JSON shape, prefixes files with the checked folder and keeps applied waivers", () => {
    const findings = parseFindings(
      {
        violations: [{ rule: "https-only", severity: "warning", component: "traefik", file: "traefik/public/values.yaml", line: 4, message: "m" }],
        summary: { errors: 0, warnings: 1 },
        waivers: [
          { rule: "forward-auth", component: "authentik", reason: "native OIDC", expires: "2027-01-01" },
          { rule: "forward-auth", component: "whoami", reason: "echo", expires: "2026-12-31", declaredIn: ".homelab/waivers.yaml:2", covers: [] },
        ],
      },
      "findings.json",
      "cluster-critical-apps",
    );
    expect(findings).toEqual({
      violations: [
        { rule: "https-only", severity: "warning", component: "traefik", file: "cluster-critical-apps/traefik/public/values.yaml", line: 4, message: "m" },
      ],
      waivers: [
        { rule: "forward-auth", component: "authentik", reason: "native OIDC", expires: "2027-01-01", file: null, line: null },
        { rule: "forward-auth", component: "whoami", reason: "echo", expires: "2026-12-31", file: ".homelab/waivers.yaml", line: 2 },
      ],
      sources: ["findings.json"],
    });
    expect(policyExitCode(findings)).toBe(0);
  });

  it("names the file and the field when the shape is wrong", () => {
    expect(() => parseFindings({ violations: [{ rule: "x", severity: "fatal", message: "m" }] }, "f.json")).toThrow(
      'findings: violations[0].severity must be error, warning or info, not "fatal"',
    );
  });

  it("reports malformed JSON with file and line", async () => {
    const file = path.join(dir, "bad.json");
    // A missing comma: V8 names the offset, which becomes line 3.
    await writeFile(file, '{\n  "violations": []\n  "summary": {}\n}\n');
    await expect(readFindingsFile(file)).rejects.toMatchObject({ code: "SYNTAX", position: { file, line: 3 } });
  });
});

describe("junit", () => {
  it("fails a test case per error, passes warnings and clean components", () => {
    const report = {
      base: "a",
      head: "b",
      components: [{ component: "clean" }, { component: "metallb" }],
      findings: {
        violations: [
          { rule: "replica-count", severity: "error", component: "metallb", file: "v.yaml", line: 2, message: "needs <2> & more" },
          { rule: "pinned-versions", severity: "warning", component: "metallb", file: null, line: null, message: "w" },
        ],
        waivers: [],
        sources: ["x"],
      },
    } as unknown as Report;
    expect(junitReport(report)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="homelab policy" tests="3" failures="1">',
        '  <testsuite name="clean" tests="1" failures="0" skipped="0">',
        '    <testcase classname="clean" name="policy"/>',
        "  </testsuite>",
        '  <testsuite name="metallb" tests="2" failures="1" skipped="0">',
        '    <testcase classname="metallb" name="replica-count v.yaml:2" file="v.yaml" line="2">',
        '      <failure type="replica-count" message="needs &lt;2&gt; &amp; more">v.yaml:2: needs &lt;2&gt; &amp; more</failure>',
        "    </testcase>",
        '    <testcase classname="metallb" name="pinned-versions">',
        "      <system-out>warning: w</system-out>",
        "    </testcase>",
        "  </testsuite>",
        "</testsuites>",
        "",
      ].join("\n"),
    );
  });
});

describe("findings files through the one input loader", () => {
  it("a FIFO given as the findings file is an error naming it, not a hang", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "homelab-findings-"));
    execFileSync("mkfifo", [path.join(dir, "findings.json")]);
    await expect(readFindingsFile(path.join(dir, "findings.json"))).rejects.toMatchObject({
      code: "IO",
      message: "cannot read: a FIFO (named pipe), not a file",
    });
  });
});
