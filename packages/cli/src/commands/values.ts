import { charts } from "@homelab/charts";
import { validateValuesFiles } from "@homelab/values";
import type { CommandSpec } from "../spec.js";

export const valuesValidateCommand: CommandSpec = {
  path: ["values", "validate"],
  summary: "check plain Helm values files against a chart's schema",
  description:
    "Uses the schemas generated for this repository's charts (shipped or inferred). Unknown keys (keys the chart never reads: they have no effect) are errors, with a suggestion; a value equal to the chart's default is a note.",
  positionals: [{ name: "files", description: "values files", variadic: true, required: true }],
  flags: [
    {
      name: "chart",
      type: "string",
      value: "NAME[@VERSION]",
      description: "chart (or component) name, optionally with its version; not needed for a wrapper chart's values.yaml",
    },
  ],
  async run(args, io) {
    const chart = typeof args.flags.chart === "string" ? args.flags.chart : undefined;
    const result = await validateValuesFiles({ ...(chart ? { chart } : {}), files: args.positionals, cwd: io.cwd, charts });
    for (const issue of result.issues)
      io.stdout(`${issue.file}:${issue.line}:${issue.column}: ${issue.severity === "note" ? "note: " : ""}${issue.jsonPath}: ${issue.message}\n`);
    const against = [...new Set(result.blocks.map((b) => `${b.chart.name}@${b.chart.version}`))].join(", ");
    // Notes (a value equal to the chart's default) are for the reviewer; only errors fail.
    const errors = result.issues.filter((i) => i.severity !== "note").length;
    const notes = result.issues.length - errors;
    const summary = `${result.files.length} file(s) checked against ${against}: ${errors} problem(s)${notes ? `, ${notes} note(s)` : ""}`;
    (errors ? io.stderr : io.stdout)(`${summary}\n`);
    return errors ? 1 : 0;
  },
};
