import type { JsonPath } from "@homelab/yaml";
import { formatMatcher, matcherHolds, parsePromql, type Matcher } from "./promql.js";
import { describeSelector, selects, serviceSelector, type Labels } from "./selectors.js";
import { crdServers, traefikInstance, type TraefikInstance } from "./traefik.js";
import { clusterBuiltins, operatorKubeletService, operatorPods, podTemplateOf, type PodTemplate } from "./workloads.js";
import { builtinScoped, entryOf, isObj, list, ref, str, type ClusterObject, type Entry, type Obj, type Ordering, type ReferenceFinding } from "./objects.js";

export type { ApplicationInfo, ClusterObject, Ordering, ReferenceFinding } from "./objects.js";
export { parsePromql, type Matcher, type VectorSelector } from "./promql.js";
export { selects } from "./selectors.js";

export interface ReferenceOptions {
  /** StorageClasses the cluster has besides the rendered ones (cluster facts: `storage.classes`). */
  storageClasses?: readonly string[];
  /** Kubernetes distribution (cluster facts): its built-in objects (k3s: `kubernetes` and `kube-dns` Services, CoreDNS). */
  distribution?: string;
  /**
   * The object set holds every CRD the cluster installs (the charts' hydrated
   * objects are in it): a custom kind without a CRD is then a finding, and CRD
   * ordering is judged. Off for a tree of our manifests alone.
   */
  crdsComplete?: boolean;
  /**
   * Objects the set lacks: charts that were not hydrated, and the namespaces
   * they deploy to. A reference that finds nothing there (or, for
   * cluster-scoped kinds, anywhere) cannot be judged and is not reported;
   * alert rules are not judged at all, since the targets are incomplete.
   */
  opaque?: { namespaces: readonly string[]; reason: string };
  /** Middlewares that exist outside the set (the policy config's forward-auth middlewares of another repository). */
  externalMiddlewares?: readonly { namespace: string; name: string }[];
}

export interface ReferenceRule {
  id: string;
  severity: "error" | "warning";
  title: string;
}

/** Reference rules, one id per kind of reference (waivers name them). */
export const REFERENCE_RULES: readonly ReferenceRule[] = [
  { id: "ref-monitor", severity: "error", title: "ServiceMonitors/PodMonitors select a Service/Pod and name a port it has; a Prometheus picks them up" },
  { id: "ref-backend", severity: "error", title: "Ingress/IngressRoute backends name an existing Service and port" },
  { id: "ref-middleware", severity: "error", title: "Referenced Traefik Middlewares exist (cross-namespace only where the provider allows it)" },
  { id: "ref-secret-store", severity: "error", title: "ExternalSecrets name an existing SecretStore/ClusterSecretStore" },
  { id: "ref-issuer", severity: "error", title: "Certificates and Ingresses name an existing Issuer/ClusterIssuer" },
  { id: "ref-storage-class", severity: "error", title: "Volume claims name an existing StorageClass" },
  { id: "ref-ingress-class", severity: "error", title: "Ingresses name an existing IngressClass; IngressRoutes a class a Traefik instance serves" },
  { id: "ref-alert-target", severity: "error", title: "Alert rules parse, and their job/namespace/service/pod/container matchers match a scrape target" },
  { id: "ref-crd", severity: "error", title: "Custom resources have an installed CRD, synced no later than they are" },
];

/** Target labels Prometheus sets on every series of a target (the ones alert matchers are checked against). */
export const TARGET_LABELS = ["job", "namespace", "service", "pod", "container"] as const;
type TargetLabel = (typeof TARGET_LABELS)[number];
const TARGET_LABEL_SET = new Set<string>(TARGET_LABELS);

/** Series Prometheus writes per target itself: the target's labels are all they have. */
const SYNTHETIC = new Set(["up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling", "scrape_series_added"]);

/** One scrape target a monitor produces, with the labels Prometheus gives it. */
interface Target {
  monitor: Entry;
  /** Fixed by the target (relabelled as the operator does); a label missing here comes from the metric, if it has it. */
  labels: Partial<Record<TargetLabel, string>>;
  /** `honorLabels: true`: the metric's own job/namespace/... win over the target's. */
  honorLabels: boolean;
  /** Labels a relabeling rewrites: unknown. */
  rewritten: Set<string>;
}

const BUILTIN_GROUPS = new Set([
  "",
  "apps",
  "batch",
  "policy",
  "autoscaling",
  "networking.k8s.io",
  "rbac.authorization.k8s.io",
  "storage.k8s.io",
  "apiextensions.k8s.io",
  "admissionregistration.k8s.io",
  "scheduling.k8s.io",
  "coordination.k8s.io",
  "discovery.k8s.io",
  "node.k8s.io",
  "certificates.k8s.io",
  "apiregistration.k8s.io",
  "flowcontrol.apiserver.k8s.io",
  "events.k8s.io",
  "authentication.k8s.io",
  "authorization.k8s.io",
  "resource.k8s.io",
]);
/** API groups whose CRDs the distribution installs itself. */
const DISTRIBUTION_GROUPS: Record<string, readonly string[]> = { k3s: ["helm.cattle.io", "k3s.cattle.io"] };

class Index {
  readonly entries: Entry[] = [];
  private readonly byKind = new Map<string, Entry[]>();
  /** group/kind → scope, from the CRDs in the set. */
  readonly crdScope = new Map<string, boolean>();

