import type { InputDocument } from "@homelab/policy";
import { declaredApplications } from "@homelab/sources";

/** One ArgoCD Application of the checked tree (a real one, or one an ApplicationSet's list generator makes). */
export interface AppSpec {
  name: string;
  component: string | null;
  /** Sync wave: the Application's `argocd.argoproj.io/sync-wave`, else its ApplicationSet's; null when neither says. */
  wave: number | null;
  retry: boolean;
  syncOptions: string[];
  /** `spec.destination.namespace`: where namespaced objects without a namespace land. */
  namespace: string | null;
  /** Repository folders synced as plain manifests (`sources[].path` without a chart), repository-relative. */
  paths: string[];
  /** Charts it installs (`sources[].chart`). */
  charts: { chart: string; version: string; repoURL: string | null; releaseName: string | null; valueFiles: string[] }[];
  /** Where it is declared. */
  file: string;
  index: number;
}

/** Every Application the documents declare, an ApplicationSet's as ArgoCD renders them from its list generators (@homelab/sources). */
export function applicationsOf(documents: readonly InputDocument[]): AppSpec[] {
  const out: AppSpec[] = [];
  for (const doc of documents) {
    for (const { application: app, set } of declaredApplications(doc.object)) {
      if (!app.name) continue;
      out.push({
        name: app.name,
        component: app.component ?? doc.component,
        // Without a wave of its own or its set's, the layer of the declaring document orders it.
        wave: app.wave ?? set?.wave ?? doc.layerOrder,
        retry: app.retry,
        syncOptions: app.syncOptions,
        namespace: app.namespace,
        paths: app.sources.flatMap((s) => (!s.chart && s.path && !s.ref ? [s.path.replace(/\/+$/, "")] : [])),
        charts: app.sources.flatMap((s) =>
          s.chart
            ? [
                {
                  chart: s.chart,
                  version: s.targetRevision ?? "",
                  repoURL: s.repoURL,
                  releaseName: s.helm.releaseName,
                  valueFiles: s.helm.valueFiles.map((v) => v.entry),
                },
              ]
            : [],
        ),
        file: doc.file,
        index: doc.index,
      });
    }
  }
  return out;
}
