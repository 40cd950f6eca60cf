import { LABELS } from "@homelab/core";
import { formatPath } from "@homelab/yaml";
import { brief } from "./literal.js";
import { isObj, type Obj, type SourceChart } from "./source.js";

/** What the original deploys, reduced to what a component can reproduce. */
export interface Deployed {
  chart: SourceChart;
  values: unknown;
  manifests: Obj[];
}

export interface Comparison {
  equal: boolean;
  /** One line per difference, `what: original X, imported Y`. */
  differences: string[];
}

/** Labels render adds to every manifest it writes: not a difference when the original lacks them. */
const STAMPED = new Set<string>(Object.values(LABELS));
const stamped = (key: string): boolean => STAMPED.has(key) || key.startsWith("homelab.dev/");

const sameVersion = (a: string, b: string): boolean => a.replace(/^v/, "") === b.replace(/^v/, "");
const sameRepo = (a: string, b: string): boolean => a.replace(/\/+$/, "") === b.replace(/\/+$/, "");

export function identity(object: Obj): string {
  const metadata = isObj(object.metadata) ? object.metadata : {};
  const ns = typeof metadata.namespace === "string" ? `${metadata.namespace}/` : "";
  return `${String(object.apiVersion)} ${String(object.kind)} ${ns}${String(metadata.name)}`;
}

/** Removes the render stamps the original does not carry, so only real differences remain. */
function unstamp(rendered: Obj, original: Obj | undefined): Obj {
  const copy = structuredClone(rendered);
  const meta = isObj(copy.metadata) ? copy.metadata : undefined;
  const origMeta = original && isObj(original.metadata) ? original.metadata : {};
  if (!meta) return copy;
  for (const field of ["labels", "annotations"] as const) {
    const map = meta[field];
    if (!isObj(map)) continue;
    const orig = isObj(origMeta[field]) ? origMeta[field] : {};
    for (const k of Object.keys(map)) if (stamped(k) && !(k in orig)) delete map[k];
    if (Object.keys(map).length === 0 && !(field in origMeta)) delete meta[field];
  }
  return copy;
}

/** Differences of two JSON-like values, deepest first found, by path. */
export function diffValues(
  original: unknown,
  imported: unknown,
  at: (string | number)[] = [],
): { path: (string | number)[]; original: unknown; imported: unknown }[] {
  if (isObj(original) && isObj(imported)) {
    const keys = [...new Set([...Object.keys(original), ...Object.keys(imported)])];
    return keys.flatMap((k) => diffValues(original[k], imported[k], [...at, k]));
  }
  if (Array.isArray(original) && Array.isArray(imported) && original.length === imported.length) {
    return original.flatMap((v, i) => diffValues(v, imported[i], [...at, i]));
  }
  return JSON.stringify(original) === JSON.stringify(imported) ? [] : [{ path: at, original, imported }];
}

/** Semantic comparison: same chart and version, same values (parsed, deep-equal), same extra manifests. */
export function compareDeployed(original: Deployed, imported: Deployed): Comparison {
  const differences: string[] = [];
  const o = original.chart;
  const i = imported.chart;
  if (o.name !== i.name || !sameVersion(o.version, i.version) || !sameRepo(o.repository, i.repository)) {
    differences.push(`chart: original ${o.name}@${o.version} from ${o.repository}, imported ${i.name}@${i.version} from ${i.repository}`);
  }
  for (const d of diffValues(original.values ?? {}, imported.values ?? {})) {
    differences.push(`values ${formatPath(d.path) || "(root)"}: original ${brief(d.original)}, imported ${brief(d.imported)}`);
  }
  const byId = new Map(original.manifests.map((m) => [identity(m), m]));
  const seen = new Set<string>();
  for (const rendered of imported.manifests) {
    const id = identity(rendered);
    seen.add(id);
    const orig = byId.get(id);
    if (!orig) {
      differences.push(`manifest ${id}: only in the import`);
      continue;
    }
    for (const d of diffValues(orig, unstamp(rendered, orig))) {
      differences.push(`manifest ${id} ${formatPath(d.path)}: original ${brief(d.original)}, imported ${brief(d.imported)}`);
    }
  }
  for (const id of byId.keys()) if (!seen.has(id)) differences.push(`manifest ${id}: missing in the import`);
  return { equal: differences.length === 0, differences };
}