  constructor(objects: readonly ClusterObject[]) {
    for (const o of objects) {
      if (o.object.kind !== "CustomResourceDefinition" || !isObj(o.object.spec)) continue;
      const spec = o.object.spec;
      const kind = isObj(spec.names) ? str(spec.names.kind) : null;
      if (str(spec.group) && kind) this.crdScope.set(`${spec.group as string}/${kind}`, spec.scope === "Cluster");
    }
    const scoped = (group: string, kind: string): boolean => builtinScoped(group, kind) ?? this.crdScope.get(`${group}/${kind}`) ?? false;
    for (const o of objects) {
      const e = entryOf(o, scoped);
      if (!e) continue;
      this.entries.push(e);
      const key = `${e.group}/${e.kind}`;
      const bucket = this.byKind.get(key);
      if (bucket) bucket.push(e);
      else this.byKind.set(key, [e]);
    }
  }

  of(group: string, kind: string): Entry[] {
    return this.byKind.get(`${group}/${kind}`) ?? [];
  }

  /** Kinds are sometimes served by more than one group (traefik.io and the old traefik.containo.us). */
  ofAny(groups: readonly string[], kind: string): Entry[] {
    return groups.flatMap((g) => this.of(g, kind));
  }

  find(group: string | readonly string[], kind: string, namespace: string | null, name: string): Entry | undefined {
    const all = typeof group === "string" ? this.of(group, kind) : this.ofAny(group, kind);
    return all.find((e) => e.name === name && e.namespace === namespace);
  }
}

const TRAEFIK_GROUPS = ["traefik.io", "traefik.containo.us"];

/** Resolves every reference between the objects of the whole cluster. */
export function resolveReferences(input: readonly ClusterObject[], options: ReferenceOptions = {}): { findings: ReferenceFinding[]; orderings: Ordering[] } {
  const distribution = options.distribution ?? "k3s";
  const seed = new Index(input);
  // Objects the cluster has without a file: the distribution's, and what the Prometheus operator makes from its arguments.
  const derived: ClusterObject[] = [...clusterBuiltins(distribution)];
  for (const e of seed.of("apps", "Deployment")) {
    const kubelet = operatorKubeletService(e);
    if (kubelet) derived.push(kubelet);
  }
  const index = new Index([...input, ...derived]);
  const opaqueNs = options.opaque ? new Set(options.opaque.namespaces) : null;
  /** A lookup that found nothing proves nothing where objects are missing from the set. */
  const unknowable = (namespace: string | null): boolean => opaqueNs !== null && (namespace === null || opaqueNs.has(namespace));
  const findings: ReferenceFinding[] = [];
  const orderings: Ordering[] = [];
  const report = (e: Entry, rule: string, code: string, path: JsonPath, message: string, severity: "error" | "warning" = "error"): void => {
    if (e.o.builtin !== undefined) return;
    findings.push({ rule, code, severity, file: e.o.file, index: e.o.index, path, message });
  };
  const what = (e: Entry): string => `${e.kind} ${ref(e.namespace, e.name)}`;

  const pods: PodTemplate[] = [];
  for (const e of index.entries) {
    const t = podTemplateOf(e);
    if (t) pods.push(t);
    pods.push(...operatorPods(e));
  }
  const namespaceLabels = (ns: string): Labels => ({ ...(index.find("", "Namespace", null, ns)?.labels ?? {}), "kubernetes.io/metadata.name": ns });
  const services = index.of("", "Service");
  const external = new Set((options.externalMiddlewares ?? []).map((m) => `${m.namespace}/${m.name}`));
  const traefiks = index.entries.map(traefikInstance).filter((t): t is TraefikInstance => t !== undefined);

  checkMonitors(index, pods, services, namespaceLabels, report, what, unknowable);
  checkRoutes(index, traefiks, report, what, (ns) => unknowable(ns), external);
  checkStores(index, report, what, unknowable);
  checkStorageClasses(index, options.storageClasses ?? [], report, what, unknowable);
  if (!opaqueNs) checkAlerts(index, pods, services, namespaceLabels, report);
  if (options.crdsComplete) checkCrds(index, distribution, report, orderings, what);

  findings.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.index - b.index || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message),
  );
  return { findings, orderings };
}

type Report = (e: Entry, rule: string, code: string, path: JsonPath, message: string, severity?: "error" | "warning") => void;
type What = (e: Entry) => string;
type Unknowable = (namespace: string | null) => boolean;

const specOf = (e: Entry): Obj => (isObj(e.o.object.spec) ? e.o.object.spec : {});

/** Namespaces a monitor's `namespaceSelector` covers: `any: true`, `matchNames`, else its own. */
function monitorNamespaces(e: Entry): ((ns: string) => boolean) & { describe: string } {
  const sel = specOf(e).namespaceSelector;
  if (isObj(sel) && sel.any === true) return Object.assign(() => true, { describe: "any namespace" });
  const names = isObj(sel) ? list(sel.matchNames).filter((n): n is string => typeof n === "string") : [];
  const own = e.namespace ?? "default";
  const set = new Set(names.length ? names : [own]);
  return Object.assign((ns: string) => set.has(ns), { describe: `namespace ${[...set].join(", ")}` });
}

