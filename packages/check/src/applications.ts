import { LABELS } from "@homelab/layout";
import type { InputDocument } from "@homelab/policy";
import { substitute } from "./model.js";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);

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

const WAVE = "argocd.argoproj.io/sync-wave";

function waveOf(metadata: unknown): number | null {
  const raw = isObj(metadata) && isObj(metadata.annotations) ? str(metadata.annotations[WAVE]) : null;
  return raw !== null && /^-?\d+$/.test(raw) ? Number(raw) : null;
}

function appSpec(app: Obj, file: string, index: number, fallbackWave: number | null, component: string | null): AppSpec | undefined {
  const metadata = isObj(app.metadata) ? app.metadata : {};
  const name = str(metadata.name);
  if (!name) return undefined;
  const spec = isObj(app.spec) ? app.spec : {};
  const labels = isObj(metadata.labels) ? metadata.labels : {};
  const syncPolicy = isObj(spec.syncPolicy) ? spec.syncPolicy : {};
  const sources = Array.isArray(spec.sources) ? spec.sources.filter(isObj) : isObj(spec.source) ? [spec.source] : [];
  const paths: string[] = [];
  const charts: AppSpec["charts"] = [];
  for (const s of sources) {
    const chart = str(s.chart);
    const helm = isObj(s.helm) ? s.helm : {};
    if (chart) {
      charts.push({
        chart,
        version: str(s.targetRevision) ?? "",
        repoURL: str(s.repoURL),
        releaseName: str(helm.releaseName),
        valueFiles: Array.isArray(helm.valueFiles) ? helm.valueFiles.filter((v): v is string => typeof v === "string") : [],
      });
    } else if (str(s.path) && !str(s.ref)) paths.push((s.path as string).replace(/\/+$/, ""));
  }
  return {
    name,
    component: str(labels[LABELS.component]) ?? component,
    wave: waveOf(metadata) ?? fallbackWave,
    retry: isObj(syncPolicy.retry),
    syncOptions: Array.isArray(syncPolicy.syncOptions) ? syncPolicy.syncOptions.filter((o): o is string => typeof o === "string") : [],
    namespace: isObj(spec.destination) ? str(spec.destination.namespace) : null,
    paths,
    charts,
    file,
    index,
  };
}

/** Every Application the documents declare, ApplicationSet list elements substituted as ArgoCD's goTemplate does. */
export function applicationsOf(documents: readonly InputDocument[]): AppSpec[] {
  const out: AppSpec[] = [];
  for (const doc of documents) {
    const o = doc.object;
    if (typeof o.apiVersion !== "string" || !o.apiVersion.startsWith("argoproj.io/")) continue;
    if (o.kind === "Application") {
      const spec = appSpec(o, doc.file, doc.index, doc.layerOrder, doc.component);
      if (spec) out.push(spec);
    } else if (o.kind === "ApplicationSet") {
      const spec = isObj(o.spec) ? o.spec : {};
      const template = isObj(spec.template) ? spec.template : null;
      if (!template || !Array.isArray(spec.generators)) continue;
      const setWave = waveOf(o.metadata) ?? doc.layerOrder;
      for (const generator of spec.generators) {
        const elements = isObj(generator) && isObj(generator.list) && Array.isArray(generator.list.elements) ? generator.list.elements : [];
        for (const element of elements) {
          if (!isObj(element)) continue;
          const app = appSpec(substitute(template, element) as Obj, doc.file, doc.index, setWave, doc.component);
          if (app) out.push(app);
        }
      }
    }
  }
  return out;
}
