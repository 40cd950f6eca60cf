import { charts } from "@homelab/charts";
import { validateValuesFiles } from "@homelab/values";
import type { Io } from "../spec.js";
import type { ValuesValidateArgs } from "./values.js";

export async function run(args: ValuesValidateArgs, io: Io): Promise<number> {
  const chart = args.flags.chart;
  const result = await validateValuesFiles({ ...(chart !== undefined ? { chart } : {}), files: args.positionals, cwd: io.cwd, charts });
  for (const issue of result.issues)
    io.stdout(`${issue.file}:${issue.line}:${issue.column}: ${issue.severity === "note" ? "note: " : ""}${issue.jsonPath}: ${issue.message}\n`);
  const against = [...new Set(result.blocks.map((b) => `${b.chart.name}@${b.chart.version}`))].join(", ");
  // Notes (a value equal to the chart's default) are for the reviewer; only errors fail.
  const errors = result.issues.filter((i) => i.severity !== "note").length;
  const notes = result.issues.length - errors;
  const summary = `${result.files.length} file(s) checked against ${against}: ${errors} problem(s)${notes ? `, ${notes} note(s)` : ""}`;
  (errors ? io.stderr : io.stdout)(`${summary}\n`);
  return errors ? 1 : 0;
}
