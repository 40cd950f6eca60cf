import { resolve, relative, join, sep } from "node:path";
import { homelab } from "@homelab/cluster";
import { ErrorCode, HomelabError } from "@homelab/errors";
import {
  formatMessage,
  loadPolicyEngine,
  rememberedReport,
  type PolicyConfig,
  type PolicyEngine,
  type PolicyInput,
  type PolicyReport,
  type Severity,
} from "@homelab/policy";
import { redundantDefaults, validateValues, type ChartSchemaEntry } from "@homelab/values";
import { formatPath, openDocumentMemo } from "@homelab/yaml";
import { loadTree, type SkippedFile, type Tree } from "./load.js";
import { DEFAULT_LAYERS, buildModel, docKey, isKubernetesObject, type DocInfo, type LayerFolder } from "./model.js";
import { isExpired, matches, rawViolation, type AppliedWaiver, type RawViolation } from "./waivers.js";
import { manifestObjects, referenceViolations, unhydratedCharts, type OrderingNote } from "./cluster-objects.js";
import { applicationsOf } from "./applications.js";
import { writeCrdSchemas } from "./crd-schemas.js";
import { workspaceCacheDir } from "@homelab/workspace";
import { addToModel, describeOrigin, hydratedClusterObjects, hydratedFromResult, loadHydrated, type HydratedOrigin, type HydratedSet } from "./hydrated.js";
import { REFERENCE_RULES } from "./references/index.js";
import { EXCLUDED_RULE, excludedManifests, excludedViolations, withoutExcluded } from "./excluded.js";

// Types only: the validator itself is loaded on demand, so a policy-only check never needs its wasm built.
export type { SchemaDiagnostic, Validator as SchemaValidator, ValidateOptions as SchemaValidatorOptions } from "@homelab/kubeconform-wasm";
import type { Validator as SchemaValidator, ValidateOptions as SchemaValidatorOptions } from "@homelab/kubeconform-wasm";

export interface CheckOptions {
  /** `dir` already read by `loadTree` with these options: a batch checking the same tree twice (validate, then policy) reads and parses it once. */
  tree?: Tree;
  /** Directory of Kubernetes/ArgoCD YAML (rendered or hand-written). */
  dir: string;
  /** Ingress classes that face the internet (default: the cluster facts' public class). */
  publicClasses?: string[];
  /** Entry points that terminate TLS (default: websecure). */
  tlsEntryPoints?: string[];
  /** Forward-auth middlewares (namespace/name) defined outside the checked tree (default: the cluster facts'). */
  forwardAuthMiddlewares?: { namespace: string; name: string }[];
  /** Further service names that are admin UIs. */
  adminServices?: string[];
  /** Report only findings of these components (render's component names or Application names). */
  components?: string[];
  /** Clock for waiver expiry (default: now). */
  now?: Date;
  /** Run schema validation before policy (default true). */
  schema?: boolean;
  /**
   * Remember, in the workspace cache, the files' parsed documents, the files that
   * validated clean and the policy reports, and reuse them while their inputs (the
   * text, the schemas, the engine, the policy build) are unchanged (default true).
   */
  cache?: boolean;
  /** Evaluate the OPA policies (default true). */
  policy?: boolean;
  /** Schema validator to use instead of loading @homelab/kubeconform-wasm (tests, long-lived callers). */
  validator?: SchemaValidator;
  /** Options for the default validator. */
  schemaOptions?: Partial<SchemaValidatorOptions>;
  /** Compiled policy (path or bytes); default: packages/policy/build/policy.wasm. */
  policyWasm?: string | Uint8Array;
  /** Extra gitignore-syntax patterns, on top of `.homelabignore`. */
  ignore?: string[];
  /** Repository root the `$values/` paths and render records are relative to (default: nearest ancestor with `.homelab/rendered` or `.git`). */
  root?: string;
  /** Layer folders (default: the ones render writes). */
  layers?: readonly LayerFolder[];
  /** Validate Helm values linked to a chart against its generated schema, rule `values` (default true). */
  values?: boolean;
  /** Charts with a values schema (default: `@homelab/charts`, this repository's components). */
  charts?: readonly ChartSchemaEntry[];
  /** Resolve references between the cluster's objects, rules `ref-*` (default: with the policies). */
  references?: boolean;
  /** StorageClasses the cluster has without a manifest here (default: the cluster facts' `storage.classes`). */
  storageClasses?: readonly string[];
  /**
   * The charts' rendered objects: a hydrated folder relative to the root
   * (default `dist/hydrated` when it exists), `hydrate()`'s in-memory
   * applications, or false to check our files only.
   */
  hydrated?: string | false | Parameters<typeof hydratedFromResult>[1];
}

