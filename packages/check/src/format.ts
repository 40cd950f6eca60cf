import type { CheckResult, Violation } from "./check.js";

export const FORMATS = ["text", "json", "github", "sarif", "junit"] as const;
export type Format = (typeof FORMATS)[number];

const where = (v: Violation): string => `${v.file}:${v.line}:${v.column}`;

/** Terminal report: one line per finding, applied waivers, then a summary line. */
export function formatText(result: CheckResult): string {
  const lines: string[] = [];
  for (const v of result.violations) {
    lines.push(`${where(v)}  ${v.severity.padEnd(7)}  ${v.rule}  ${v.message}${v.component ? `  [${v.component}]` : ""}`);
  }
  for (const s of result.skipped) lines.push(`${s.file}  info     not checked: ${s.reason}`);
  if (result.waivers.length > 0) {
    lines.push("", "Waivers applied:");
    for (const w of result.waivers) {
      lines.push(`  ${w.rule}${w.component ? ` [${w.component}]` : ""} until ${w.expires}: ${w.reason} (${w.declaredIn})`);
      for (const c of w.covers) lines.push(`    ${c.file}:${c.line}  ${c.message}`);
    }
  }
  // References that resolve through ArgoCD's retries (a CRD from another Application of the same wave): not findings, but said.
  if ((result.orderings ?? []).length > 0) {
    lines.push("", "Orderings relied on:");
    for (const o of result.orderings ?? []) lines.push(`  ${o.file}:${o.line}  ${o.message}`);
  }
  const s = result.summary;
  if (lines.length > 0) lines.push("");
  lines.push(
    `${s.errors} error(s), ${s.warnings} warning(s), ${s.waived} waived, in ${s.documents} document(s) of ${s.files} file(s)${s.skipped ? `; ${s.skipped} file(s) or folder(s) not checked (listed above)` : ""}`,
  );
  return `${lines.join("\n")}\n`;
}

/** `{"violations":[{rule,severity,component,file,line,message}],"summary":{...}}` plus waivers and skipped files. */
export function formatJson(result: CheckResult): string {
  const body = {
    violations: result.violations.map((v) => ({
      rule: v.rule,
      severity: v.severity,
      component: v.component,
      file: v.file,
      line: v.line,
      column: v.column,
      message: v.message,
      code: v.code,
      ...(v.kind ? { kind: v.kind } : {}),
      ...(v.name ? { name: v.name } : {}),
      ...(v.namespace ? { namespace: v.namespace } : {}),
    })),
    waivers: result.waivers,
    skipped: result.skipped,
    summary: { ...result.summary, exitCode: result.exitCode },
  };
  return `${JSON.stringify(body, null, 2)}\n`;
}

// Workflow commands: data escapes %, CR, LF; properties also `:` and `,`.
const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

/**
 * GitHub Actions annotations (`::error file=...,line=...::message`). Annotation
 * paths are from the repository root: pass the checked directory's path from
 * there as `pathPrefix` when it is not the root.
 */
export function formatGithub(result: CheckResult, options: { pathPrefix?: string } = {}): string {
  const prefix = options.pathPrefix ? `${options.pathPrefix.replace(/\/+$/, "")}/` : "";
  const lines = result.violations.map((v) => {
    const props = [`file=${escapeProperty(prefix + v.file)}`, `line=${v.line}`, `col=${v.column}`, `title=${escapeProperty(v.rule)}`].join(",");
    return `::${v.severity === "error" ? "error" : "warning"} ${props}::${escapeData(`${v.message}${v.component ? ` [${v.component}]` : ""}`)}`;
  });
  const s = result.summary;
  lines.push(`::notice title=homelab check::${escapeData(`${s.errors} error(s), ${s.warnings} warning(s), ${s.waived} waived`)}`);
  return `${lines.join("\n")}\n`;
}

/** SARIF 2.1.0 (GitHub code scanning and most CI viewers). */
export function formatSarif(result: CheckResult): string {
  const ruleIds = result.rules.map((r) => r.id);
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "homelab check",
            informationUri: "https://github.com/homelab/k3s-cluster-infra-apps/blob/main/policies/README.md",
            rules: result.rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              defaultConfiguration: { level: r.severity === "error" ? "error" : "warning" },
            })),
          },
        },
        results: result.violations.map((v) => ({
          ruleId: v.rule,
          ...(ruleIds.includes(v.rule) ? { ruleIndex: ruleIds.indexOf(v.rule) } : {}),
          level: v.severity === "error" ? "error" : "warning",
          message: { text: v.message },
          locations: [{ physicalLocation: { artifactLocation: { uri: v.file }, region: { startLine: v.line, startColumn: v.column } } }],
          ...(v.component ? { properties: { component: v.component, code: v.code } } : { properties: { code: v.code } }),
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

const xml = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** JUnit XML: one test suite per rule; a failing test case per finding, one passing case for a clean rule. */
export function formatJunit(result: CheckResult): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const s = result.summary;
  out.push(`<testsuites name="homelab check" tests="${Math.max(1, result.violations.length)}" failures="${s.errors}">`);
  for (const rule of result.rules) {
    const found = result.violations.filter((v) => v.rule === rule.id);
    const failures = found.filter((v) => v.severity === "error").length;
    out.push(`  <testsuite name="${xml(rule.id)}" tests="${Math.max(1, found.length)}" failures="${failures}" skipped="0">`);
    if (found.length === 0) out.push(`    <testcase classname="${xml(rule.id)}" name="${xml(rule.title)}"/>`);
    for (const v of found) {
      out.push(`    <testcase classname="${xml(rule.id)}" name="${xml(`${where(v)}`)}" file="${xml(v.file)}" line="${v.line}">`);
      // Warnings do not fail the gate: reported as system-out, not failure.
      if (v.severity === "error") out.push(`      <failure type="${xml(v.code)}" message="${xml(v.message)}">${xml(`${where(v)} ${v.message}`)}</failure>`);
      else out.push(`      <system-out>${xml(`warning: ${where(v)} ${v.message}`)}</system-out>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}

export function formatResult(result: CheckResult, format: Format, options: { pathPrefix?: string } = {}): string {
  switch (format) {
    case "text":
      return formatText(result);
    case "json":
      return formatJson(result);
    case "github":
      return formatGithub(result, options);
    case "sarif":
      return formatSarif(result);
    case "junit":
      return formatJunit(result);
  }
}
