import { labelsOf, type Labels } from "./selectors.js";
import { isObj, list, str, type ClusterObject, type Entry, type Obj } from "./objects.js";

export interface ContainerPort {
  name: string | null;
  containerPort: number | null;
}

export interface Container {
  name: string;
  ports: ContainerPort[];
}

/** The pods a workload makes: their labels, containers and a pod name as the controller names them. */
export interface PodTemplate {
  owner: Entry | null;
  namespace: string;
  labels: Labels;
  containers: Container[];
  /** An example pod name (`<deployment>-<hash>-<id>`, `<statefulset>-0`), for `pod` matchers. */
  podName: string;
}

function containersOf(spec: unknown): Container[] {
  if (!isObj(spec)) return [];
  return [...list(spec.containers), ...list(spec.initContainers).filter((c) => isObj(c) && c.restartPolicy === "Always")].flatMap((c) => {
    if (!isObj(c) || !str(c.name)) return [];
    const ports = list(c.ports).flatMap((p) =>
      isObj(p) ? [{ name: str(p.name), containerPort: typeof p.containerPort === "number" ? p.containerPort : null }] : [],
    );
    return [{ name: c.name as string, ports }];
  });
}

/** Pod templates of the workload kinds Kubernetes runs (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod). */
export function podTemplateOf(e: Entry): PodTemplate | undefined {
  const spec = isObj(e.o.object.spec) ? e.o.object.spec : {};
  let template: unknown;
  let podName: string;
  switch (e.group === "apps" || e.group === "batch" || e.group === "" ? e.kind : "") {
    case "Deployment":
      template = spec.template;
      podName = `${e.name}-5d8f7c9b6d-x2x7k`;
      break;
    case "ReplicaSet":
    case "DaemonSet":
    case "Job":
      template = spec.template;
      podName = `${e.name}-x2x7k`;
      break;
    case "StatefulSet":
      template = spec.template;
      podName = `${e.name}-0`;
      break;
    case "CronJob":
      template = isObj(spec.jobTemplate) && isObj(spec.jobTemplate.spec) ? spec.jobTemplate.spec.template : undefined;
      podName = `${e.name}-29000000-x2x7k`;
      break;
    case "Pod":
      return { owner: e, namespace: e.namespace ?? "default", labels: e.labels, containers: containersOf(spec), podName: e.name };
    default:
      return undefined;
  }
  if (!isObj(template)) return undefined;
  return { owner: e, namespace: e.namespace ?? "default", labels: labelsOf(template.metadata), containers: containersOf(template.spec), podName };
}

/**
 * Pods the Prometheus operator makes from Prometheus and Alertmanager
 * resources (StatefulSets `prometheus-<name>`, `alertmanager-<name>`), with
 * the labels and container ports the operator gives them
 * (prometheus-operator pkg/prometheus/statefulset.go, pkg/alertmanager/statefulset.go).
 */
export function operatorPods(e: Entry): PodTemplate[] {
  if (e.group !== "monitoring.coreos.com") return [];
  const spec = isObj(e.o.object.spec) ? e.o.object.spec : {};
  const extra = isObj(spec.podMetadata) ? labelsOf(spec.podMetadata) : {};
  const reloader = { name: "config-reloader", ports: [{ name: "reloader-web", containerPort: 8080 }] };
  const common = { "app.kubernetes.io/instance": e.name, "app.kubernetes.io/managed-by": "prometheus-operator", "operator.prometheus.io/name": e.name };
  if (e.kind === "Prometheus") {
    return [
      {
        owner: e,
        namespace: e.namespace ?? "default",
        labels: { ...extra, ...common, "app.kubernetes.io/name": "prometheus", "operator.prometheus.io/shard": "0", prometheus: e.name },
        containers: [{ name: "prometheus", ports: [{ name: "web", containerPort: 9090 }] }, reloader],
        podName: `prometheus-${e.name}-0`,
      },
    ];
  }
  if (e.kind === "Alertmanager") {
    return [
      {
        owner: e,
        namespace: e.namespace ?? "default",
        labels: { ...extra, ...common, "app.kubernetes.io/name": "alertmanager", alertmanager: e.name },
        containers: [
          {
            name: "alertmanager",
            ports: [
              { name: "web", containerPort: 9093 },
              { name: "mesh-tcp", containerPort: 9094 },
            ],
          },
          reloader,
        ],
        podName: `alertmanager-${e.name}-0`,
      },
    ];
  }
  return [];
}

