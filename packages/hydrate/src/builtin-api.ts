/**
 * The API resources a stock kube-apiserver of one Kubernetes version serves,
 * derived from the OpenAPI v2 spec in the `k8s.io/kubernetes` module (the same
 * spec kubeconform-wasm builds its schemas from), filtered the way ArgoCD
 * filters discovery before it passes `--api-versions` to Helm:
 *
 * - a resource counts when it supports `list` and `watch` (gitops-engine's
 *   GetAPIResources); subresources (Scale, Eviction, TokenRequest) and
 *   create-only review kinds do not;
 * - only versions enabled by default: the GA ones. Since 1.24 new beta APIs
 *   are off by default, and the mechanism that kept older betas on
 *   (`legacyBetaEnabledByDefaultResources` in pkg/controlplane) must be absent,
 *   which `assertNoDefaultOnBetas` checks against the module's source.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

export interface BuiltinResource {
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
}

interface SwaggerOperation {
  "x-kubernetes-action"?: string;
  "x-kubernetes-group-version-kind"?: { group: string; version: string; kind: string };
}

export interface SwaggerPaths {
  paths: Record<string, Record<string, SwaggerOperation | unknown>>;
}

const GA_VERSION = /^v\d+$/;

export function builtinResources(swagger: SwaggerPaths): BuiltinResource[] {
  const actions = new Map<string, { gvk: { group: string; version: string; kind: string }; actions: Set<string>; namespaced: boolean }>();
  for (const [route, operations] of Object.entries(swagger.paths)) {
    for (const operation of Object.values(operations)) {
      if (!operation || typeof operation !== "object") continue;
      const op = operation as SwaggerOperation;
      const gvk = op["x-kubernetes-group-version-kind"];
      const action = op["x-kubernetes-action"];
      if (!gvk || !action) continue;
      const key = `${gvk.group}/${gvk.version}/${gvk.kind}`;
      const entry = actions.get(key) ?? { gvk, actions: new Set<string>(), namespaced: false };
      entry.actions.add(action);
      // A namespaced resource has its list operation under /namespaces/{namespace}/.
      if (action === "list" && route.includes("/namespaces/{namespace}/")) entry.namespaced = true;
      actions.set(key, entry);
    }
  }
  const resources: BuiltinResource[] = [];
  for (const { gvk, actions: verbs, namespaced } of actions.values()) {
    if (!verbs.has("list") || !verbs.has("watchlist")) continue;
    if (!GA_VERSION.test(gvk.version)) continue;
    resources.push({ group: gvk.group, version: gvk.version, kind: gvk.kind, namespaced });
  }
  return resources.sort(compareResources);
}

export function compareResources(a: BuiltinResource, b: BuiltinResource): number {
  const ka = `${a.group}\0${a.version}\0${a.kind}`;
  const kb = `${b.group}\0${b.version}\0${b.kind}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Fails when this Kubernetes version keeps some beta API on by default: the GA-only rule would then be wrong. */
export function assertNoDefaultOnBetas(moduleDir: string): void {
  const file = path.join(moduleDir, "pkg", "controlplane", "instance.go");
  const source = readFileSync(file, "utf8");
  if (/legacyBetaEnabledByDefaultResources/.test(source) || !/betaAPIGroupVersionsDisabledByDefault/.test(source)) {
    throw new Error(`${file} enables some beta APIs by default; extend builtinResources with them`);
  }
}
