import { UsageError } from "@homelab/errors";
import { suggestKey, type ValuesSchema } from "./validate.js";

/** A chart whose values schema was generated into a component package. */
export interface ChartSchemaEntry {
  /** The component package that owns the generated schema. */
  component: string;
  chart: ValuesSchema["chart"];
  /** Loads the schema module lazily: large schemas cost only when used. */
  load(): Promise<ValuesSchema>;
}

/**
 * Finds `NAME[@VERSION]` among the known charts. NAME is a chart name or a
 * component name; without a version the one known version is taken.
 */
export function findChart(spec: string, charts: readonly ChartSchemaEntry[]): ChartSchemaEntry {
  const at = spec.lastIndexOf("@");
  const name = at > 0 ? spec.slice(0, at) : spec;
  const version = at > 0 ? spec.slice(at + 1) : undefined;
  const candidates = charts.filter((c) => c.chart.name === name || c.component === name);
  if (candidates.length === 0) {
    const names = [...new Set(charts.map((c) => c.chart.name))].sort();
    const suggestion = suggestKey(name, names);
    throw new UsageError(`unknown chart "${name}"${suggestion ? `; did you mean "${suggestion}"?` : ""}`, `known charts: ${names.join(", ")}`);
  }
  if (version === undefined) {
    if (candidates.length > 1) {
      throw new UsageError(
        `chart "${name}" has several versions; say which`,
        `use ${candidates.map((c) => `${c.chart.name}@${c.chart.version}`).join(" or ")}`,
      );
    }
    return candidates[0]!;
  }
  const exact = candidates.find((c) => c.chart.version === version || c.chart.version === `v${version}` || `v${c.chart.version}` === version);
  if (!exact) {
    throw new UsageError(
      `no schema for ${name}@${version}`,
      `known versions: ${candidates.map((c) => c.chart.version).join(", ")}; run codegen for another version`,
    );
  }
  return exact;
}
