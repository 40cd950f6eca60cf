import { describe, expect, it } from "vitest";
import type { Finding } from "./findings.js";
import { checkSummary, checkText, COMMENT_MARKER, commentBody, LIMITS, markdownReport } from "./markdown.js";
import type { AffectedComponent, Report } from "./model.js";
import { fence } from "./truncate.js";

const CHART = { repoURL: "https://charts.example.invalid", chart: "demo", version: "1.0.0" };

function component(name: string, diffLines: number): AffectedComponent {
  const patch = [
    `diff --git a/x/${name}.yaml b/x/${name}.yaml`,
    `--- a/x/${name}.yaml`,
    `+++ b/x/${name}.yaml`,
    "@@ -1 +1 @@",
    ...Array.from({ length: diffLines }, (_, i) => `+line ${i} of ${name} ${"x".repeat(40)}`),
  ].join("\n");
  return {
    component: name,
    package: `@homelab/component-${name}`,
    layer: "platform",
    change: "changed",
    base: { version: "0.1.0", chart: CHART },
    head: { version: "0.1.0", chart: { ...CHART, version: "1.1.0" } },
    chartChanged: true,
    versionChanged: false,
    files: [{ path: `x/${name}.yaml`, status: "changed", additions: diffLines, deletions: 0, patch }],
    additions: diffLines,
    deletions: 0,
    reasons: ["rendered output"],
    errors: 0,
    warnings: 0,
    waivers: 0,
  };
}

function report(components: AffectedComponent[], violations: Finding[] = []): Report {
  return {
    base: "a".repeat(40),
    head: "b".repeat(40),
    components,
    findings: {
      violations,
      waivers: [{ rule: "forward-auth", component: "alpha", reason: "native OIDC", expires: "2027-01-01", file: null, line: null }],
      sources: ["findings.json"],
    },
    exitCode: violations.some((v) => v.severity === "error") ? 1 : 0,
    conclusion: violations.some((v) => v.severity === "error") ? "failure" : "success",
    fullReportAt: "in the `pr-report` artifact (`report.md`)",
  };
}

describe("comment body", () => {
  it("keeps every diff when it fits, one collapsible block per component", () => {
    const body = commentBody(report([component("alpha", 2), component("beta", 1)]));
    expect(body).toBe(
      [
        COMMENT_MARKER,
        "### homelab: rendered diff",
        "",
        `✅ policy passed: 0 errors, 0 warnings; 2 affected components. Base \`${"a".repeat(12)}\` → head \`${"b".repeat(12)}\`.`,
        "",
        "<details><summary><b>alpha</b>: changed (1 file, +2 −0); chart demo@1.0.0 → demo@1.1.0</summary>",
        "",
        "```diff",
        ...component("alpha", 2).files[0]!.patch.split("\n"),
        "```",
        "",
        "</details>",
        "",
        "<details><summary><b>beta</b>: changed (1 file, +1 −0); chart demo@1.0.0 → demo@1.1.0</summary>",
        "",
        "```diff",
        ...component("beta", 1).files[0]!.patch.split("\n"),
        "```",
        "",
        "</details>",
        "",
        "",
      ].join("\n"),
    );
  });

  it("truncates visibly under 65,536 characters, naming the cut components and where the full report is", () => {
    const big = [component("alpha", 300), component("beta", 600), component("gamma", 800), component("delta", 10)];
    const body = commentBody(report(big));
    expect(body.length).toBeLessThanOrEqual(LIMITS.comment);
    expect(body.startsWith(COMMENT_MARKER)).toBe(true);
    expect(body).toContain(
      "> **Truncated** to GitHub's 65,536-character limit for a comment: shortened `gamma`. The full report is in the `pr-report` artifact (`report.md`).",
    );
    // Components before and after the cut keep their diffs; the cut one keeps its summary line.
    expect(body).toContain("+line 299 of alpha");
    expect(body).toContain("+line 599 of beta");
    expect(body).toContain("+line 9 of delta");
    expect(body).not.toContain("+line 0 of gamma");
    expect(body).toContain(
      "<details><summary><b>gamma</b>: changed (1 file, +800 −0); chart demo@1.0.0 → demo@1.1.0</summary>\n\n_Diff left out to fit the comment._",
    );
    // The full markdown report keeps everything.
    expect(markdownReport(report(big))).toContain("+line 799 of gamma");
  });
});

describe("check run output", () => {
  it("keeps the summary under 65,535 characters, dropping warnings before errors and saying so", () => {
    const violations: Finding[] = Array.from({ length: 1500 }, (_, i) => ({
      rule: "pinned-versions",
      severity: i < 100 ? "warning" : "error",
      component: "alpha",
      file: "cluster-platform-apps/alpha/values.yaml",
      line: i + 1,
      message: `finding ${i} ${"y".repeat(60)}`,
    }));
    const summary = checkSummary(report([component("alpha", 1)], violations));
    expect(summary.length).toBeLessThanOrEqual(LIMITS.checkOutput);
    expect(summary).toMatch(
      /> \*\*Truncated\*\* to GitHub's 65,535-character limit for a check run summary: left out \d+ entries \(`pinned-versions at cluster-platform-apps\/alpha\/values.yaml:\d+`.* and \d+ more\)\. The full report is in the `pr-report` artifact \(`report.md`\)\./,
    );
    expect(summary).toContain("| ❌ error | `pinned-versions` | alpha | cluster-platform-apps/alpha/values.yaml:101 |");
    expect(summary).not.toContain("⚠️ warning");
    expect(summary).not.toContain("### Applied waivers");
  });

  it("lists chart changes, findings and applied waivers in the summary", () => {
    const summary = checkSummary(
      report([component("alpha", 1)], [{ rule: "https-only", severity: "error", component: "alpha", file: "a.yaml", line: 3, message: "no | TLS" }]),
    );
    expect(summary).toContain("| alpha | changed (1 file, +1 −0) | platform | demo 1.0.0 → **1.1.0** | 0.1.0 | 0 | 0 | 0 |");
    expect(summary).toContain("| ❌ error | `https-only` | alpha | a.yaml:3 | no \\| TLS |");
    expect(summary).toContain("| `forward-auth` | alpha |  | native OIDC | 2027-01-01 |");
    expect(checkText(report([component("alpha", 1)]))).toBe("## Rendered files changed\n\n### alpha\n\n- changed `x/alpha.yaml` (+1 −0)\n\n");
  });
});

describe("fence", () => {
  it("is longer than any backtick run in the content", () => {
    expect(fence("a ``` b ```` c", "diff")).toBe("`````diff\na ``` b ```` c\n`````");
    expect(fence("plain")).toBe("```\nplain\n```");
  });
});
