import { defineCommand, type FlagTable, type ParsedArgs } from "../spec.js";

const diffFlags = {
  base: { type: "string", value: "REF", description: "git revision to compare with (default HEAD)" },
  component: { type: "string", multiple: true, value: "NAME", description: "only Applications of this component (repeatable)" },
  format: { type: "string", choices: ["text", "json"], description: "output format (default text)" },
  "no-patch": { type: "boolean", description: "list objects and changed fields without the YAML diff" },
  "charts-dir": {
    type: "string",
    value: "DIR",
    description: "chart packages as <chart>/<version>/ folders (default: HOMELAB_CHART_PACKAGES_DIR, else the chart lock's cache)",
  },
  "repo-url": { type: "string", value: "URL", description: "this repository's URL as Applications name it (default: the cluster facts')" },
} as const satisfies FlagTable;
export type DiffArgs = ParsedArgs<typeof diffFlags>;

export const diffCommand = defineCommand({
  path: ["diff"],
  summary: "what ArgoCD will change: the rendered objects per Application, base revision against the working tree",
  description:
    "Compares the objects each Application applies (kind/namespace/name added, removed or changed, with the changed fields and a YAML diff) between --base (default HEAD) and the working tree, charts hydrated with Helm's engine when it and the chart packages are available (else this repository's folders only, said on stderr). Run `homelab render` first so the working tree holds the current output. Exit 0 with no change, 1 when objects change, 2 for bad input.",
  positionals: [],
  flags: diffFlags,
  load: async () => (await import("./diff.run.js")).run,
});
