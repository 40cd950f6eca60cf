import { findingsJunit, findingsSarif } from "@homelab/check";
import type { Report } from "./model.js";

/** Machine-readable report: the whole Report, patches included. */
export function jsonReport(report: Report): string {
  return `${JSON.stringify({ version: 1, ...report }, null, 2)}\n`;
}

/** SARIF 2.1.0 for GitHub code scanning, written by check, the findings' owner. */
export function sarifReport(report: Report): string {
  return findingsSarif(report.findings.violations, { tool: "homelab" });
}

/**
 * JUnit XML written by check: one suite per affected component (findings
 * without a component go to `(repository)`); a component without findings has
 * one passing case.
 */
export function junitReport(report: Report): string {
  return findingsJunit(report.findings.violations, {
    name: "homelab policy",
    by: "component",
    suites: report.components.map((c) => ({ name: c.component, cleanCase: "policy" })),
  });
}
