/**
 * Kubernetes name rules (as apimachinery validates them), in one place: render
 * refuses objects, namespaces and hosts that break them, and file names derived
 * from them are safe because these alphabets hold no '/', '\\', NUL or "..".
 */

const LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
const DNS1123_LABEL = new RegExp(`^${LABEL}$`);
const DNS1123_SUBDOMAIN = new RegExp(`^${LABEL}(\\.${LABEL})*$`);
/** Kinds are CamelCase identifiers (apimachinery: a Go type name). */
const KIND = /^[A-Za-z][A-Za-z0-9]*$/;

/** Why `value` is not a DNS-1123 label (namespaces, component names), or undefined when it is one. */
export function dns1123LabelProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "must be a non-empty string";
  if (value.length > 63) return `must be at most 63 characters (has ${value.length})`;
  if (!DNS1123_LABEL.test(value)) return "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit";
  return undefined;
}

/** Why `value` is not a DNS-1123 subdomain (metadata.name of most kinds), or undefined when it is one. */
export function dns1123SubdomainProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "must be a non-empty string";
  if (value.length > 253) return `must be at most 253 characters (has ${value.length})`;
  if (!DNS1123_SUBDOMAIN.test(value))
    return "must be a DNS-1123 subdomain: lowercase letters, digits, '-' and '.', each part starting and ending with a letter or digit";
  return undefined;
}

/** Why `value` is not a kind (an identifier), or undefined when it is one. */
export function kindProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "must be a non-empty string";
  if (value.length > 63) return `must be at most 63 characters (has ${value.length})`;
  if (!KIND.test(value)) return "must be an identifier: letters and digits, starting with a letter";
  return undefined;
}

/**
 * Why `value` is not a route host (RFC 1123 hostname, lowercase, at most one
 * leading `*.` wildcard label), or undefined when it is one. Hosts end up inside
 * Traefik rule strings, so nothing outside this alphabet may pass.
 */
export function hostnameProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length === 0) return "must be a non-empty string";
  if (value.length > 253) return `must be at most 253 characters (has ${value.length})`;
  const labels = value.startsWith("*.") ? value.slice(2).split(".") : value.split(".");
  for (const label of labels) {
    if (label.length === 0) return "must not have an empty label ('..', a leading or a trailing '.')";
    if (label.length > 63) return `label ${JSON.stringify(label.slice(0, 20))}... must be at most 63 characters`;
    if (!DNS1123_LABEL.test(label))
      return `label ${JSON.stringify(label)} must hold only lowercase letters, digits and '-', starting and ending with a letter or digit (a wildcard only as a leading '*.')`;
  }
  return undefined;
}
