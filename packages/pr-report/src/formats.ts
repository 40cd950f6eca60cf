import type { Finding } from "./findings.js";
import type { Report } from "./model.js";

/** Machine-readable report: the whole Report, patches included. */
export function jsonReport(report: Report): string {
  return `${JSON.stringify({ version: 1, ...report }, null, 2)}\n`;
}

const SARIF_LEVEL: Record<Finding["severity"], string> = { error: "error", warning: "warning", info: "note" };

/** SARIF 2.1.0 for GitHub code scanning: one rule per rule id, one result per finding with a location. */
export function sarifReport(report: Report): string {
  const rules = [...new Set(report.findings.violations.map((v) => v.rule))].sort();
  const results = report.findings.violations.map((v) => ({
    ruleId: v.rule,
    ruleIndex: rules.indexOf(v.rule),
    level: SARIF_LEVEL[v.severity],
    message: { text: v.component ? `${v.component}: ${v.message}` : v.message },
    ...(v.file
      ? { locations: [{ physicalLocation: { artifactLocation: { uri: v.file, uriBaseId: "%SRCROOT%" }, region: { startLine: v.line ?? 1 } } }] }
      : {}),
  }));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "homelab",
            rules: rules.map((id) => ({ id, name: id, shortDescription: { text: `homelab policy rule ${id}` } })),
          },
        },
        results,
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

function xml(text: string): string {
  // Also drops characters XML 1.0 cannot carry, which a message could contain.
  return text
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/**
 * JUnit XML: one suite per component (findings without a component go to
 * `(repository)`), one test case per finding; errors fail, warnings pass with
 * the message in system-out; a component without findings has one passing case.
 */
export function junitReport(report: Report): string {
  const suites = new Map<string, Finding[]>();
  for (const c of report.components) suites.set(c.component, []);
  for (const v of report.findings.violations) {
    const key = v.component ?? "(repository)";
    suites.set(key, [...(suites.get(key) ?? []), v]);
  }
  const names = [...suites.keys()].sort();
  let total = 0;
  let failures = 0;
  const body = names.map((name) => {
    const findings = suites.get(name)!;
    const cases = findings.length
      ? findings.map((f) => {
          const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ""}` : "";
          const caseName = xml(`${f.rule}${where ? ` ${where}` : ""}`);
          const text = xml(`${where ? `${where}: ` : ""}${f.message}`);
          return f.severity === "error"
            ? `    <testcase classname="${xml(name)}" name="${caseName}"${f.file ? ` file="${xml(f.file)}"` : ""}>\n      <failure type="${xml(f.rule)}" message="${xml(f.message)}">${text}</failure>\n    </testcase>`
            : `    <testcase classname="${xml(name)}" name="${caseName}"${f.file ? ` file="${xml(f.file)}"` : ""}>\n      <system-out>${xml(f.severity)}: ${text}</system-out>\n    </testcase>`;
        })
      : [`    <testcase classname="${xml(name)}" name="policy"/>`];
    const failed = findings.filter((f) => f.severity === "error").length;
    total += cases.length;
    failures += failed;
    return `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="0">\n${cases.join("\n")}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="homelab policy" tests="${total}" failures="${failures}" errors="0">\n${body.join("\n")}\n</testsuites>\n`;
}