export interface Violation {
  rule: string;
  severity: Severity;
  component: string | null;
  /** Relative to the checked directory, `/`-separated. */
  file: string;
  line: number;
  column: number;
  message: string;
  /** Sub-check of the rule (e.g. `route-no-tls`), stable like the rule id. */
  code: string;
  kind?: string;
  name?: string;
  namespace?: string;
}

export interface RuleInfo {
  id: string;
  severity: Severity;
  title: string;
}

export interface CheckSummary {
  files: number;
  documents: number;
  errors: number;
  warnings: number;
  /** Findings covered by a waiver. */
  waived: number;
  /** Files not checked (Helm templates). */
  skipped: number;
  byRule: Record<string, number>;
}

export interface CheckResult {
  dir: string;
  violations: Violation[];
  waivers: AppliedWaiver[];
  skipped: SkippedFile[];
  rules: RuleInfo[];
  /** References that resolve only through ArgoCD's ordering (a CRD from another Application of the same wave). */
  orderings?: OrderingNote[];
  summary: CheckSummary;
  /** 0: no error-severity finding; 1: at least one. Bad input throws a HomelabError (exit 2). */
  exitCode: 0 | 1;
}

const EXTRA_RULES: RuleInfo[] = [
  { id: "schema", severity: "error", title: "Documents match their Kubernetes/CRD schema (kubeconform, strict)" },
  {
    id: "values",
    severity: "error",
    title:
      "Helm values match the chart's generated schema (charts this repository knows; keys the chart never reads are unknown, with a suggestion; values equal to the chart default are warnings)",
  },
  { id: "waiver", severity: "error", title: "Waivers are current and used" },
  EXCLUDED_RULE,
];

const engines = new Map<string, Promise<PolicyEngine>>();

function engineFor(wasm: string | Uint8Array | undefined): Promise<PolicyEngine> {
  if (typeof wasm === "object") return loadPolicyEngine({ wasm });
  const key = wasm ?? "";
  let engine = engines.get(key);
  if (!engine) {
    engine = loadPolicyEngine(wasm === undefined ? {} : { wasm });
    engines.set(key, engine);
    engine.catch(() => engines.delete(key));
  }
  return engine;
}

type KubeconformWasm = typeof import("@homelab/kubeconform-wasm");

/**
 * Loaded on demand: policy-only callers never load the validator. A literal
 * specifier, so the compiled CLI bundles it (a lazy chunk) instead of
 * resolving the package's TypeScript source at run time.
 */
async function kubeconformWasm(): Promise<KubeconformWasm> {
  try {
    return await import("@homelab/kubeconform-wasm");
  } catch (cause) {
    throw new HomelabError(ErrorCode.MissingArtifact, "schema validation needs @homelab/kubeconform-wasm, which could not be loaded", {
      cause,
      hint: "build it (see packages/kubeconform-wasm/README.md) or run the check without schema validation",
    });
  }
}

async function defaultValidator(options: SchemaValidatorOptions): Promise<SchemaValidator> {
  return (await kubeconformWasm()).createValidator(options);
}

/** Default schema locations with the charts' CRD schemas before @homelab/crds' (core schemas built on first use). */
async function schemaLocationsWith(chartCrds: string): Promise<string[]> {
  return (await kubeconformWasm()).defaultSchemaLocations(homelab.kubernetes.version, true, [chartCrds]);
}

async function defaultCharts(): Promise<readonly ChartSchemaEntry[]> {
  // Loaded lazily: the registry names every component package, which policy-only callers never need.
  return (await import("@homelab/charts")).charts;
}

const sameVersion = (a: string, b: string): boolean => a.replace(/^v/, "") === b.replace(/^v/, "");

/**
 * Rule `values`: every values source linked to a chart (Application value files
 * and valuesObject, wrapper charts' nested blocks, render records) is validated
 * against the schema generated for that chart and version, when this repository
 * has one. Charts it does not know are left to the policies.
 */