/** Whether a monitor looks into a namespace whose objects the set lacks (`any: true` does whenever something is lacking). */
function monitorNamespacesBlind(e: Entry, unknowable: Unknowable): boolean {
  const sel = specOf(e).namespaceSelector;
  if (isObj(sel) && sel.any === true) return unknowable(null);
  const names = isObj(sel) ? list(sel.matchNames).filter((n): n is string => typeof n === "string") : [];
  return (names.length ? names : [e.namespace ?? "default"]).some((ns) => unknowable(ns));
}

/** Service ports: name, port, targetPort. */
function servicePorts(s: Entry): { name: string | null; port: number | null; targetPort: string | number | null }[] {
  return list(specOf(s).ports).flatMap((p) =>
    isObj(p)
      ? [
          {
            name: str(p.name),
            port: typeof p.port === "number" ? p.port : null,
            targetPort: typeof p.targetPort === "number" || typeof p.targetPort === "string" ? p.targetPort : null,
          },
        ]
      : [],
  );
}

/** Pods a Service sends traffic to. */
function backingPods(s: Entry, pods: readonly PodTemplate[]): PodTemplate[] {
  const selector = serviceSelector(specOf(s));
  return selector ? pods.filter((p) => p.namespace === s.namespace && selects(selector, p.labels)) : [];
}

/** Relabelings that rewrite a target label leave its value unknown. */
function rewrittenLabels(configs: unknown): Set<string> {
  const out = new Set<string>();
  for (const r of list(configs)) {
    if (!isObj(r)) continue;
    const action = (str(r.action) ?? "replace").toLowerCase();
    if (["labelmap", "labeldrop", "labelkeep"].includes(action)) for (const l of TARGET_LABELS) out.add(l);
    const target = str(r.targetLabel);
    if (target && TARGET_LABEL_SET.has(target)) out.add(target);
  }
  return out;
}

/** Prometheus resources (with their monitor and rule selectors); none in the set means nothing to judge selection by. */
function prometheusSelects(index: Index, namespaceLabels: (ns: string) => Labels, selectorKey: string, namespaceKey: string): ((e: Entry) => boolean) | null {
  const proms = index.of("monitoring.coreos.com", "Prometheus");
  if (proms.length === 0) return null;
  return (e) =>
    proms.some((p) => {
      const spec = specOf(p);
      const nsSel = spec[namespaceKey];
      // A null namespace selector means the Prometheus's own namespace; an empty one every namespace.
      const nsOk = isObj(nsSel) ? selects(nsSel, namespaceLabels(e.namespace ?? "default")) : e.namespace === p.namespace;
      return nsOk && selects(spec[selectorKey], e.labels);
    });
}

function checkMonitors(
  index: Index,
  pods: readonly PodTemplate[],
  services: readonly Entry[],
  namespaceLabels: (ns: string) => Labels,
  report: Report,
  what: What,
  unknowable: Unknowable,
): void {
  const picked = {
    ServiceMonitor: prometheusSelects(index, namespaceLabels, "serviceMonitorSelector", "serviceMonitorNamespaceSelector"),
    PodMonitor: prometheusSelects(index, namespaceLabels, "podMonitorSelector", "podMonitorNamespaceSelector"),
  };
  for (const kind of ["ServiceMonitor", "PodMonitor"] as const) {
    for (const m of index.of("monitoring.coreos.com", kind)) {
      const spec = specOf(m);
      const inNs = monitorNamespaces(m);
      const blind = monitorNamespacesBlind(m, unknowable);
      if (picked[kind] && !picked[kind]!(m)) {
        report(
          m,
          "ref-monitor",
          "not-picked-up",
          ["metadata", "labels"],
          `${what(m)} is selected by no Prometheus (${kind === "ServiceMonitor" ? "serviceMonitorSelector" : "podMonitorSelector"} and its namespace selector): nothing scrapes it`,
        );
      }
      if (kind === "ServiceMonitor") {
        const candidates = services.filter((s) => inNs(s.namespace ?? "default"));
        const selected = candidates.filter((s) => selects(spec.selector, s.labels));
        if (selected.length === 0) {
          if (blind) continue;
          const near = candidates
            .map((s) => s.name)
            .sort()
            .slice(0, 5);
          report(
            m,
            "ref-monitor",
            "selects-nothing",
            ["spec", "selector"],
            `${what(m)} selects no Service: none in ${inNs.describe} has the labels ${describeSelector(spec.selector)}${near.length ? ` (Services there: ${near.join(", ")}${candidates.length > near.length ? ", ..." : ""})` : ""}`,
          );
          continue;
        }
        list(spec.endpoints).forEach((ep, i) => {
          if (!isObj(ep) || typeof ep.port !== "string") return;
          const port = ep.port;
          if (blind || selected.some((s) => servicePorts(s).some((p) => p.name === port))) return;
          const have = [...new Set(selected.flatMap((s) => servicePorts(s).map((p) => p.name ?? String(p.port))))].sort();
          report(
            m,
            "ref-monitor",
            "port-missing",
            ["spec", "endpoints", i, "port"],
            `${what(m)} scrapes port "${port}", which no selected Service names (${selected
              .map((s) => s.name)
              .sort()
              .join(", ")} ha${selected.length > 1 ? "ve" : "s"} ${have.join(", ") || "no ports"})`,
          );
        });
      } else {
        const candidates = pods.filter((p) => inNs(p.namespace));
        const selected = candidates.filter((p) => selects(spec.selector, p.labels));
        if (selected.length === 0) {
          if (blind) continue;
          report(
            m,
            "ref-monitor",
            "selects-nothing",
            ["spec", "selector"],
            `${what(m)} selects no pod: no pod template in ${inNs.describe} has the labels ${describeSelector(spec.selector)}`,
          );
          continue;
        }
        list(spec.podMetricsEndpoints).forEach((ep, i) => {
          if (!isObj(ep) || typeof ep.port !== "string") return;
          const port = ep.port;
          if (blind || selected.some((p) => p.containers.some((c) => c.ports.some((cp) => cp.name === port)))) return;
          const have = [
            ...new Set(selected.flatMap((p) => p.containers.flatMap((c) => c.ports.map((cp) => cp.name).filter((n): n is string => n !== null)))),
          ].sort();
          report(
            m,
            "ref-monitor",
            "port-missing",
            ["spec", "podMetricsEndpoints", i, "port"],
            `${what(m)} scrapes container port "${port}", which no selected pod's containers name (${have.join(", ") || "no named ports"})`,
          );
        });
      }
    }
  }
}

