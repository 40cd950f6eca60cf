import { isObj, str } from "./object.js";

/** One entry of a Chart.yaml's `dependencies`. */
export interface ChartDependency {
  /** Its place in `dependencies` (for positions). */
  index: number;
  name: string | null;
  alias: string | null;
  /** `alias`, else `name`: the key its values sit under in the parent's values. */
  key: string | null;
  version: string | null;
  repository: string | null;
}

/** A Chart.yaml: a chart of its own, or a wrapper chart when it has dependencies. */
export interface HelmChart {
  name: string;
  version: string | null;
  dependencies: ChartDependency[];
}

/** A version as written: YAML reads an unquoted `1.2` as a number, which Helm takes as the version text. */
const versionText = (v: unknown): string | null => (typeof v === "number" ? String(v) : str(v));

/** Reads a parsed Chart.yaml; undefined when it is not a chart (no mapping with a name). */
export function readChart(value: unknown): HelmChart | undefined {
  if (!isObj(value)) return undefined;
  const name = str(value.name);
  if (name === null) return undefined;
  const dependencies: ChartDependency[] = [];
  (Array.isArray(value.dependencies) ? value.dependencies : []).forEach((dep: unknown, index) => {
    if (!isObj(dep)) return;
    const depName = str(dep.name);
    const alias = str(dep.alias);
    dependencies.push({ index, name: depName, alias, key: alias ?? depName, version: versionText(dep.version), repository: str(dep.repository) });
  });
  return { name, version: versionText(value.version), dependencies };
}
