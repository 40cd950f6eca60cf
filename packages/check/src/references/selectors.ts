/** Kubernetes label selectors (`matchLabels` + `matchExpressions`), as the API server evaluates them. */

export type Labels = Readonly<Record<string, string>>;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

export interface LabelSelector {
  matchLabels?: Record<string, unknown>;
  matchExpressions?: { key?: unknown; operator?: unknown; values?: unknown }[];
}

/** Labels of an object's metadata (string values only; anything else never matches). */
export function labelsOf(metadata: unknown): Record<string, string> {
  const labels = isObj(metadata) && isObj(metadata.labels) ? metadata.labels : {};
  return Object.fromEntries(
    Object.entries(labels).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : typeof v === "number" || typeof v === "boolean" ? [[k, String(v)]] : [])),
  );
}

/**
 * Whether `labels` satisfy a LabelSelector. An empty selector (`{}`) selects
 * everything; a missing one (`undefined`/`null`) selects nothing, which is how
 * the Prometheus operator and the API treat an absent selector.
 */
export function selects(selector: unknown, labels: Labels): boolean {
  if (!isObj(selector)) return false;
  const matchLabels = isObj(selector.matchLabels) ? selector.matchLabels : {};
  for (const [key, value] of Object.entries(matchLabels)) if (labels[key] !== String(value)) return false;
  const expressions = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : [];
  for (const expression of expressions) {
    if (!isObj(expression) || typeof expression.key !== "string") return false;
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const has = Object.prototype.hasOwnProperty.call(labels, expression.key);
    const value = labels[expression.key];
    switch (expression.operator) {
      case "In":
        if (!has || !values.includes(value!)) return false;
        break;
      case "NotIn":
        if (has && values.includes(value!)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service's `spec.selector` (a plain map) as a LabelSelector; a Service without one selects no pods. */
export function serviceSelector(spec: unknown): LabelSelector | undefined {
  if (!isObj(spec) || !isObj(spec.selector) || Object.keys(spec.selector).length === 0) return undefined;
  return { matchLabels: spec.selector };
}

/** `key=value,key2=value2` for messages; `{}` for the empty selector. */
export function describeSelector(selector: unknown): string {
  if (!isObj(selector)) return "(none)";
  const parts: string[] = [];
  if (isObj(selector.matchLabels)) for (const [k, v] of Object.entries(selector.matchLabels)) parts.push(`${k}=${String(v)}`);
  if (Array.isArray(selector.matchExpressions)) {
    for (const e of selector.matchExpressions) {
      if (!isObj(e)) continue;
      const values = Array.isArray(e.values) ? `(${e.values.map(String).join(",")})` : "";
      parts.push(`${String(e.key)} ${String(e.operator)}${values ? ` ${values}` : ""}`);
    }
  }
  return parts.length ? parts.join(",") : "{}";
}
