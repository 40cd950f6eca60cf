import { isObj, list, str, type Entry } from "./objects.js";

/** A Traefik instance as its rendered container arguments configure it. */
export interface TraefikInstance {
  /** The Deployment/DaemonSet running it. */
  workload: Entry;
  /** Static configuration from `--key=value` arguments, keys lower-cased (Traefik reads them case-insensitively). */
  args: ReadonlyMap<string, string>;
  crd: { enabled: boolean; ingressClass: string | null; allowCrossNamespace: boolean; namespaces: string[] | null };
  ingress: { enabled: boolean; ingressClass: string | null; namespaces: string[] | null };
}

function parseArgs(args: unknown[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of args) {
    if (typeof arg !== "string" || !arg.startsWith("--")) continue;
    const eq = arg.indexOf("=");
    out.set((eq < 0 ? arg.slice(2) : arg.slice(2, eq)).toLowerCase(), eq < 0 ? "true" : arg.slice(eq + 1));
  }
  return out;
}

const namespaces = (v: string | undefined): string[] | null =>
  v
    ? v
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : null;

/** Traefik instances among workloads: a container whose image is Traefik's and whose arguments configure entry points or providers. */
export function traefikInstance(e: Entry): TraefikInstance | undefined {
  if (e.group !== "apps" || (e.kind !== "Deployment" && e.kind !== "DaemonSet")) return undefined;
  const spec = isObj(e.o.object.spec) && isObj(e.o.object.spec.template) && isObj(e.o.object.spec.template.spec) ? e.o.object.spec.template.spec : {};
  for (const c of list(spec.containers)) {
    if (!isObj(c) || !/(^|\/)traefik(:|@|$)/.test(str(c.image) ?? "")) continue;
    const args = parseArgs([...list(c.args), ...list(c.command)]);
    if (![...args.keys()].some((k) => k.startsWith("providers.") || k.startsWith("entrypoints."))) continue;
    const on = (key: string): boolean => args.has(key) && args.get(key) !== "false";
    return {
      workload: e,
      args,
      crd: {
        enabled: on("providers.kubernetescrd"),
        ingressClass: args.get("providers.kubernetescrd.ingressclass") ?? null,
        allowCrossNamespace: args.get("providers.kubernetescrd.allowcrossnamespace") === "true",
        namespaces: namespaces(args.get("providers.kubernetescrd.namespaces")),
      },
      ingress: {
        enabled: on("providers.kubernetesingress"),
        ingressClass: args.get("providers.kubernetesingress.ingressclass") ?? null,
        namespaces: namespaces(args.get("providers.kubernetesingress.namespaces")),
      },
    };
  }
  return undefined;
}

/**
 * Traefik's class filter: with a class configured, only resources annotated
 * `kubernetes.io/ingress.class: <class>`; without one, resources with no
 * annotation, an empty one or `traefik`.
 */
export const classServes = (configured: string | null, annotated: string | null): boolean =>
  configured === null ? annotated === null || annotated === "" || annotated === "traefik" : configured === annotated;

/** The instances whose CRD provider serves an IngressRoute/Middleware in `namespace` with the class annotation `cls`. */
export function crdServers(instances: readonly TraefikInstance[], namespace: string, cls: string | null): TraefikInstance[] {
  return instances.filter((t) => t.crd.enabled && (t.crd.namespaces === null || t.crd.namespaces.includes(namespace)) && classServes(t.crd.ingressClass, cls));
}
