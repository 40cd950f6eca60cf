import type { ValuesSchema } from "@homelab/values";
import type { ChartRef } from "./model.js";

/** The chart a component's generated module was made from, as an ArgoCD chart source. */
export function chartRef(schema: ValuesSchema): ChartRef {
  return { repoURL: schema.chart.repository, chart: schema.chart.name, version: schema.chart.version };
}

/**
 * What every component package fills the same way: name, version and
 * description from its package.json, and, for a Helm component, the chart
 * and values schema from its generated module.
 */
export function componentPackage(
  manifest: { name: string; version: string; description?: string },
  valuesSchema?: ValuesSchema,
): { packageName: string; version: string; description?: string; chart?: ChartRef; valuesSchema?: ValuesSchema } {
  return {
    packageName: manifest.name,
    version: manifest.version,
    ...(manifest.description ? { description: manifest.description } : {}),
    ...(valuesSchema ? { chart: chartRef(valuesSchema), valuesSchema } : {}),
  };
}
