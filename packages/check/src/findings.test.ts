import { describe, expect, it } from "vitest";
import type { CheckResult } from "./check.js";
import { findingsJunit, findingsSarif, formatJson, formatSarif } from "./format.js";
import { parseFindings } from "./findings.js";

const result: CheckResult = {
  dir: ".",
  violations: [
    {
      rule: "forward-auth",
      severity: "error",
      component: "whoami",
      file: "apps/whoami/route.yaml",
      line: 13,
      column: 7,
      message: "no forward auth",
      code: "route-no-auth",
      kind: "IngressRoute",
    },
    { rule: "pinned-versions", severity: "warning", component: null, file: "apps/x.yaml", line: 2, column: 1, message: "floating <tag>", code: "latest" },
  ],
  waivers: [],
  skipped: [],
  rules: [
    { id: "forward-auth", severity: "error", title: "Routes use forward auth" },
    { id: "pinned-versions", severity: "warning", title: "Images are pinned" },
  ],
  summary: { files: 2, documents: 2, errors: 1, warnings: 1, waived: 0, skipped: 0, byRule: {} },
  exitCode: 1,
};

describe("findings read back from check's JSON", () => {
  it("keep rule, severity, place, code and column, with files under the checked folder's prefix", () => {
    const findings = parseFindings(JSON.parse(formatJson(result)), "findings.json", "cluster");
    expect(findings.violations).toEqual([
      {
        rule: "forward-auth",
        severity: "error",
        component: "whoami",
        file: "cluster/apps/whoami/route.yaml",
        line: 13,
        column: 7,
        message: "no forward auth",
        code: "route-no-auth",
      },
      {
        rule: "pinned-versions",
        severity: "warning",
        component: null,
        file: "cluster/apps/x.yaml",
        line: 2,
        column: 1,
        message: "floating <tag>",
        code: "latest",
      },
    ]);
  });

  it("are written by the same SARIF writer as check's own result, rule titles aside", () => {
    const fromJson = JSON.parse(
      findingsSarif(parseFindings(JSON.parse(formatJson(result)), "f.json").violations, { tool: "homelab check", rules: result.rules }),
    );
    expect(fromJson).toEqual(JSON.parse(formatSarif(result)));
    // Without the rule list, rules come from the findings themselves, sorted, and every result points at one.
    const bare = JSON.parse(findingsSarif(parseFindings(JSON.parse(formatJson(result)), "f.json").violations, { tool: "homelab" }));
    expect(bare.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["forward-auth", "pinned-versions"]);
    expect(bare.runs[0].results.map((r: { ruleIndex: number }) => r.ruleIndex)).toEqual([0, 1]);
    expect(bare.runs[0].results[0].locations[0].physicalLocation.region).toEqual({ startLine: 13, startColumn: 7 });
  });

  it("group into JUnit suites by component, with findings about no component in (repository)", () => {
    const junit = findingsJunit(parseFindings(JSON.parse(formatJson(result)), "f.json").violations, {
      name: "report",
      by: "component",
      suites: [
        { name: "whoami", cleanCase: "policy" },
        { name: "clean", cleanCase: "policy" },
      ],
    });
    const suites = [...junit.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)"/g)].map((m) => m.slice(1).join(" "));
    expect(suites).toEqual(["(repository) 1 0", "clean 1 0", "whoami 1 1"]);
    expect(junit).toContain('<testcase classname="whoami" name="forward-auth apps/whoami/route.yaml:13:7" file="apps/whoami/route.yaml" line="13">');
    expect(junit).toContain('<failure type="route-no-auth" message="no forward auth">apps/whoami/route.yaml:13:7: no forward auth</failure>');
    expect(junit).toContain("<system-out>warning: apps/x.yaml:2:1: floating &lt;tag&gt;</system-out>");
    expect(junit).toContain('<testsuites name="report" tests="3" failures="1">');
  });
});