/** Scrape targets the monitors produce, labelled as the Prometheus operator relabels them. */
function targetsOf(index: Index, pods: readonly PodTemplate[], services: readonly Entry[], namespaceLabels: (ns: string) => Labels): Target[] {
  const targets: Target[] = [];
  const pickedSm = prometheusSelects(index, namespaceLabels, "serviceMonitorSelector", "serviceMonitorNamespaceSelector");
  const pickedPm = prometheusSelects(index, namespaceLabels, "podMonitorSelector", "podMonitorNamespaceSelector");
  for (const m of index.of("monitoring.coreos.com", "ServiceMonitor")) {
    if (pickedSm && !pickedSm(m)) continue;
    const spec = specOf(m);
    const inNs = monitorNamespaces(m);
    const jobLabel = str(spec.jobLabel);
    for (const s of services.filter((x) => inNs(x.namespace ?? "default") && selects(spec.selector, x.labels))) {
      for (const ep of list(spec.endpoints)) {
        if (!isObj(ep)) continue;
        const ports = servicePorts(s).filter((p) =>
          typeof ep.port === "string" ? p.name === ep.port : ep.targetPort !== undefined || servicePorts(s).length > 0,
        );
        if (typeof ep.port === "string" && ports.length === 0) continue;
        const job = (jobLabel ? s.labels[jobLabel] : undefined) || s.name;
        const base = { job, namespace: s.namespace ?? "default", service: s.name };
        const rewritten = new Set([...rewrittenLabels(ep.relabelings), ...rewrittenLabels(ep.metricRelabelings)]);
        const honorLabels = ep.honorLabels === true;
        const backing = backingPods(s, pods);
        if (backing.length === 0) {
          // Endpoints without pods behind them (the API server, kubelets on node addresses): no pod or container label.
          targets.push({ monitor: m, labels: base, honorLabels, rewritten });
          continue;
        }
        for (const p of backing) {
          const wanted = ports[0]?.targetPort ?? ports[0]?.port ?? null;
          const container = p.containers.find((c) => c.ports.some((cp) => (typeof wanted === "string" ? cp.name === wanted : cp.containerPort === wanted)));
          targets.push({ monitor: m, labels: { ...base, pod: p.podName, ...(container ? { container: container.name } : {}) }, honorLabels, rewritten });
        }
      }
    }
  }
  for (const m of index.of("monitoring.coreos.com", "PodMonitor")) {
    if (pickedPm && !pickedPm(m)) continue;
    const spec = specOf(m);
    const inNs = monitorNamespaces(m);
    const jobLabel = str(spec.jobLabel);
    for (const p of pods.filter((x) => inNs(x.namespace) && selects(spec.selector, x.labels))) {
      for (const ep of list(spec.podMetricsEndpoints)) {
        if (!isObj(ep)) continue;
        const container = p.containers.find((c) =>
          c.ports.some((cp) => (typeof ep.port === "string" ? cp.name === ep.port : typeof ep.portNumber === "number" && cp.containerPort === ep.portNumber)),
        );
        if (typeof ep.port === "string" && !container) continue;
        const job = (jobLabel ? p.labels[jobLabel] : undefined) || `${m.namespace}/${m.name}`;
        targets.push({
          monitor: m,
          labels: { job, namespace: p.namespace, pod: p.podName, ...(container ? { container: container.name } : {}) },
          honorLabels: ep.honorLabels === true,
          rewritten: new Set([...rewrittenLabels(ep.relabelings), ...rewrittenLabels(ep.metricRelabelings)]),
        });
      }
    }
  }
  return targets;
}

/** Whether a matcher can hold for a series of this target. */
function targetAllows(t: Target, m: Matcher, synthetic: boolean): boolean {
  if (t.rewritten.has(m.label)) return true;
  const fixed = t.labels[m.label as TargetLabel];
  if (fixed === undefined) return synthetic ? matcherHolds(m, "") : true;
  if (t.honorLabels && !synthetic) return true;
  return matcherHolds(m, fixed);
}

