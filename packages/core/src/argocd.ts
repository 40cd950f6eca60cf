import type { ClusterFacts } from "@homelab/cluster";
import * as crds from "@homelab/crds";
import { ANNOTATIONS, LABELS, MANAGED_BY, PART_OF } from "./labels.js";
import { APPLICATIONS_FOLDER, layer, type Component, type KubernetesObject, type LayerName } from "./model.js";
import { instanceNamespace, manifestsFolder, releaseName, valuesFile } from "./paths.js";

const IN_CLUSTER = "https://kubernetes.default.svc";

/** Retry with backoff: a layer's CRDs or webhooks may still be starting when the next one syncs. */
const RETRY = { limit: 10, backoff: { duration: "15s", factor: 2, maxDuration: "10m" } } as const;

type Source = NonNullable<crds.ApplicationSetTemplate["spec"]["sources"]>[number];

/** Chart, values and manifests sources of one instance's Application (only manifests for a deferred part). */
function instanceSources(cluster: ClusterFacts, component: Component, element: InstanceElement, deferred: boolean): Source[] {
  const instance = component.instances.find((i) => i.name === element.instance)!;
  const manifests = { repoURL: cluster.git.repoURL, targetRevision: cluster.git.revision, path: "{{.manifestsPath}}" };
  if (!component.chart || deferred) return [manifests];
  const chart = {
    repoURL: component.chart.repoURL,
    chart: component.chart.chart,
    targetRevision: component.chart.version,
    helm: {
      releaseName: "{{.releaseName}}",
      valueFiles: ["$values/{{.valuesFile}}"],
      ...(instance.skipCrds ? { skipCrds: true } : {}),
    },
  };
  const values = { repoURL: cluster.git.repoURL, targetRevision: cluster.git.revision, ref: "values" };
  return element.manifestsPath ? [chart, values, manifests] : [chart, values];
}

export interface InstanceElement {
  instance: string;
  application: string;
  releaseName: string;
  namespace: string;
  valuesFile: string;
  manifestsPath: string;
}

function applicationName(component: Component, instance: string): string {
  return instance === component.name ? component.name : `${component.name}-${instance}`;
}

export function instanceElements(component: Component, hasManifests: (instance: string) => boolean): InstanceElement[] {
  return component.instances.map((instance) => ({
    instance: instance.name,
    application: applicationName(component, instance.name),
    releaseName: releaseName(component, instance),
    namespace: instanceNamespace(component, instance),
    // Empty for a component without a chart: it has no values file.
    valuesFile: component.chart ? valuesFile(component, instance) : "",
    // Empty when the instance has no extra manifests: ArgoCD rejects a source path that does not exist.
    manifestsPath: hasManifests(instance.name) ? manifestsFolder(component, instance) : "",
  }));
}

/** Elements of the part of a component synced with a later layer: its manifests only. */
export function deferredElements(component: Component, syncedWith: LayerName, hasManifests: (instance: string) => boolean): InstanceElement[] {
  return component.instances
    .filter((instance) => hasManifests(instance.name))
    .map((instance) => ({
      instance: instance.name,
      application: `${applicationName(component, instance.name)}-${syncedWith}`,
      releaseName: releaseName(component, instance),
      namespace: instanceNamespace(component, instance),
      valuesFile: "",
      manifestsPath: manifestsFolder(component, instance, syncedWith),
    }));
}

function syncOptions(component: Component): string[] {
  const sync = component.sync ?? {};
  const options = [`CreateNamespace=${sync.createNamespace ?? true}`];
  if (sync.serverSideApply) options.push("ServerSideApply=true");
  if (sync.ignoreDifferences?.length) options.push("RespectIgnoreDifferences=true");
  options.push(...(sync.extra ?? []));
  return options;
}

/**
 * One ApplicationSet per component, a list generator with one element per
 * chart instance, each Application multi-source: the chart, this repository
 * as `$values`, and the instance's manifests folder when it has one. With
 * `syncedWith`, the ApplicationSet of the manifests that wait for that later
 * layer (their CRDs come with it), in that layer's sync wave.
 */
export function applicationSet(cluster: ClusterFacts, component: Component, elements: readonly InstanceElement[], syncedWith?: LayerName): KubernetesObject {
  const partLayer = syncedWith ?? component.layer;
  const wave = String(layer(partLayer).order);
  const labels = {
    [LABELS.partOf]: PART_OF,
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.component]: component.name,
    [LABELS.layer]: partLayer,
    [LABELS.version]: component.version,
  };
  const sync = component.sync ?? {};
  const sources = elements.map((element) => instanceSources(cluster, component, element, syncedWith !== undefined));
  const common = sources[0]!;
  const differing = elements.filter((_, i) => JSON.stringify(sources[i]) !== JSON.stringify(common));
  const template = {
    metadata: {
      name: "{{.application}}",
      namespace: cluster.argocd.namespace,
      labels: { ...labels, [LABELS.instance]: "{{.instance}}" },
      annotations: { [ANNOTATIONS.syncWave]: wave },
      // Deleting the Application deletes what it deployed instead of orphaning it.
      finalizers: ["resources-finalizer.argocd.argoproj.io"],
    },
    spec: {
      project: cluster.argocd.project,
      destination: { server: IN_CLUSTER, namespace: "{{.namespace}}" },
      sources: common,
      syncPolicy: {
        automated: { prune: sync.prune ?? true, selfHeal: sync.selfHeal ?? true },
        syncOptions: syncOptions(component),
        retry: RETRY,
      },
      ...(sync.ignoreDifferences?.length ? { ignoreDifferences: sync.ignoreDifferences } : {}),
    },
  };
  // Instances whose sources differ structurally (no manifests folder, CRDs owned by
  // another instance) get them from a patch: template fields can only hold strings.
  const templatePatch = differing.length
    ? differing
        .flatMap((element) => [
          `{{- if eq .instance ${JSON.stringify(element.instance)} }}`,
          "spec:",
          "  sources:",
          ...sources[elements.indexOf(element)]!.map((source) => `    - ${JSON.stringify(source)}`),
          "{{- end }}",
        ])
        .concat("")
        .join("\n")
    : undefined;
  return crds.applicationSet({
    metadata: {
      name: syncedWith ? `${component.name}-${syncedWith}` : component.name,
      namespace: cluster.argocd.namespace,
      labels,
      annotations: { [ANNOTATIONS.syncWave]: wave },
    },
    spec: {
      goTemplate: true,
      goTemplateOptions: ["missingkey=error"],
      generators: [{ list: { elements: [...elements] } }],
      template,
      ...(templatePatch ? { templatePatch } : {}),
    },
  });
}

/**
 * The app of apps, applied once by hand after the first ArgoCD install; it
 * then manages itself with the ApplicationSets in apps-root-config/applications.
 */
export function rootApplication(cluster: ClusterFacts): KubernetesObject {
  return crds.application({
    metadata: {
      name: "homelab-root",
      namespace: cluster.argocd.namespace,
      labels: { [LABELS.partOf]: PART_OF, [LABELS.managedBy]: MANAGED_BY },
    },
    spec: {
      project: cluster.argocd.project,
      source: { repoURL: cluster.git.repoURL, targetRevision: cluster.git.revision, path: APPLICATIONS_FOLDER },
      destination: { server: IN_CLUSTER, namespace: cluster.argocd.namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        // ApplicationSet CRDs are too large for client-side apply's last-applied annotation.
        syncOptions: ["ServerSideApply=true"],
        retry: RETRY,
      },
    },
  });
}
