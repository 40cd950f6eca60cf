import { isObj, type Obj } from "./object.js";

/**
 * ArgoCD goTemplate substitution of `{{.field}}` (and `{{ .field }}`, with
 * trim markers) from a list element, deep. Enough to read what an
 * ApplicationSet deploys; an unknown field stays as written.
 */
export function substitute(value: unknown, element: Obj): unknown {
  if (typeof value === "string") {
    return value.replace(/\{\{-?\s*\.(\w+)\s*-?\}\}/g, (whole, key: string) => (key in element ? String(element[key]) : whole));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, element));
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, element)]));
  return value;
}