function checkAlerts(index: Index, pods: readonly PodTemplate[], services: readonly Entry[], namespaceLabels: (ns: string) => Labels, report: Report): void {
  const rules = index.of("monitoring.coreos.com", "PrometheusRule");
  if (rules.length === 0) return;
  const targets = targetsOf(index, pods, services, namespaceLabels);
  const loaded = prometheusSelects(index, namespaceLabels, "ruleSelector", "ruleNamespaceSelector");
  for (const r of rules) {
    if (loaded && !loaded(r)) {
      report(
        r,
        "ref-alert-target",
        "not-loaded",
        ["metadata", "labels"],
        `PrometheusRule ${ref(r.namespace, r.name)} is selected by no Prometheus (ruleSelector and ruleNamespaceSelector): its alerts never fire`,
      );
      continue;
    }
    list(specOf(r).groups).forEach((group, g) => {
      if (!isObj(group)) return;
      list(group.rules).forEach((rule, i) => {
        if (!isObj(rule) || typeof rule.expr !== "string") return;
        const alert = str(rule.alert);
        const path: JsonPath = ["spec", "groups", g, "rules", i, "expr"];
        const parsed = parsePromql(rule.expr);
        const name = alert ? `alert ${alert}` : `recording rule ${str(rule.record) ?? "?"}`;
        if (parsed.error !== null) {
          report(
            r,
            "ref-alert-target",
            "invalid-expr",
            path,
            `${name}: the expression does not parse as PromQL (at offset ${parsed.error}): the operator's admission webhook rejects the PrometheusRule`,
          );
          return;
        }
        if (!alert) return;
        for (const sel of parsed.selectors) {
          // Recorded series (`level:metric:ops`) and ALERTS carry whatever labels their rule kept, not a target's.
          if (sel.metric !== null && (sel.metric.includes(":") || sel.metric.startsWith("ALERTS"))) continue;
          const matchers = sel.matchers.filter((m) => TARGET_LABEL_SET.has(m.label));
          if (matchers.length === 0) continue;
          const synthetic = sel.metric !== null && SYNTHETIC.has(sel.metric);
          if (targets.some((t) => matchers.every((m) => targetAllows(t, m, synthetic)))) continue;
          const alone = matchers.filter((m) => !targets.some((t) => targetAllows(t, m, synthetic)));
          const why = alone.length
            ? `no scrape target has ${alone.map(formatMatcher).join(", ")}`
            : `no single scrape target has ${matchers.map(formatMatcher).join(" and ")}`;
          const jobs = [...new Set(targets.map((t) => t.labels.job).filter((j): j is string => j !== undefined))].sort();
          report(
            r,
            "ref-alert-target",
            "matches-no-target",
            path,
            `${name}: ${sel.text} matches no target the monitors produce: ${why} (jobs: ${jobs.slice(0, 12).join(", ")}${jobs.length > 12 ? ", ..." : ""}${jobs.length ? "" : "none"}); it can never fire`,
          );
        }
      });
    });
  }
}

