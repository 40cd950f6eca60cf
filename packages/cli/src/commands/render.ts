import { defineCommand, type FlagTable, type ParsedArgs } from "../spec.js";

const renderFlags = {
  check: { type: "boolean", description: "write nothing; exit 1 and list the files when the committed output differs from a fresh render" },
  force: { type: "boolean", description: "overwrite (or delete, when no longer rendered) files edited by hand since render wrote them" },
  keep: { type: "boolean", description: "keep files edited by hand since render wrote them as they are, and render the rest" },
} as const satisfies FlagTable;
export type RenderArgs = ParsedArgs<typeof renderFlags>;

export const renderCommand = defineCommand({
  path: ["render"],
  summary: "write the layered folders ArgoCD syncs from the component packages",
  description:
    "Renders values, extra manifests and ApplicationSets of the named components (all when none is named; then components that no longer exist are pruned). Render only writes, updates and deletes files it wrote itself.",
  positionals: [{ name: "components", description: "component names", variadic: true }],
  flags: renderFlags,
  load: async () => (await import("./render.run.js")).run,
});
