import { join } from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import type { JsonPath } from "@homelab/yaml";
import { loadExtra, type Tree } from "../load.js";
import { isObj, str, type WaiverDecl } from "./types.js";

/** Path of the waiver file of hand-written repos, relative to the checked directory. */
export const WAIVERS_FILE = ".homelab/waivers.yaml";

/**
 * `.homelab/waivers.yaml`:
 * ```yaml
 * waivers:
 *   - rule: forward-auth            # rule id (or "schema")
 *     component: grafana            # optional: only findings of this component
 *     match: { kind: IngressRoute, name: grafana, namespace: monitoring, file: "cluster-*-apps/grafana/**", instance: main }
 *     reason: Grafana signs users in with Authentik OIDC itself
 *     expires: 2026-12-31           # YYYY-MM-DD, last day the waiver applies
 * ```
 */
export function readWaiverFile(tree: Tree): WaiverDecl[] {
  // Through the one input loader: a FIFO or a symlink out of the tree is listed, not read.
  const source = loadExtra(tree, join(tree.dir, WAIVERS_FILE))?.source;
  if (!source) return [];
  const root = source.documents[0]?.value;
  const bad = (message: string, path: JsonPath): HomelabError =>
    new HomelabError(ErrorCode.Config, message, {
      position: { file: WAIVERS_FILE, ...source.locate(0, path) },
      hint: "see policies/README.md, section Waivers",
    });
  if (root === null || root === undefined) return [];
  if (!isObj(root) || !Array.isArray(root.waivers)) throw bad("expected a `waivers:` list", []);
  return root.waivers.map((w, i): WaiverDecl => {
    const at: JsonPath = ["waivers", i];
    if (!isObj(w)) throw bad("a waiver must be a mapping", at);
    for (const key of ["rule", "reason", "expires"] as const) {
      if (typeof w[key] !== "string" || (w[key] as string).trim() === "") throw bad(`waiver needs a non-empty \`${key}\``, [...at, key]);
    }
    const expires = w.expires as string;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(expires) || Number.isNaN(Date.parse(expires)))
      throw bad(`expires must be a date YYYY-MM-DD, got ${JSON.stringify(expires)}`, [...at, "expires"]);
    const match = w.match === undefined ? {} : w.match;
    if (!isObj(match)) throw bad("match must be a mapping of kind, name, namespace, file, instance", [...at, "match"]);
    for (const [key, value] of Object.entries(match)) {
      if (!["kind", "name", "namespace", "file", "instance"].includes(key))
        throw bad(`unknown match key ${JSON.stringify(key)} (kind, name, namespace, file, instance)`, [...at, "match", key]);
      if (typeof value !== "string") throw bad(`match.${key} must be a string`, [...at, "match", key]);
    }
    return {
      rule: w.rule as string,
      component: str(w.component),
      match: match as WaiverDecl["match"],
      reason: w.reason as string,
      expires,
      declaredIn: { file: WAIVERS_FILE, index: 0, path: at },
    };
  });
}
