import { defineCommand, type FlagTable, type ParsedArgs } from "../spec.js";
import { offlineFlag } from "./charts.js";

/** The chart packages folder hydrate reads when --charts-dir is not given (@homelab/workspace MIRROR_ENV["chart-packages"]). */
export const CHARTS_ENV = "HOMELAB_CHART_PACKAGES_DIR";

const hydrateFlags = {
  "charts-dir": {
    type: "string",
    value: "DIR",
    description: `read chart packages from <DIR>/<chart>/<version>/ instead of the chart lock and cache (env ${CHARTS_ENV})`,
  },
  format: { type: "string", choices: ["text", "json"], description: "output format (default text)" },
  offline: offlineFlag,
  "no-cache": {
    type: "boolean",
    description: "render every release again (default: a release whose exact inputs rendered identically twice before is read from the cache)",
  },
} as const satisfies FlagTable;
export type HydrateArgs = ParsedArgs<typeof hydrateFlags>;

export const hydrateCommand = defineCommand({
  path: ["hydrate"],
  summary: "render every ArgoCD Application into the objects ArgoCD would apply (dist/hydrated/)",
  description:
    "Expands the rendered ApplicationSets into Applications and renders each chart as ArgoCD's repo-server does (value files in order, valuesObject, skipCrds, the cluster's Kubernetes version and API versions), plus each manifests folder. Writes one folder per Application under dist/hydrated/<component>/ with an index.json. Every release is rendered twice; an object that differs is a finding. Exit 0 clean, 1 findings, 2 bad input.",
  positionals: [
    { name: "components", description: "components to write (default: all; every chart is still rendered for the cluster's API list)", variadic: true },
  ],
  flags: hydrateFlags,
  load: async () => (await import("./hydrate.run.js")).run,
});
