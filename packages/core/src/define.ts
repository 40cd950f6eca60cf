import { ErrorCode, HomelabError } from "@homelab/errors";
import type { ValuesSchema } from "@homelab/values";
import type { ChartRef } from "./model.js";

/** The chart a component's generated module was made from, as an ArgoCD chart source. */
export function chartRef(schema: ValuesSchema): ChartRef {
  return { repoURL: schema.chart.repository, chart: schema.chart.name, version: schema.chart.version };
}

/** The part of a component package's package.json componentPackage() reads. */
export interface ComponentManifest {
  name: string;
  version: string;
  description?: string;
  /** `homelab.component`: the component's name, said once, here (Nx and the release tooling read it too). */
  homelab?: { component?: unknown };
}

/**
 * What every component package fills the same way: the component's name
 * (`homelab.component`), package name, version and description from its
 * package.json, and, for a Helm component, the chart and values schema from
 * its generated module.
 */
export function componentPackage(
  manifest: ComponentManifest,
  valuesSchema?: ValuesSchema,
): { name: string; packageName: string; version: string; description?: string; chart?: ChartRef; valuesSchema?: ValuesSchema } {
  const name = manifest.homelab?.component;
  if (typeof name !== "string" || name === "") {
    throw new HomelabError(ErrorCode.Config, `${manifest.name}: package.json has no "homelab": { "component": "<name>" }`, {
      position: { file: `${manifest.name}/package.json` },
      hint: "a component package names its component once, in package.json",
    });
  }
  return {
    name,
    packageName: manifest.name,
    version: manifest.version,
    ...(manifest.description ? { description: manifest.description } : {}),
    ...(valuesSchema ? { chart: chartRef(valuesSchema), valuesSchema } : {}),
  };
}