async function valuesViolations(
  sources: PolicyInput["values"],
  charts: readonly ChartSchemaEntry[],
  locate: (file: string, index: number, path: readonly (string | number)[]) => { line: number; column: number },
  infoOf: (file: string, index: number) => DocInfo,
): Promise<RawViolation[]> {
  const out: RawViolation[] = [];
  for (const src of sources) {
    const entry = charts.find((c) => c.chart.name === src.chart.name && src.chart.version !== null && sameVersion(c.chart.version, src.chart.version));
    if (!entry) continue;
    const schema = await entry.load();
    for (const issue of validateValues(schema, src.values)) {
      const at = locate(src.file, src.index, [...src.path, ...issue.path]);
      out.push({
        rule: "values",
        severity: "error",
        code: issue.keyword === "additionalProperties" || issue.keyword === "unevaluatedProperties" ? "unknown-key" : "invalid",
        file: src.file,
        index: src.index,
        line: at.line,
        column: at.column,
        message: `${formatPath(issue.path) || "(values)"}: ${issue.message} (chart ${entry.chart.name}@${entry.chart.version})`,
        info: infoOf(src.file, src.index),
      });
    }
    // A value equal to the chart's default changes nothing: shown so a reviewer sees what a change really changes (check has no "note" level).
    for (const issue of redundantDefaults(schema, src.values)) {
      const at = locate(src.file, src.index, [...src.path, ...issue.path]);
      out.push({
        rule: "values",
        severity: "warning",
        code: "redundant-default",
        file: src.file,
        index: src.index,
        line: at.line,
        column: at.column,
        message: `${formatPath(issue.path)}: ${issue.message} (chart ${entry.chart.name}@${entry.chart.version})`,
        info: infoOf(src.file, src.index),
      });
    }
  }
  return out;
}

/** The policy's configuration: cluster facts by default, overridable for other repos. */
export function policyConfig(options: Pick<CheckOptions, "publicClasses" | "tlsEntryPoints" | "forwardAuthMiddlewares" | "adminServices"> = {}): PolicyConfig {
  return {
    publicClasses: options.publicClasses ?? [homelab.ingress.public.className],
    tlsEntryPoints: options.tlsEntryPoints ?? [homelab.ingress.public.entryPoint],
    forwardAuthMiddlewares: options.forwardAuthMiddlewares ?? [{ ...homelab.auth.forwardAuthMiddleware }],
    adminServices: options.adminServices ?? [],
  };
}