const service = (
  namespace: string,
  name: string,
  labels: Labels,
  ports: { name: string; port: number; targetPort?: number | string }[],
  selector?: Labels,
): Obj => ({
  apiVersion: "v1",
  kind: "Service",
  metadata: { name, namespace, labels },
  spec: { ...(selector ? { selector } : {}), ports },
});

/**
 * Objects a k3s cluster has without any manifest of ours: the API server's
 * `kubernetes` Service and the bundled CoreDNS (k3s manifests/coredns.yaml).
 * Monitors of the kube-prometheus-stack (apiserver, coredns) select them.
 */
export function clusterBuiltins(distribution: string): ClusterObject[] {
  if (distribution !== "k3s") return [];
  const builtin = "k3s built-in";
  return [
    {
      file: "",
      index: 0,
      component: null,
      builtin,
      object: service("default", "kubernetes", { component: "apiserver", provider: "kubernetes" }, [{ name: "https", port: 443, targetPort: 6443 }]),
    },
    {
      file: "",
      index: 0,
      component: null,
      builtin,
      object: service(
        "kube-system",
        "kube-dns",
        { "k8s-app": "kube-dns", "kubernetes.io/name": "CoreDNS" },
        [
          { name: "dns", port: 53 },
          { name: "dns-tcp", port: 53 },
          { name: "metrics", port: 9153 },
        ],
        { "k8s-app": "kube-dns" },
      ),
    },
    {
      file: "",
      index: 0,
      component: null,
      builtin,
      object: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name: "coredns", namespace: "kube-system", labels: { "k8s-app": "kube-dns" } },
        spec: {
          selector: { matchLabels: { "k8s-app": "kube-dns" } },
          template: {
            metadata: { labels: { "k8s-app": "kube-dns" } },
            spec: {
              containers: [
                {
                  name: "coredns",
                  ports: [
                    { name: "dns", containerPort: 53 },
                    { name: "dns-tcp", containerPort: 53 },
                    { name: "metrics", containerPort: 9153 },
                  ],
                },
              ],
            },
          },
        },
      },
    },
  ];
}

/**
 * The kubelet Service the Prometheus operator maintains when started with
 * `--kubelet-service=<namespace>/<name>` (read from the operator's rendered
 * arguments): endpoints are the nodes, ports https-metrics, http-metrics, cadvisor.
 */
export function operatorKubeletService(e: Entry): ClusterObject | undefined {
  const template = podTemplateOf(e);
  if (!template || e.kind !== "Deployment") return undefined;
  const spec = isObj(e.o.object.spec) && isObj(e.o.object.spec.template) && isObj(e.o.object.spec.template.spec) ? e.o.object.spec.template.spec : {};
  for (const c of list(spec.containers)) {
    if (!isObj(c)) continue;
    for (const arg of list(c.args)) {
      const m = typeof arg === "string" ? /^--kubelet-service=([^/]+)\/(.+)$/.exec(arg) : null;
      if (!m) continue;
      return {
        file: "",
        index: 0,
        component: e.o.component,
        builtin: `made by the Prometheus operator (${e.name}: ${arg as string})`,
        object: service(m[1]!, m[2]!, { "app.kubernetes.io/managed-by": "prometheus-operator", "app.kubernetes.io/name": "kubelet", "k8s-app": "kubelet" }, [
          { name: "https-metrics", port: 10250 },
          { name: "http-metrics", port: 10255 },
          { name: "cadvisor", port: 4194 },
        ]),
      };
    }
  }
  return undefined;
}
