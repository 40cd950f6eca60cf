import { charts } from "@homelab/charts";
import { UsageError } from "@homelab/errors";
import { validateValuesFiles } from "@homelab/values";
import type { CommandSpec } from "../spec.js";

export const valuesValidateCommand: CommandSpec = {
  path: ["values", "validate"],
  summary: "check plain Helm values files against a chart's schema",
  description: "Uses the schemas generated for this repository's charts (shipped or inferred). Unknown keys are errors, with a suggestion.",
  positionals: [{ name: "files", description: "values files", variadic: true, required: true }],
  flags: [{ name: "chart", type: "string", value: "NAME[@VERSION]", description: "chart (or component) name, optionally with its version" }],
  async run(args, io) {
    const chart = args.flags.chart;
    if (typeof chart !== "string") {
      throw new UsageError("--chart is required", `known charts: ${charts.map((c) => `${c.chart.name}@${c.chart.version}`).join(", ")}`);
    }
    const result = await validateValuesFiles({ chart, files: args.positionals, cwd: io.cwd, charts });
    for (const issue of result.issues) io.stdout(`${issue.file}:${issue.line}:${issue.column}: ${issue.jsonPath}: ${issue.message}\n`);
    const summary = `${result.files.length} file(s) checked against ${result.chart.name}@${result.chart.version} (${result.source} schema): ${result.issues.length} problem(s)`;
    (result.issues.length ? io.stderr : io.stdout)(`${summary}\n`);
    return result.issues.length ? 1 : 0;
  },
};