export async function check(options: CheckOptions): Promise<CheckResult> {
  const dir = resolve(options.dir);
  const now = options.now ?? new Date();
  // A caller's tree comes with its caller's memo (or none), saved by the caller.
  const memo = options.tree || options.cache === false ? undefined : openDocumentMemo(workspaceCacheDir("yaml-documents"));
  const loaded =
    options.tree ??
    loadTree(dir, {
      ...(options.ignore ? { ignore: options.ignore } : {}),
      ...(options.root ? { root: resolve(options.root) } : {}),
      ...(memo ? { memo } : {}),
    });
  const config = policyConfig(options);
  const model = buildModel(loaded, config, options.layers ?? DEFAULT_LAYERS);
  // The hydrated files join a copy: a caller's tree (the Nx batch checks one twice, validate then policy) must not
  // come back holding the charts' objects as files of its own, without their Application.
  const tree: Tree = { ...loaded, files: new Map(loaded.files) };
  const hydrated: HydratedSet | undefined =
    options.hydrated === false
      ? undefined
      : Array.isArray(options.hydrated)
        ? hydratedFromResult(tree, options.hydrated)
        : loadHydrated(tree, typeof options.hydrated === "string" ? { folder: options.hydrated } : {});
  if (hydrated) addToModel(model, hydrated);
  // Our manifests ArgoCD excludes are, like the charts' excluded objects, nothing it applies: not validated, policed
  // nor referenced (the model's other facts, values and Applications, stay as read).
  const excluded = hydrated ? excludedManifests(hydrated, tree) : [];
  const excludedKeys = withoutExcluded(model, excluded);
  const origins = new Map<string, HydratedOrigin>((hydrated?.objects ?? []).map((o) => [o.file, o.origin]));
  const infoOf = (file: string, index: number): DocInfo => model.docs.get(docKey(file, index)) ?? { component: null, instance: null };
  const only = options.components ? new Set(options.components) : null;
  const inScope = (component: string | null): boolean => only === null || (component !== null && only.has(component));
  // Findings out of scope are dropped below, so with --component only files holding an in-scope document are
  // validated: per-component Nx tasks then cost their own files, not the whole tree's.
  const scopedFiles = new Set<string>();
  if (only) for (const [key, info] of model.docs) if (inScope(info.component)) scopedFiles.add(key.slice(0, key.lastIndexOf("#")));
  const raw: RawViolation[] = excludedViolations(excluded, (file, index) => tree.files.get(file)!.source.locate(index, []), infoOf);

  if (options.schema !== false) {
    const owned = options.validator === undefined;
    // The CRDs the charts install, at their versions, come before our generated schemas.
    const chartCrds =
      owned && hydrated
        ? writeCrdSchemas(
            hydrated.objects
              .filter((o) => o.object.kind === "CustomResourceDefinition")
              .map((o) => ({ object: o.object, source: `${o.origin.chart}@${o.origin.version} ${o.origin.template}` })),
          )
        : undefined;
    const validator =
      options.validator ??
      (await defaultValidator({
        kubernetesVersion: homelab.kubernetes.version,
        strict: true,
        ...(chartCrds ? { schemaLocations: await schemaLocationsWith(chartCrds.location) } : {}),
        ...(options.cache === false ? {} : { memoDir: workspaceCacheDir("schema-results") }),
        ...options.schemaOptions,
      }));
    try {
      // A file of excluded objects only is not validated at all; in another file their findings are dropped.
      const ours =
        excludedKeys.size === 0
          ? model.kubernetesFiles
          : model.kubernetesFiles.filter((f) => f.source.documents.some((d) => isKubernetesObject(d.value) && !excludedKeys.has(docKey(f.file, d.index))));
      const all = [...ours.map((f) => ({ file: f.file, text: f.source.text })), ...(hydrated?.files ?? [])];
      const files = only ? all.filter((f) => scopedFiles.has(f.file)) : all;
      const diagnostics = await validator.validate(files);
      for (const d of diagnostics) {
        if (excludedKeys.has(docKey(d.file, d.documentIndex))) continue;
        raw.push({
          rule: "schema",
          severity: "error",
          code: d.code,
          file: d.file,
          index: d.documentIndex,
          line: d.line,
          column: d.column ?? 1,
          message: d.path ? `${d.path}: ${d.message}` : d.message,
          info: infoOf(d.file, d.documentIndex),
        });
      }
    } finally {
      if (owned) await validator.close();
    }
  }

  if (options.values !== false) {
    // Values files render wrote were validated by render against the same schema (and `render --check` catches edits).
    const sources = model.input.values.filter((v) => !model.renderedValues.has(v.file) && inScope(infoOf(v.file, v.index).component));
    raw.push(
      ...(await valuesViolations(
        sources,
        options.charts ?? (await defaultCharts()),
        (file, index, path) => {
          const source = tree.files.get(file)?.source;
          return source ? source.locate(index, path) : { line: 1, column: 1 };
        },
        infoOf,
      )),
    );
  }

  let orderings: OrderingNote[] = [];
  if (options.references ?? options.policy !== false) {
    const apps = applicationsOf(model.input.documents);
    const hydratedApps = new Set((hydrated?.indexes ?? []).map((i) => i.index.application));
    const opaque = unhydratedCharts(apps.filter((a) => !hydratedApps.has(a.name)));
    const infos = new Map(apps.map((a) => [a.name, { name: a.name, wave: a.wave, retry: a.retry, syncOptions: a.syncOptions }]));
    const refs = referenceViolations(
      [...manifestObjects(model, tree, apps), ...(hydrated ? hydratedClusterObjects(hydrated, infos) : [])],
      {
        crdsComplete: hydrated !== undefined && opaque === undefined,
        storageClasses: options.storageClasses ?? homelab.storage.classes.map((c) => c.name),
        distribution: homelab.kubernetes.distribution,
        externalMiddlewares: config.forwardAuthMiddlewares,
        ...(opaque ? { opaque } : {}),
      },
      (file, index, path) => tree.files.get(file)?.source.locate(index, path) ?? { line: 1, column: 1 },
      infoOf,
    );
    raw.push(...refs.raw);
    orderings = refs.orderings.filter((o) => inScope(o.component));
  }

  // Without policies (the Nx `validate` target) there are no policy findings, and waivers of policy rules stay unused.
  const report: PolicyReport =
    options.policy === false
      ? { rules: [], findings: [] }
      : options.cache === false
        ? (await engineFor(options.policyWasm)).evaluate(model.input)
        : await rememberedReport(model.input, {
            ...(options.policyWasm ? { wasm: options.policyWasm } : {}),
            memoDir: workspaceCacheDir("policy-reports"),
            load: () => engineFor(options.policyWasm),
          });
  for (const f of report.findings) {
    const source = tree.files.get(f.file)?.source;
    const at = source ? source.locate(f.index, f.path) : { line: 1, column: 1 };
    raw.push(rawViolation(f, at, formatMessage(f), infoOf(f.file, f.index)));
  }

  const repoFile = (file: string): string => relative(tree.root, join(dir, file)).split(sep).join("/");

  const violations: Violation[] = [];
  const applied = new Map<number, AppliedWaiver>();
  const used = new Set<number>();
  const toViolation = (v: RawViolation): Violation => ({
    rule: v.rule,
    severity: v.severity,
    component: v.info.component,
    file: v.file,
    line: v.line,
    column: v.column,
    // A chart's object names what produced it: the Application, chart (template) and values files.
    message: origins.has(v.file) ? `${v.message} [${describeOrigin(origins.get(v.file)!)}]` : v.message,
    code: v.code,
    ...(v.info.kind ? { kind: v.info.kind } : {}),
    ...(v.info.name ? { name: v.info.name } : {}),
    ...(v.info.namespace ? { namespace: v.info.namespace } : {}),
  });
  const locate = (file: string, index: number, path: readonly (string | number)[]) =>
    tree.files.get(file)?.source.locate(index, path) ?? { line: 1, column: 1 };

  for (const v of raw) {
    if (!inScope(v.info.component)) continue;
    const w = model.waivers.findIndex((waiver) => !isExpired(waiver, now) && matches(waiver, v, repoFile(v.file)));
    if (w < 0) {
      violations.push(toViolation(v));
      continue;
    }
    used.add(w);
    const waiver = model.waivers[w]!;
    const at = locate(waiver.declaredIn.file, waiver.declaredIn.index, waiver.declaredIn.path);
    const entry = applied.get(w) ?? {
      rule: waiver.rule,
      component: waiver.component,
      reason: waiver.reason,
      expires: waiver.expires,
      declaredIn: `${waiver.declaredIn.file}:${at.line}`,
      covers: [],
    };
    entry.covers.push({ file: v.file, line: v.line, message: v.message });
    applied.set(w, entry);
  }

  model.waivers.forEach((waiver, i) => {
    if (!inScope(waiver.component) && waiver.component !== null) return;
    const expired = isExpired(waiver, now);
    if (!expired && used.has(i)) return;
    const at = locate(waiver.declaredIn.file, waiver.declaredIn.index, expired ? [...waiver.declaredIn.path, "expires"] : waiver.declaredIn.path);
    violations.push({
      rule: "waiver",
      severity: expired ? "error" : "warning",
      component: waiver.component,
      file: waiver.declaredIn.file,
      line: at.line,
      column: at.column,
      code: expired ? "expired" : "unused",
      message: expired
        ? `waiver of ${waiver.rule} expired on ${waiver.expires} (${waiver.reason}); fix the finding or renew the waiver with a reason`
        : `waiver of ${waiver.rule} matches no finding; remove it`,
    });
  });

  violations.sort((a, b) =>
    a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule) || a.message.localeCompare(b.message),
  );
  const errors = violations.filter((v) => v.severity === "error").length;
  const byRule: Record<string, number> = {};
  for (const v of violations) byRule[v.rule] = (byRule[v.rule] ?? 0) + 1;
  const waivers = [...applied.entries()].sort(([a], [b]) => a - b).map(([, w]) => w);
  memo?.save();
  return {
    dir,
    violations,
    waivers,
    skipped: tree.skipped,
    rules: [...report.rules, ...EXTRA_RULES, ...((options.references ?? options.policy !== false) ? REFERENCE_RULES : [])],
    orderings,
    summary: {
      files: model.kubernetesFiles.length,
      documents: model.input.documents.length,
      errors,
      warnings: violations.length - errors,
      waived: waivers.reduce((n, w) => n + w.covers.length, 0),
      skipped: tree.skipped.length,
      byRule,
    },
    exitCode: errors > 0 ? 1 : 0,
  };
}
