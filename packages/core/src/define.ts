import type { ValuesSchema } from "@homelab/values";
import type { ChartRef } from "./model.js";

/** The chart a component's generated module was made from, as an ArgoCD chart source. */
export function chartRef(schema: ValuesSchema): ChartRef {
  return { repoURL: schema.chart.repository, chart: schema.chart.name, version: schema.chart.version };
}

/** Name and version of the component package, from its package.json. */
export function packageInfo(manifest: { name: string; version: string }): { packageName: string; version: string } {
  return { packageName: manifest.name, version: manifest.version };
}
