import { defineCommand, type FlagTable, type ParsedArgs } from "../spec.js";

const codegenFlags = {
  component: {
    type: "string",
    value: "NAME",
    description:
      "component package under packages/components/ (output to its generated/, chart pin and patches from it; without a chart input: <charts-dir>/<chart>/<version> when present, else the pinned Helm repository)",
  },
  "chart-dir": { type: "string", value: "DIR", description: "chart directory (Chart.yaml, values.yaml, values.schema.json)" },
  tgz: { type: "string", value: "FILE", description: "chart archive (.tgz)" },
  repo: { type: "string", value: "URL", description: "Helm repository URL (reads its index.yaml), with --chart and --version" },
  chart: { type: "string", value: "NAME", description: "chart name in --repo" },
  version: { type: "string", value: "VERSION", description: "chart version in --repo" },
  repository: { type: "string", value: "URL", description: "repository URL recorded in the output (defaults to the component pin or --repo)" },
  out: { type: "string", value: "DIR", description: "output folder (defaults to the component's generated/)" },
  all: { type: "boolean", description: "every component, from --charts-dir/<chart>/<version>/" },
  "allow-remote-refs": {
    type: "boolean",
    description:
      "fetch http(s) $refs of the chart's schema (10 s timeout per attempt, 2 retries); without it a chart's schema may reference files inside the chart only",
  },
  "chart-packages-dir": {
    type: "string",
    value: "DIR",
    description:
      "local mirror of whole chart packages <chart>/<version>/ with templates and subcharts, for the template read-set (default: $HOMELAB_CHART_PACKAGES_DIR, else ../shared/chart-packages beside the repository when it exists)",
  },
  "charts-dir": {
    type: "string",
    value: "DIR",
    description:
      "local mirror of chart directories <chart>/<version>/ used when there is no chart packages mirror (default: $HOMELAB_CHARTS_DIR, else ../shared/charts beside the repository when it exists); values only: no template analysis",
  },
} as const satisfies FlagTable;
export type CodegenArgs = ParsedArgs<typeof codegenFlags>;

export const codegenCommand = defineCommand({
  path: ["codegen"],
  summary: "generate typed Helm values and their schema from a chart (directory, .tgz or Helm repository)",
  description: [
    "Writes generated/ of a component package: the Values override type (no index signatures where the chart is closed) and the schema render validates with. Charts with values.schema.json use it; others get one inferred from values.yaml.",
    "One chart input: --chart-dir, --tgz, or --repo with --chart and --version; with --component alone its pinned chart (from the chart packages mirror when present, else its Helm repository). --all: every component, from a mirror. The Nx codegen target runs `homelab codegen --component <name>`.",
  ].join("\n"),
  positionals: [],
  flags: codegenFlags,
  load: async () => (await import("./codegen.run.js")).run,
});
