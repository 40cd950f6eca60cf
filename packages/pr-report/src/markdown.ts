import type { ChartRef } from "./diff.js";
import type { Finding } from "./findings.js";
import type { AffectedComponent, Report } from "./model.js";
import { describeRef, objectCounts, type ApplicationObjectDiff } from "./objects.js";
import { fence, fitSections, nameList, type Section } from "./truncate.js";

/** GitHub's documented limits. */
export const LIMITS = {
  checkOutput: 65_535,
  comment: 65_536,
  statusDescription: 140,
  annotationsPerRequest: 50,
  /** Job summaries are limited to 1 MiB per step. */
  stepSummary: 1_000_000,
} as const;

/** Hidden marker that identifies the report's PR comment, so each push updates it in place. */
export const COMMENT_MARKER = "<!-- homelab:pr-report -->";

const SEVERITY_ICON: Record<Finding["severity"], string> = { error: "❌", warning: "⚠️", info: "ℹ️" };

function cell(text: string): string {
  return text.replace(/\r?\n/g, " ").replace(/\|/g, "\\|");
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function location(file: string | null, line: number | null): string {
  if (!file) return "";
  return line ? `${file}:${line}` : file;
}

function chartText(chart: ChartRef | null): string {
  return chart ? `${chart.chart}@${chart.version}` : "";
}

function chartCell(c: AffectedComponent): string {
  if (c.chartChanged) {
    const before = c.base?.chart;
    const after = c.head?.chart;
    if (before && after && before.chart === after.chart) return `${after.chart} ${before.version} → **${after.version}**`;
    return `${chartText(before ?? null)} → **${chartText(after ?? null)}**`;
  }
  return chartText((c.head ?? c.base)?.chart ?? null);
}

function versionCell(c: AffectedComponent): string {
  if (c.versionChanged) return `${c.base?.version} → **${c.head?.version}**`;
  return (c.head ?? c.base)?.version ?? "";
}

function changeCell(c: AffectedComponent): string {
  if (c.change === "unchanged") return "no rendered change";
  const stats = c.files.length ? ` (${plural(c.files.length, "file")}, +${c.additions} −${c.deletions})` : "";
  return `${c.change}${stats}`;
}

export function headline(report: Report): string {
  const errors = report.findings.violations.filter((v) => v.severity === "error").length;
  const warnings = report.findings.violations.filter((v) => v.severity === "warning").length;
  const verdict = report.exitCode === 0 ? "✅ policy passed" : "❌ policy failed";
  const findings = report.findings.sources.length === 0 ? "no findings input" : `${plural(errors, "error")}, ${plural(warnings, "warning")}`;
  const missing =
    report.changesets && !report.changesets.ok ? `; ❌ ${plural(report.changesets.uncovered.length, "component")} changed without a changeset` : "";
  return `${verdict}: ${findings}; ${plural(report.components.length, "affected component")}${missing}`;
}

/** The changeset gate's failures: each component and how to add its changeset; empty when it passed or did not run. */
function changesetSection(report: Report, level: "##" | "###"): string {
  const gate = report.changesets;
  if (!gate || gate.ok) return "";
  const lines = [
    `${level} Components changed without a changeset
`,
  ];
  if (gate.uncovered.length) {
    lines.push("| component | package | why |", "|---|---|---|");
    for (const c of gate.uncovered) lines.push(`| ${cell(c.component)} | \`${cell(c.package)}\` | ${cell(c.reason ?? "")} |`);
    const names = gate.uncovered.map((c) => c.component).join(" ");
    lines.push(
      "",
      "Add a changeset naming each package: run `npx changeset` and select them, or without prompts:",
      "",
      fence(`npx homelab release changeset ${names} --bump patch --summary "<what changed>"`, "sh"),
    );
  }
  for (const u of gate.unknownPackages) lines.push("", `\`${cell(u.file)}\` names \`${cell(u.name)}\`, which is no workspace package.`);
  return `${lines.join("\n")}\n`;
}

function range(report: Report): string {
  return `Base \`${report.base.slice(0, 12)}\` → head \`${report.head.slice(0, 12)}\`.`;
}

function componentRows(report: Report): Section[] {
  return report.components.map((c) => ({
    label: c.component,
    full: `| ${cell(c.component)} | ${cell(changeCell(c))} | ${cell(c.layer ?? "")} | ${cell(chartCell(c))} | ${cell(versionCell(c))} | ${c.errors} | ${c.warnings} | ${c.waivers} |\n`,
  }));
}

const COMPONENTS_HEAD = "| component | change | layer | chart | version | errors | warnings | waivers |\n|---|---|---|---|---|---:|---:|---:|\n";

function findingRows(findings: readonly Finding[]): Section[] {
  return findings.map((f, i) => ({
    label: `${f.rule} at ${location(f.file, f.line) || `finding ${i + 1}`}`,
    full: `| ${SEVERITY_ICON[f.severity]} ${f.severity} | \`${cell(f.rule)}\` | ${cell(f.component ?? "")} | ${cell(location(f.file, f.line))} | ${cell(f.message)} |\n`,
  }));
}

const FINDINGS_HEAD = "| severity | rule | component | location | message |\n|---|---|---|---|---|\n";

function waiverTable(report: Report): string {
  const waivers = report.findings.waivers;
  if (waivers.length === 0) return "";
  const rows = waivers.map(
    (w) => `| \`${cell(w.rule)}\` | ${cell(w.component ?? "")} | ${cell(location(w.file, w.line))} | ${cell(w.reason)} | ${cell(w.expires ?? "")} |\n`,
  );
  return `\n### Applied waivers\n\n| rule | component | location | reason | expires |\n|---|---|---|---|---|\n${rows.join("")}`;
}

/** Sorted so errors come first: if the table must be cut, warnings go before errors do. */
function sortedFindings(report: Report): Finding[] {
  const rank = { error: 0, warning: 1, info: 2 } as const;
  return [...report.findings.violations].sort((a, b) => rank[a.severity] - rank[b.severity]);
}

function truncationNote(what: string, limit: number, report: Report) {
  return ({ shortened, dropped }: { shortened: string[]; dropped: string[] }) => {
    const parts: string[] = [];
    if (shortened.length) parts.push(`shortened ${nameList(shortened)}`);
    if (dropped.length) parts.push(`left out ${dropped.length === 1 ? "1 entry" : `${dropped.length} entries`} (${nameList(dropped)})`);
    return `> [!WARNING]\n> **Truncated** to GitHub's ${limit.toLocaleString("en-US")}-character limit for ${what}: ${parts.join("; ")}. The full report is ${report.fullReportAt}.`;
  };
}

/**
 * The check run summary: verdict, affected components with chart versions and
 * finding counts, the findings (errors first) and the applied waivers.
 */
export function checkSummary(report: Report, limit: number = LIMITS.checkOutput): string {
  const head = `## ${headline(report)}\n\n${range(report)}\n\n`;
  const components = componentRows(report);
  const findings = findingRows(sortedFindings(report));
  const sections: Section[] = [
    { label: "changeset gate", full: changesetSection(report, "###") },
    { label: "components table", full: components.length ? `### Affected components\n\n${COMPONENTS_HEAD}` : "No component's rendered output changed.\n" },
    ...components,
    { label: "findings table", full: findings.length ? `\n### Findings\n\n${FINDINGS_HEAD}` : "" },
    ...findings,
    { label: "applied waivers", full: waiverTable(report) },
  ];
  return fitSections({ head, sections, limit, note: truncationNote("a check run summary", limit, report) });
}

/** The check run text: the changed files per component, with line counts. */
export function checkText(report: Report, limit: number = LIMITS.checkOutput): string {
  const changed = report.components.filter((c) => c.files.length > 0 || objectsOf(report, c.component).length > 0);
  const sections: Section[] = changed.map((c) => {
    const objects = objectsOf(report, c.component);
    const files = c.files.map((f) => `- ${f.status} \`${f.path}\` (+${f.additions} −${f.deletions})`).join("\n");
    const counts = objects.map((d) => `\`${d.application}\`: ${countsText(d)}`).join("; ");
    return {
      label: c.component,
      full: `### ${c.component}\n\n${objectList(objects)}${files}\n\n`,
      short: `### ${c.component}\n\n${plural(c.files.length, "file")} changed (+${c.additions} −${c.deletions}).${counts ? ` Objects: ${counts}.` : ""}\n\n`,
    };
  });
  const head = changed.length ? "## Rendered files changed\n\n" : "No rendered file changed.\n";
  return fitSections({ head, sections, limit, note: truncationNote("check run text", limit, report) });
}

/** Object diffs of one component's Applications. */
function objectsOf(report: Report, component: string): ApplicationObjectDiff[] {
  return (report.objects ?? []).filter((d) => d.component === component);
}

function countsText(d: ApplicationObjectDiff): string {
  const n = objectCounts(d);
  return `${n.added} added, ${n.changed} changed, ${n.removed} removed`;
}

const MAX_PATHS = 8;

/** One line per changed object, with its changed fields: what ArgoCD will change. */
function objectList(diffs: readonly ApplicationObjectDiff[]): string {
  if (diffs.length === 0) return "";
  const lines = ["**Objects ArgoCD will change**", ""];
  for (const d of diffs) {
    lines.push(`- \`${d.application}\` (${d.change}): ${countsText(d)}`);
    for (const o of d.objects) {
      const mark = o.change === "added" ? "➕" : o.change === "removed" ? "➖" : "✏️";
      const paths = o.paths
        .slice(0, MAX_PATHS)
        .map((p) => `\`${p}\``)
        .join(", ");
      const more = o.paths.length > MAX_PATHS ? ` and ${o.paths.length - MAX_PATHS} more` : "";
      lines.push(`  - ${mark} ${o.change} \`${describeRef(o)}\`${paths ? `: ${paths}${more}` : ""}`);
    }
  }
  return `${lines.join("\n")}\n\n`;
}

/** The YAML diff of every changed object (added and removed ones are named in the list). */
function objectPatches(diffs: readonly ApplicationObjectDiff[]): string {
  const parts = diffs.flatMap((d) => d.objects.filter((o) => o.change === "changed").map((o) => `# ${d.application}: ${describeRef(o)}\n${o.patch}`));
  return parts.length ? `${fence(parts.join("\n"), "diff")}\n\n` : "";
}

function diffDetails(c: AffectedComponent, objects: readonly ApplicationObjectDiff[] = []): Section {
  const extras: string[] = [];
  if (c.chartChanged) extras.push(`chart ${chartText(c.base?.chart ?? null)} → ${chartText(c.head?.chart ?? null)}`);
  if (c.versionChanged) extras.push(`version ${c.base?.version} → ${c.head?.version}`);
  const objectCount = objects.reduce((n, d) => n + d.objects.length, 0);
  if (objectCount) extras.push(`${plural(objectCount, "object")} change`);
  const summary = `<b>${c.component}</b>: ${changeCell(c)}${extras.length ? `; ${extras.join("; ")}` : ""}`;
  const patch = c.files.map((f) => f.patch).join("\n");
  const files = c.files.length ? fence(patch, "diff") : "_No rendered file differs._";
  const body = objects.length ? `${objectList(objects)}${objectPatches(objects)}**Rendered files**\n\n${files}` : files;
  return {
    label: c.component,
    full: `<details><summary>${summary}</summary>\n\n${body}\n\n</details>\n\n`,
    short: `<details><summary>${summary}</summary>\n\n${objectList(objects)}_Diff left out to fit the comment._\n\n</details>\n\n`,
  };
}

/** Components with a rendered change or an object change, each with its Applications' object diffs. */
function diffSections(report: Report): Section[] {
  const withObjects = new Set((report.objects ?? []).map((d) => d.component));
  return report.components.filter((c) => c.change !== "unchanged" || withObjects.has(c.component)).map((c) => diffDetails(c, objectsOf(report, c.component)));
}

/** The PR comment: hidden marker, verdict, then one collapsible rendered diff per component. */
export function commentBody(report: Report, limit: number = LIMITS.comment): string {
  const head = `${COMMENT_MARKER}\n### homelab: rendered diff\n\n${headline(report)}. ${range(report)}\n\n`;
  const sections = diffSections(report);
  const tail = sections.length ? "" : "No component's rendered output changed.\n";
  return fitSections({ head, sections, tail, limit, note: truncationNote("a comment", limit, report) });
}

/** The whole report as one markdown document, never truncated (the artifact the notes point to). */
export function markdownReport(report: Report): string {
  const components = componentRows(report)
    .map((s) => s.full)
    .join("");
  const findings = findingRows(sortedFindings(report))
    .map((s) => s.full)
    .join("");
  const diffs = diffSections(report)
    .map((s) => s.full)
    .join("");
  return [
    `# homelab pull-request report\n\n## ${headline(report)}\n\n${range(report)}\n`,
    changesetSection(report, "##"),
    components ? `## Affected components\n\n${COMPONENTS_HEAD}${components}` : "No component's rendered output changed.\n",
    findings ? `## Findings\n\n${FINDINGS_HEAD}${findings}` : `## Findings\n\n${report.findings.sources.length ? "None." : "No findings input was given."}\n`,
    waiverTable(report).replace("### Applied", "## Applied"),
    diffs ? `## Rendered diff\n\n${diffs}` : "",
  ]
    .filter(Boolean)
    .join("\n");
}
