/**
 * The API surface of the cluster as ArgoCD sees it through discovery, and as
 * it passes it to Helm: every served group/version and group/version/kind
 * (argo.APIResourcesToStrings with kinds, sorted), from the built-in
 * resources of the cluster's Kubernetes version, the CRDs @homelab/crds
 * types, and the CRDs the cluster's Applications install.
 */
import { createHash } from "node:crypto";
import { crdCatalog } from "@homelab/crds";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { BUILTIN_KUBERNETES_VERSION, BUILTIN_RESOURCES } from "../generated/builtin-api.js";

export interface ApiResource {
  group: string;
  version: string;
  kind: string;
  namespaced: boolean;
  /** `builtin`, `@homelab/crds`, or the Application and file that installs the CRD. */
  origin: string;
}

export function groupVersion(group: string, version: string): string {
  return group === "" ? version : `${group}/${version}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? { group: "", version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** `sha256:<hex>` of a list of API version strings as given. */
export function listDigest(list: readonly string[]): string {
  return `sha256:${createHash("sha256").update(list.join("\n")).digest("hex")}`;
}

export class ApiSurface {
  readonly resources: readonly ApiResource[];
  private readonly byKey = new Map<string, ApiResource>();
  private strings: string[] | undefined;

  constructor(resources: Iterable<ApiResource>) {
    const list: ApiResource[] = [];
    for (const resource of resources) {
      const key = `${groupVersion(resource.group, resource.version)}/${resource.kind}`;
      // The first origin wins: built-ins before catalog before charts, charts in Application order.
      if (this.byKey.has(key)) continue;
      this.byKey.set(key, resource);
      list.push(resource);
    }
    this.resources = list;
  }

  /** What ArgoCD passes as `--api-versions`: group/version and group/version/kind, sorted, no duplicates. */
  apiVersions(): string[] {
    if (!this.strings) {
      const set = new Set<string>();
      for (const r of this.resources) {
        const gv = groupVersion(r.group, r.version);
        set.add(gv);
        set.add(`${gv}/${r.kind}`);
      }
      this.strings = [...set].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    }
    return this.strings;
  }

  digest(): string {
    return listDigest(this.apiVersions());
  }

  has(apiVersion: string, kind: string): boolean {
    return this.byKey.has(`${apiVersion}/${kind}`);
  }

  scopeOf(apiVersion: string, kind: string): "Namespaced" | "Cluster" | "Unknown" {
    const resource = this.byKey.get(`${apiVersion}/${kind}`);
    if (!resource) return "Unknown";
    return resource.namespaced ? "Namespaced" : "Cluster";
  }

  /** Same strings: the fixed point of the two-pass render is reached. */
  sameAs(other: ApiSurface): boolean {
    const a = this.apiVersions();
    const b = other.apiVersions();
    return a.length === b.length && a.every((s, i) => s === b[i]);
  }

  with(resources: Iterable<ApiResource>): ApiSurface {
    return new ApiSurface([...this.resources, ...resources]);
  }
}

/** Built-ins of the cluster's version plus the CRDs @homelab/crds types: where the fixed point starts. */
export function baseSurface(kubeVersion: string): ApiSurface {
  if (kubeVersion !== BUILTIN_KUBERNETES_VERSION) {
    throw new HomelabError(
      ErrorCode.Config,
      `the cluster runs Kubernetes ${kubeVersion}, and hydrate's built-in API list is for ${BUILTIN_KUBERNETES_VERSION}`,
      {
        hint: "regenerate it: npm run generate -w @homelab/hydrate",
      },
    );
  }
  const builtins: ApiResource[] = BUILTIN_RESOURCES.map((r) => ({ ...r, origin: "builtin" }));
  const catalog: ApiResource[] = crdCatalog.map((e) => ({
    group: e.group,
    version: e.version,
    kind: e.kind,
    namespaced: e.scope === "Namespaced",
    origin: "@homelab/crds",
  }));
  return new ApiSurface([...builtins, ...catalog]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The served versions of a CustomResourceDefinition object, or [] when it is not a readable apiextensions.k8s.io/v1 CRD. */
export function crdResources(object: unknown, origin: string): ApiResource[] {
  if (!isRecord(object) || object.kind !== "CustomResourceDefinition" || object.apiVersion !== "apiextensions.k8s.io/v1") return [];
  const spec = object.spec;
  if (!isRecord(spec) || typeof spec.group !== "string" || !isRecord(spec.names) || typeof spec.names.kind !== "string" || !Array.isArray(spec.versions))
    return [];
  const namespaced = spec.scope !== "Cluster";
  const out: ApiResource[] = [];
  for (const version of spec.versions) {
    if (!isRecord(version) || typeof version.name !== "string" || version.served === false) continue;
    out.push({ group: spec.group, version: version.name, kind: spec.names.kind, namespaced, origin });
  }
  return out;
}
