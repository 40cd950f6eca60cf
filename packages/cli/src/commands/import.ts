// The layer table through its generated JSON: the table module stays light (@homelab/layout's index loads ajv).
import layout from "@homelab/layout/layout.json" with { type: "json" };
import { defineCommand, type FlagTable, type ParsedArgs } from "../spec.js";

const LAYER_NAMES = layout.layers.map((l) => l.name);

const importFlags = {
  name: { type: "string", value: "NAME", description: "component name (default: the folder's name)" },
  layer: { type: "string", choices: LAYER_NAMES, description: "layer (default: from the folder, e.g. cluster-init-apps → init)" },
  namespace: { type: "string", value: "NS", description: "namespace (default: the Application's, else the manifests', else the name)" },
  dependency: { type: "string", value: "NAME", description: "wrapper charts with several dependencies: the one to import" },
  "source-root": { type: "string", value: "DIR", description: "root of the adopted repository (default: the git root above the folder)" },
  "chart-dir": { type: "string", value: "DIR", description: "unpacked chart for codegen (charts this repository has no schema for)" },
  tgz: { type: "string", value: "FILE", description: "chart archive for codegen" },
  "from-repo": { type: "boolean", description: "download the chart from its Helm repository for codegen (needs network)" },
  format: { type: "string", choices: ["text", "json"], description: "output format (default text)" },
} as const satisfies FlagTable;
export type ImportArgs = ParsedArgs<typeof importFlags>;

export const importCommand = defineCommand({
  path: ["import"],
  summary: "turn a wrapper chart (or an Application + values) of a hand-written repo into a component package",
  description:
    "Writes packages/components/<name>/ (typed values, typed extra manifests, generated chart types; Go templates kept aside), never over an existing package, then renders it in memory and compares it with the original. Exit 0 when semantically equal, 1 when different, 2 for bad input. homelab.config.ts is not edited: the command prints the line to add.",
  positionals: [{ name: "folder", description: "wrapper chart folder, or folder with one ArgoCD Application of a chart", required: true }],
  flags: importFlags,
  load: async () => (await import("./import.run.js")).run,
});
