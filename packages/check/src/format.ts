import type { CheckResult, RuleInfo, Violation } from "./check.js";
import type { Finding, FindingSeverity } from "./findings.js";

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
      ...findingOf(v),
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

const SARIF_LEVEL: Record<FindingSeverity, string> = { error: "error", warning: "warning", info: "note" };

/** A finding at its file, line and column, as far as it has them. */
const located = (f: Finding): string => (f.file ? [f.file, f.line, f.line ? f.column : undefined].filter((p) => p !== undefined && p !== null).join(":") : "");

/** A violation as a finding (its fields in the findings format's order): the shape every writer takes. */
function findingOf(v: Violation): Finding {
  return { rule: v.rule, severity: v.severity, component: v.component, file: v.file, line: v.line, column: v.column, message: v.message, code: v.code };
}

/** check's own result as findings. */
function findingsOfResult(result: CheckResult): Finding[] {
  return result.violations.map(findingOf);
}

/**
 * SARIF 2.1.0 (GitHub code scanning and most CI viewers) for any findings:
 * `rules` are the known rules with their titles (a finding's rule that is not
 * among them is added with a generic description), one result per finding.
 */
export function findingsSarif(findings: readonly Finding[], options: { tool: string; rules?: readonly RuleInfo[] }): string {
  const known = options.rules ?? [];
  const extra = [...new Set(findings.map((f) => f.rule))].filter((id) => !known.some((r) => r.id === id)).sort();
  const rules = [
    ...known.map((r) => ({ id: r.id, name: r.id, shortDescription: { text: r.title }, defaultConfiguration: { level: SARIF_LEVEL[r.severity] } })),
    ...extra.map((id) => ({ id, name: id, shortDescription: { text: `homelab policy rule ${id}` } })),
  ];
  const ruleIds = rules.map((r) => r.id);
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: options.tool, informationUri: "https://github.com/homelab/k3s-cluster-infra-apps/blob/main/policies/README.md", rules } },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIds.indexOf(f.rule),
          level: SARIF_LEVEL[f.severity],
          message: { text: f.message },
          ...(f.file
            ? {
                locations: [
                  {
                    physicalLocation: {
                      artifactLocation: { uri: f.file, uriBaseId: "%SRCROOT%" },
                      region: { startLine: f.line ?? 1, ...(f.line && f.column ? { startColumn: f.column } : {}) },
                    },
                  },
                ],
              }
            : {}),
          properties: { ...(f.component ? { component: f.component } : {}), ...(f.code ? { code: f.code } : {}) },
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

/** SARIF of a check run. */
export function formatSarif(result: CheckResult): string {
  return findingsSarif(findingsOfResult(result), { tool: "homelab check", rules: result.rules });
}

// Also drops characters XML 1.0 cannot carry, which a message could contain.
const xml = (s: string): string =>
  s
    .replace(/[^\x09\x0A\x0D\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");

export interface JunitOptions {
  /** The root `<testsuites>` name. */
  name: string;
  /** One suite per rule (in `suites` order) or per component (by name; findings without one in `(repository)`). */
  by: "rule" | "component";
  /** Suites to list even without findings, each with the name of its one passing case. */
  suites?: readonly { name: string; cleanCase: string }[];
}

/**
 * JUnit XML for any findings: a failing test case per error, a passing one
 * with the message in system-out per warning (they do not fail the gate), one
 * passing case for a listed suite without findings.
 */
export function findingsJunit(findings: readonly Finding[], options: JunitOptions): string {
  const keyOf = (f: Finding): string => (options.by === "rule" ? f.rule : (f.component ?? "(repository)"));
  const listed = options.suites ?? [];
  const extra = [...new Set(findings.map(keyOf))].filter((k) => !listed.some((s) => s.name === k)).sort();
  const suites = [...listed, ...extra.map((name) => ({ name, cleanCase: name }))];
  // Components have no order of their own; rules keep the order their owner lists them in.
  if (options.by === "component") suites.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let tests = 0;
  let failures = 0;
  const body: string[] = [];
  for (const suite of suites) {
    const found = findings.filter((f) => keyOf(f) === suite.name);
    const failed = found.filter((f) => f.severity === "error").length;
    const cases = Math.max(1, found.length);
    tests += cases;
    failures += failed;
    body.push(`  <testsuite name="${xml(suite.name)}" tests="${cases}" failures="${failed}" skipped="0">`);
    if (found.length === 0) body.push(`    <testcase classname="${xml(suite.name)}" name="${xml(suite.cleanCase)}"/>`);
    for (const f of found) {
      const where = located(f);
      // The case is named by what its suite does not say: the place for a rule's suite, rule and place for a component's.
      const caseName = options.by === "rule" ? where || f.rule : `${f.rule}${where ? ` ${where}` : ""}`;
      const text = `${where ? `${where}: ` : ""}${f.message}`;
      body.push(
        `    <testcase classname="${xml(suite.name)}" name="${xml(caseName)}"${f.file ? ` file="${xml(f.file)}"` : ""}${f.file && f.line ? ` line="${f.line}"` : ""}>`,
      );
      if (f.severity === "error") body.push(`      <failure type="${xml(f.code ?? f.rule)}" message="${xml(f.message)}">${xml(text)}</failure>`);
      else body.push(`      <system-out>${xml(`${f.severity}: ${text}`)}</system-out>`);
      body.push("    </testcase>");
    }
    body.push("  </testsuite>");
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xml(options.name)}" tests="${tests}" failures="${failures}">`,
    ...body,
    "</testsuites>",
    "",
  ].join("\n");
}

/** JUnit of a check run: one suite per rule; a clean rule passes with its title as the case name. */
export function formatJunit(result: CheckResult): string {
  return findingsJunit(findingsOfResult(result), { name: "homelab check", by: "rule", suites: result.rules.map((r) => ({ name: r.id, cleanCase: r.title })) });
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