/** Backend Services, Middlewares, IngressClasses of Ingresses and IngressRoutes. */
function checkRoutes(
  index: Index,
  traefiks: readonly TraefikInstance[],
  report: Report,
  what: What,
  unknowable: Unknowable,
  external: ReadonlySet<string>,
): void {
  const servicePort = (s: Entry, port: unknown): boolean =>
    servicePorts(s).some((p) => (typeof port === "number" ? p.port === port : p.name === port || (p.port !== null && String(p.port) === port)));
  const describePorts = (s: Entry): string =>
    servicePorts(s)
      .map((p) => (p.name ? `${p.name}/${p.port}` : String(p.port)))
      .join(", ") || "none";
  const classes = index.of("networking.k8s.io", "IngressClass");
  const middlewareNames = new Set([
    ...index.ofAny(TRAEFIK_GROUPS, "Middleware").map((m) => `${m.namespace}-${m.name}`),
    ...[...external].map((m) => m.replace("/", "-")),
  ]);
  const middlewareExists = (namespace: string | null, name: string): boolean =>
    external.has(`${namespace}/${name}`) || index.find(TRAEFIK_GROUPS, "Middleware", namespace, name) !== undefined;

  for (const ing of index.of("networking.k8s.io", "Ingress")) {
    const spec = specOf(ing);
    const annotations =
      isObj(ing.o.object.metadata) && isObj((ing.o.object.metadata as Obj).annotations) ? ((ing.o.object.metadata as Obj).annotations as Obj) : {};
    const backend = (b: unknown, path: JsonPath): void => {
      if (!isObj(b) || !isObj(b.service)) return;
      const name = str(b.service.name);
      if (!name) return;
      const s = index.find("", "Service", ing.namespace, name);
      if (!s) {
        if (unknowable(ing.namespace)) return;
        report(
          ing,
          "ref-backend",
          "service-missing",
          [...path, "service", "name"],
          `${what(ing)} routes to Service ${ref(ing.namespace, name)}, which does not exist`,
        );
        return;
      }
      const port = isObj(b.service.port) ? (b.service.port.number ?? b.service.port.name) : undefined;
      if (port !== undefined && !servicePort(s, port) && !unknowable(ing.namespace)) {
        report(
          ing,
          "ref-backend",
          "port-missing",
          [...path, "service", "port"],
          `${what(ing)} routes to port ${String(port)} of Service ${ref(s.namespace, s.name)}, which has ports ${describePorts(s)}`,
        );
      }
    };
    backend(spec.defaultBackend, ["spec", "defaultBackend"]);
    list(spec.rules).forEach((rule, r) => {
      if (!isObj(rule) || !isObj(rule.http)) return;
      list(rule.http.paths).forEach((p, i) => {
        if (isObj(p)) backend(p.backend, ["spec", "rules", r, "http", "paths", i, "backend"]);
      });
    });
    const cls = str(spec.ingressClassName) ?? str(annotations["kubernetes.io/ingress.class"]);
    const clsPath: JsonPath = str(spec.ingressClassName) ? ["spec", "ingressClassName"] : ["metadata", "annotations", "kubernetes.io/ingress.class"];
    if (cls && !classes.some((c) => c.name === cls) && !unknowable(null)) {
      report(
        ing,
        "ref-ingress-class",
        "class-missing",
        clsPath,
        `${what(ing)} uses IngressClass ${cls}, which does not exist (IngressClasses: ${
          classes
            .map((c) => c.name)
            .sort()
            .join(", ") || "none"
        })`,
      );
    }
    const mws = str(annotations["traefik.ingress.kubernetes.io/router.middlewares"]);
    if (mws) {
      for (const m of mws
        .split(",")
        .map((x) => x.trim())
        .filter(Boolean)) {
        const [id, provider] = m.split("@");
        if (provider !== undefined && provider !== "kubernetescrd") continue;
        if (!middlewareNames.has(id!) && !unknowable(null)) {
          report(
            ing,
            "ref-middleware",
            "missing",
            ["metadata", "annotations", "traefik.ingress.kubernetes.io/router.middlewares"],
            `${what(ing)} uses Middleware ${m} (<namespace>-<name>@kubernetescrd), which does not exist`,
          );
        }
      }
    }
    const issuer = str(annotations["cert-manager.io/cluster-issuer"]);
    if (issuer && !index.find("cert-manager.io", "ClusterIssuer", null, issuer) && !unknowable(null)) {
      report(
        ing,
        "ref-issuer",
        "missing",
        ["metadata", "annotations", "cert-manager.io/cluster-issuer"],
        `${what(ing)} asks cert-manager for ClusterIssuer ${issuer}, which does not exist`,
      );
    }
    const nsIssuer = str(annotations["cert-manager.io/issuer"]);
    if (nsIssuer && !index.find("cert-manager.io", "Issuer", ing.namespace, nsIssuer) && !unknowable(ing.namespace)) {
      report(
        ing,
        "ref-issuer",
        "missing",
        ["metadata", "annotations", "cert-manager.io/issuer"],
        `${what(ing)} asks cert-manager for Issuer ${ref(ing.namespace, nsIssuer)}, which does not exist`,
      );
    }
  }

  for (const route of index.ofAny(TRAEFIK_GROUPS, "IngressRoute")) {
    const annotations =
      isObj(route.o.object.metadata) && isObj((route.o.object.metadata as Obj).annotations) ? ((route.o.object.metadata as Obj).annotations as Obj) : {};
    const cls = str(annotations["kubernetes.io/ingress.class"]);
    const ns = route.namespace ?? "default";
    const servers = traefiks.length ? crdServers(traefiks, ns, cls) : null;
    if (servers !== null && servers.length === 0) {
      const offered = traefiks.filter((t) => t.crd.enabled).map((t) => `${t.workload.name}: ${t.crd.ingressClass ?? "(no class)"}`);
      report(
        route,
        "ref-ingress-class",
        "route-unserved",
        cls ? ["metadata", "annotations", "kubernetes.io/ingress.class"] : ["metadata"],
        `${what(route)} ${cls ? `has ingress class ${cls}` : "has no ingress class annotation"}, which no Traefik instance's kubernetesCRD provider serves (${offered.join("; ") || "none enables it"})`,
      );
    }
    // Cross-namespace references work only when every instance serving the route allows them (an unserved route is reported above).
    const crossAllowed = servers === null || servers.length === 0 || servers.every((t) => t.crd.allowCrossNamespace);
    const crossMessage = (target: string): string =>
      `${what(route)} references ${target} in another namespace, but ${servers!
        .filter((t) => !t.crd.allowCrossNamespace)
        .map((t) => t.workload.name)
        .join(", ")} run${servers!.length > 1 ? "" : "s"} without --providers.kubernetescrd.allowCrossNamespace=true, so Traefik ignores the reference`;
    list(specOf(route).routes).forEach((r, ri) => {
      if (!isObj(r)) return;
      list(r.services).forEach((svc, si) => {
        if (!isObj(svc)) return;
        const name = str(svc.name);
        if (!name || name.includes("@")) return;
        const path: JsonPath = ["spec", "routes", ri, "services", si];
        const targetNs = str(svc.namespace) ?? ns;
        const kind = str(svc.kind) ?? "Service";
        if (targetNs !== ns && !crossAllowed)
          report(route, "ref-backend", "cross-namespace", [...path, "namespace"], crossMessage(`${kind} ${ref(targetNs, name)}`));
        if (kind === "TraefikService") {
          if (!index.find(TRAEFIK_GROUPS, "TraefikService", targetNs, name) && !unknowable(targetNs))
            report(
              route,
              "ref-backend",
              "service-missing",
              [...path, "name"],
              `${what(route)} routes to TraefikService ${ref(targetNs, name)}, which does not exist`,
            );
          return;
        }
        const s = index.find("", "Service", targetNs, name);
        if (!s) {
          if (unknowable(targetNs)) return;
          report(route, "ref-backend", "service-missing", [...path, "name"], `${what(route)} routes to Service ${ref(targetNs, name)}, which does not exist`);
          return;
        }
        if (svc.port !== undefined && !servicePort(s, svc.port) && !unknowable(targetNs)) {
          report(
            route,
            "ref-backend",
            "port-missing",
            [...path, "port"],
            `${what(route)} routes to port ${String(svc.port)} of Service ${ref(s.namespace, s.name)}, which has ports ${describePorts(s)}`,
          );
        }
      });
      list(r.middlewares).forEach((mw, mi) => {
        if (!isObj(mw)) return;
        const raw = str(mw.name);
        if (!raw) return;
        const [name, provider] = raw.split("@");
        if (provider !== undefined && provider !== "kubernetescrd") return;
        const path: JsonPath = ["spec", "routes", ri, "middlewares", mi];
        const targetNs = str(mw.namespace) ?? ns;
        if (!middlewareExists(targetNs, name!)) {
          if (unknowable(targetNs)) return;
          const there = index
            .ofAny(TRAEFIK_GROUPS, "Middleware")
            .filter((m) => m.name === name)
            .map((m) => ref(m.namespace, m.name));
          report(
            route,
            "ref-middleware",
            "missing",
            [...path, "name"],
            `${what(route)} uses Middleware ${ref(targetNs, name!)}, which does not exist${there.length ? ` (there is ${there.join(", ")}: set its namespace)` : ""}`,
          );
        } else if (targetNs !== ns && !crossAllowed) {
          report(route, "ref-middleware", "cross-namespace", [...path, "namespace"], crossMessage(`Middleware ${ref(targetNs, name!)}`));
        }
      });
    });
  }

  // Middleware chains name further Middlewares of the same namespace.
  for (const mw of index.ofAny(TRAEFIK_GROUPS, "Middleware")) {
    const chain = specOf(mw).chain;
    if (!isObj(chain)) continue;
    list(chain.middlewares).forEach((c, i) => {
      if (!isObj(c) || !str(c.name) || (c.name as string).includes("@")) return;
      const targetNs = str(c.namespace) ?? mw.namespace;
      if (!middlewareExists(targetNs, c.name as string) && !unknowable(targetNs)) {
        report(
          mw,
          "ref-middleware",
          "missing",
          ["spec", "chain", "middlewares", i, "name"],
          `${what(mw)} chains Middleware ${ref(targetNs, c.name as string)}, which does not exist`,
        );
      }
    });
  }
}

