// Reads vitest's JSON report for the `npm test` summary: counts, and every
// skipped test with its reason, so a skip is never silent.

const SKIPPED = new Set(["skipped", "pending", "todo", "disabled"]);

/** @returns {{ file: string, name: string, reason: string }[]} */
export function skippedTests(report, root = process.cwd()) {
  const out = [];
  for (const file of report.testResults ?? []) {
    const rel = relative(root, file.name ?? "");
    for (const test of file.assertionResults ?? []) {
      if (!SKIPPED.has(test.status)) continue;
      const name = test.fullName ?? [...(test.ancestorTitles ?? []), test.title].join(" ");
      // The mirror helper puts the reason in the name: "… [skipped: no charts mirror; set HOMELAB_CHARTS_DIR]".
      const reason = /\[skipped: ([^\]]+)\]/.exec(name)?.[1] ?? (test.status === "todo" ? "todo" : "skipped in code (see the test for why)");
      out.push({ file: rel, name: name.replace(/\s*\[skipped: [^\]]+\]/g, ""), reason });
    }
  }
  return out;
}

/** The closing counts line CI reads: "N passed, M failed[, K skipped]". */
export function countsLine(report) {
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  return `${report.numPassedTests} passed, ${report.numFailedTests} failed${skipped > 0 ? `, ${skipped} skipped` : ""}`;
}

function relative(root, file) {
  return file.startsWith(`${root}/`) ? file.slice(root.length + 1) : file;
}
