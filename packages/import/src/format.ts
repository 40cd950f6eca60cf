import type { ImportResult } from "./import.js";

/** The human report of an import: what was written, what needs a look, and whether the render matches. */
export function formatImportResult(r: ImportResult): string {
  const out: string[] = [];
  out.push(
    `imported ${r.kind === "wrapper-chart" ? "wrapper chart" : "Application"} as component ${r.component} (${r.packageName}) in ${r.packageDir}`,
    `  chart ${r.chart.name}@${r.chart.version} from ${r.chart.repository}; layer ${r.layer}; namespace ${r.namespace}`,
    `  types: ${r.types === "registry" ? "this repository's codegen output for that chart version" : "codegen from the chart given"}`,
  );
  for (const f of r.files) out.push(`  wrote ${f}`);
  if (r.manifests.length) out.push(`  ${r.manifests.length} manifest(s) as typed objects: ${r.manifests.join(", ")}`);
  if (r.unknownKeys.length) {
    out.push(`unknown values keys, left out (a TODO marks each in src/index.ts):`);
    for (const u of r.unknownKeys) out.push(`  ${u.file ? `${u.file}:${u.line}:${u.column}: ` : ""}${u.path}: ${u.message}`);
  }
  if (r.valueIssues.length) {
    out.push("values that do not match the chart's schema (kept; render rejects them until fixed):");
    for (const v of r.valueIssues) out.push(`  ${v}`);
  }
  if (r.templates.length) {
    out.push("Go-templated files, kept aside in templates-unconverted/ (not rendered; convert them by hand):");
    for (const t of r.templates) out.push(`  ${t}`);
  }
  if (r.notes.length) {
    out.push("notes:");
    for (const n of r.notes) out.push(`  ${n}`);
  }
  if (r.comparison.equal) {
    out.push(
      `render: semantically equal to the original (chart, values, manifests)${r.unknownKeys.length ? `, apart from the ${r.unknownKeys.length} unknown key(s) left out` : ""}`,
    );
  } else {
    out.push(`render: ${r.comparison.differences.length} difference(s) from the original:`);
    for (const d of r.comparison.differences) out.push(`  ${d}`);
  }
  out.push(
    "next:",
    "  npm install   (links the new workspace package)",
    `  homelab.config.ts: ${r.register.importLine}  and add ${r.register.factory} to components (layer ${r.layer})`,
    `  retire the original folder (delete it, or list it in .homelabignore), then: homelab render ${r.component} && homelab check`,
  );
  return `${out.join("\n")}\n`;
}