/** ExternalSecret stores and cert-manager issuers. */
function checkStores(index: Index, report: Report, what: What, unknowable: Unknowable): void {
  for (const es of index.of("external-secrets.io", "ExternalSecret")) {
    const spec = specOf(es);
    const refs: { at: JsonPath; value: unknown }[] = [{ at: ["spec", "secretStoreRef"], value: spec.secretStoreRef }];
    for (const field of ["data", "dataFrom"] as const) {
      list(spec[field]).forEach((d, i) => {
        if (isObj(d) && isObj(d.sourceRef) && isObj(d.sourceRef.storeRef))
          refs.push({ at: ["spec", field, i, "sourceRef", "storeRef"], value: d.sourceRef.storeRef });
      });
    }
    for (const { at, value } of refs) {
      if (!isObj(value) || !str(value.name)) continue;
      const kind = str(value.kind) ?? "SecretStore";
      const found =
        kind === "ClusterSecretStore"
          ? index.find("external-secrets.io", kind, null, value.name as string)
          : index.find("external-secrets.io", "SecretStore", es.namespace, value.name as string);
      if (!found && !unknowable(kind === "ClusterSecretStore" ? null : es.namespace)) {
        report(
          es,
          "ref-secret-store",
          "missing",
          [...at, "name"],
          `${what(es)} reads from ${kind} ${kind === "ClusterSecretStore" ? value.name : ref(es.namespace, value.name as string)}, which does not exist`,
        );
      }
    }
  }
  for (const cert of index.of("cert-manager.io", "Certificate")) {
    const issuer = specOf(cert).issuerRef;
    if (!isObj(issuer) || !str(issuer.name)) continue;
    // An issuerRef of another group is an external issuer (step-ca, AWS PCA): its own kinds.
    if ((str(issuer.group) ?? "cert-manager.io") !== "cert-manager.io") continue;
    const kind = str(issuer.kind) ?? "Issuer";
    const found =
      kind === "ClusterIssuer"
        ? index.find("cert-manager.io", kind, null, issuer.name as string)
        : index.find("cert-manager.io", "Issuer", cert.namespace, issuer.name as string);
    if (!found && !unknowable(kind === "ClusterIssuer" ? null : cert.namespace)) {
      report(
        cert,
        "ref-issuer",
        "missing",
        ["spec", "issuerRef", "name"],
        `${what(cert)} is issued by ${kind} ${kind === "ClusterIssuer" ? issuer.name : ref(cert.namespace, issuer.name as string)}, which does not exist`,
      );
    }
  }
}

