import { defineCommand, type FlagTable, type ParsedArgs } from "../spec.js";

const valuesValidateFlags = {
  chart: {
    type: "string",
    value: "NAME[@VERSION]",
    description: "chart (or component) name, optionally with its version; not needed for a wrapper chart's values.yaml",
  },
} as const satisfies FlagTable;
export type ValuesValidateArgs = ParsedArgs<typeof valuesValidateFlags>;

export const valuesValidateCommand = defineCommand({
  path: ["values", "validate"],
  summary: "check plain Helm values files against a chart's schema",
  description:
    "Uses the schemas generated for this repository's charts (shipped or inferred). Unknown keys (keys the chart never reads: they have no effect) are errors, with a suggestion; a value equal to the chart's default is a note.",
  positionals: [{ name: "files", description: "values files", variadic: true, required: true }],
  flags: valuesValidateFlags,
  load: async () => (await import("./values.run.js")).run,
  // It reads values files, wrapper charts' Chart.yaml and the generated values folders (@homelab/charts), never TypeScript.
  importsTypeScript: false,
});
