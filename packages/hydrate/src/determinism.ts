/**
 * Two renders of the same inputs must agree: an object whose content differs
 * (randAlphaNum passwords, genCA certificates, `lookup` that sees nothing
 * offline and something in the cluster) is re-rendered differently by every
 * repo-server refresh, so ArgoCD shows it OutOfSync forever.
 */
import { formatPath, type JsonPath } from "@homelab/yaml";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Paths of the leaves that differ, in document order, at most `limit`. */
export function differingPaths(a: unknown, b: unknown, limit = 20): string[] {
  const out: string[] = [];
  const walk = (x: unknown, y: unknown, path: JsonPath): void => {
    if (out.length >= limit) return;
    if (isRecord(x) && isRecord(y)) {
      const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])];
      for (const key of keys) walk(x[key], y[key], [...path, key]);
      return;
    }
    if (Array.isArray(x) && Array.isArray(y)) {
      if (x.length !== y.length) {
        out.push(formatPath(path));
        return;
      }
      x.forEach((item, i) => walk(item, y[i], [...path, i]));
      return;
    }
    if (x !== y && !(Number.isNaN(x) && Number.isNaN(y))) out.push(formatPath(path));
  };
  walk(a, b, []);
  return out;
}