/** Every place a StorageClass is named: claims, StatefulSet claim templates, the operator's and CNPG's storage specs. */
function checkStorageClasses(index: Index, facts: readonly string[], report: Report, what: What, unknowable: Unknowable): void {
  const known = new Set([...facts, ...index.of("storage.k8s.io", "StorageClass").map((s) => s.name)]);
  const check = (e: Entry, value: unknown, path: JsonPath): void => {
    const name = str(value);
    if (name === null || known.has(name) || unknowable(null)) return;
    report(
      e,
      "ref-storage-class",
      "missing",
      path,
      `${what(e)} asks for StorageClass ${name}, which the cluster does not have (${[...known].sort().join(", ") || "none"})`,
    );
  };
  for (const e of index.entries) {
    const spec = specOf(e);
    if (e.group === "" && e.kind === "PersistentVolumeClaim") check(e, spec.storageClassName, ["spec", "storageClassName"]);
    if (e.group === "apps" && e.kind === "StatefulSet") {
      list(spec.volumeClaimTemplates).forEach((t, i) => {
        if (isObj(t) && isObj(t.spec)) check(e, t.spec.storageClassName, ["spec", "volumeClaimTemplates", i, "spec", "storageClassName"]);
      });
    }
    if (e.group === "monitoring.coreos.com" && isObj(spec.storage) && isObj(spec.storage.volumeClaimTemplate) && isObj(spec.storage.volumeClaimTemplate.spec)) {
      check(e, spec.storage.volumeClaimTemplate.spec.storageClassName, ["spec", "storage", "volumeClaimTemplate", "spec", "storageClassName"]);
    }
    if (e.group === "postgresql.cnpg.io" && e.kind === "Cluster") {
      for (const field of ["storage", "walStorage"] as const)
        if (isObj(spec[field])) check(e, (spec[field] as Obj).storageClass, ["spec", field, "storageClass"]);
    }
  }
}

/** Custom resources need their CRD, installed by the same Application or one synced before them. */
function checkCrds(index: Index, distribution: string, report: Report, orderings: Ordering[], what: What): void {
  const crds = new Map<string, { entry: Entry; versions: Set<string> }[]>();
  for (const e of index.of("apiextensions.k8s.io", "CustomResourceDefinition")) {
    const spec = specOf(e);
    const kind = isObj(spec.names) ? str(spec.names.kind) : null;
    if (!str(spec.group) || !kind) continue;
    const versions = new Set(list(spec.versions).flatMap((v) => (isObj(v) && str(v.name) && v.served !== false ? [v.name as string] : [])));
    const key = `${spec.group as string}/${kind}`;
    crds.set(key, [...(crds.get(key) ?? []), { entry: e, versions }]);
  }
  const distributionGroups = new Set(DISTRIBUTION_GROUPS[distribution] ?? []);
  for (const e of index.entries) {
    if (BUILTIN_GROUPS.has(e.group) || distributionGroups.has(e.group) || e.o.builtin !== undefined) continue;
    const version = String(e.o.object.apiVersion).slice(e.group.length + 1);
    const providers = crds.get(`${e.group}/${e.kind}`) ?? [];
    if (providers.length === 0) {
      // ArgoCD's own kinds exist wherever ArgoCD applies anything (a manual install is the bootstrap step).
      if (e.group === "argoproj.io") continue;
      report(e, "ref-crd", "missing", ["apiVersion"], `${what(e)} is a ${e.group} ${e.kind}, but no Application installs a CRD for it`);
      continue;
    }
    if (!providers.some((p) => p.versions.has(version))) {
      report(
        e,
        "ref-crd",
        "version-not-served",
        ["apiVersion"],
        `${what(e)} uses ${String(e.o.object.apiVersion)}, which the installed CRD does not serve (${[...new Set(providers.flatMap((p) => [...p.versions]))].sort().join(", ")})`,
      );
      continue;
    }
    const app = e.o.application;
    if (!app) continue;
    if (providers.some((p) => p.entry.o.application?.name === app.name)) continue;
    const waves = providers.map((p) => p.entry.o.application).filter((a): a is NonNullable<typeof a> => a !== null && a !== undefined);
    if (waves.length === 0 || app.wave === null) continue;
    const first = waves.reduce((a, b) => ((b.wave ?? Infinity) < (a.wave ?? Infinity) ? b : a));
    if (first.wave === null) continue;
    const crdName = `${e.kind} (${e.group})`;
    if (first.wave > app.wave) {
      report(
        e,
        "ref-crd",
        "later-wave",
        ["apiVersion"],
        `${what(e)} is synced by ${app.name} in wave ${app.wave}, but its CRD ${crdName} comes from ${first.name} in the later wave ${first.wave}: the wave cannot become healthy (sync it with that layer, e.g. a manifests-<layer> folder)`,
      );
    } else if (first.wave === app.wave) {
      if (!app.retry) {
        report(
          e,
          "ref-crd",
          "same-wave-no-retry",
          ["apiVersion"],
          `${what(e)} needs CRD ${crdName} from ${first.name}, synced in the same wave ${app.wave}; ${app.name} has no syncPolicy.retry, so a sync that runs first fails and stays failed`,
        );
      } else {
        orderings.push({
          file: e.o.file,
          index: e.o.index,
          path: ["apiVersion"],
          kind: e.kind,
          name: e.name,
          namespace: e.namespace,
          message: `${what(e)} (${app.name}, wave ${app.wave}) relies on ${first.name} (same wave) installing CRD ${crdName}; ArgoCD's sync retry converges once it has`,
        });
      }
    }
  }
}
