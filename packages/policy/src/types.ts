import type { RenderRecord } from "@homelab/layout";
import type { JsonPath } from "@homelab/yaml";

export type Severity = "error" | "warning";

/** Where a policy input item sits: a file relative to the checked directory and a YAML document in it. */
export interface DocumentRef {
  file: string;
  index: number;
}

/**
 * What the rules that look everywhere in an object read, found by one walk in
 * TypeScript (objectIndex): Rego's walk() in OPA's wasm runtime allocates a
 * path per node, and the two walks these replace were half the evaluation
 * time and 40% of the peak memory at 500 components.
 */
export interface ObjectIndex {
  /** `image` under `containers`, `initContainers` or `ephemeralContainers` (list items or map entries): its path and value. */
  images: { path: JsonPath; image: unknown }[];
  /** A mapping with a string `name` and a `value` key: its path (of the mapping), name and value. */
  namedValues: { path: JsonPath; name: string; value: unknown }[];
}

/** One Kubernetes/ArgoCD object of the checked tree. */
export interface InputDocument extends DocumentRef {
  component: string | null;
  instance: string | null;
  /** Layer order of the file (from a render record or the layer folder it sits in), null if unknown. */
  layerOrder: number | null;
  object: Record<string, unknown>;
  /** Every `image` of an entry of a container list in `object` (see {@link ObjectIndex}). */
  images: ObjectIndex["images"];
  /** Every mapping in `object` with a string `name` and a `value` (env entries and their like). */
  namedValues: ObjectIndex["namedValues"];
  /**
   * Set for an object a chart renders (hydrated): the Application, chart and
   * template that made it, and its hook. Absent for our own manifests.
   * Rules tell them apart with it (a chart's deploy-time Secret is not a secret in git).
   */
  origin?: {
    application: string;
    chart: string;
    version: string;
    template: string;
    valueFiles: string[];
    hook: string | null;
    /** Where the object lands (its own namespace, else the Application's destination); null when cluster-scoped. */
    namespace: string | null;
  };
}

/** Helm values linked to their chart: a values file, an Application's valuesObject, a wrapper chart's block. */
export interface InputValues extends DocumentRef {
  /** Where the values start inside the document (empty for a values file). */
  path: JsonPath;
  component: string | null;
  instance: string | null;
  chart: { name: string; version: string | null; repoURL: string | null };
  values: unknown;
}

/** One chart reference: an Application source, an ApplicationSet element, a render record. */
export interface InputChart extends DocumentRef {
  /** Path of the version in its document (targetRevision, or the generator element field it came from). */
  path: JsonPath;
  chart: string;
  repoURL: string | null;
  version: string;
  component: string | null;
  layerOrder: number | null;
  /** Sync options of the Application that installs it, and where they sit (null when not an Application). */
  syncOptions: string[];
  syncOptionsPath: JsonPath | null;
}

/** A render record (`.homelab/rendered/<component>.json`, owned by @homelab/layout), reduced to what rules read. */
export interface InputComponent extends DocumentRef, Pick<RenderRecord, "component" | "layerOrder" | "dependsOn"> {
  layer: string;
  /** Later-layer dependencies resolved on purpose (dependency → reason); layer-order accepts them. */
  allowLaterLayerDependencies?: RenderRecord["allowLaterLayerDependencies"];
}

export interface PolicyConfig {
  publicClasses: string[];
  tlsEntryPoints: string[];
  forwardAuthMiddlewares: { namespace: string; name: string }[];
  adminServices: string[];
}

export interface PolicyInput {
  config: PolicyConfig;
  documents: InputDocument[];
  values: InputValues[];
  charts: InputChart[];
  components: InputComponent[];
}

/** A structured finding as the policy returns it; `formatMessage` turns it into text. */
export interface PolicyFinding extends DocumentRef {
  rule: string;
  severity: Severity;
  code: string;
  path: (string | number)[];
  data: Record<string, unknown>;
}

export interface RuleMeta {
  id: string;
  severity: Severity;
  title: string;
}

export interface PolicyReport {
  rules: RuleMeta[];
  findings: PolicyFinding[];
}
