import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ClusterFacts } from "@homelab/cluster";
import { LAYERS, manifestsFolder, renderComponent, valuesFile, type Component, type ComponentFactory, type LayerName } from "@homelab/core";
import { ErrorCode, HomelabError, UsageError } from "@homelab/errors";
import { validateValues, type ChartSchemaEntry, type ValuesIssue, type ValuesSchema } from "@homelab/values";
import { YamlSource, formatPath, type JsonPath } from "@homelab/yaml";
import { compareDeployed, identity, type Comparison } from "./compare.js";
import { typedKind } from "./kinds.js";
import { brief, tsLiteral, type LeftOut } from "./literal.js";
import { isObj, locateValue, readSource, toPosix, type ImportSource, type Obj } from "./source.js";

/** This installation's repository: where the generated chart modules of the components it ships live. */
const HOMELAB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface ImportOptions {
  /** The folder to import: a wrapper chart (Chart.yaml + values.yaml + templates/) or a folder with one ArgoCD Application of a chart. */
  folder: string;
  /** Root of this repository: the package is written to `<root>/packages/components/<name>/`. */
  root: string;
  /** Root of the adopted repository (`$values/` paths are from it); default: the nearest folder above `folder` with `.git`, else `folder`'s parent. */
  sourceRoot?: string;
  /** Component name (default: the folder's name). */
  name?: string;
  /** Layer (default: from the folder, e.g. `cluster-init-apps` → init). */
  layer?: LayerName;
  /** Namespace (default: the Application's destination, else the one all manifests share, else the name). */
  namespace?: string;
  /** Wrapper charts with several dependencies: the one to import. */
  dependency?: string;
  /** Generate types with codegen from this unpacked chart (charts this repository has no schema for). */
  chartDir?: string;
  /** Generate types with codegen from this chart archive. */
  tgz?: string;
  /** Generate types with codegen from the chart's Helm repository (needs network). */
  fromRepo?: boolean;
  /** Known chart schemas (default: `@homelab/charts`). */
  charts?: readonly ChartSchemaEntry[];
  /** Cluster facts handed to the new factory for the comparison render (default: `@homelab/cluster`'s). */
  cluster?: ClusterFacts;
}

export interface UnknownKey {
  /** Path in the chart's values. */
  path: string;
  key: string;
  suggestion?: string;
  /** Where the original sets it (relative to the source root). */
  file?: string;
  line?: number;
  column?: number;
  value: unknown;
  message: string;
}

export interface ImportResult {
  component: string;
  packageName: string;
  /** Relative to `root`. */
  packageDir: string;
  kind: ImportSource["kind"];
  chart: { name: string; version: string; repository: string };
  layer: LayerName;
  namespace: string;
  /** How the generated/ folder was made. */
  types: "registry" | "codegen";
  /** Files written, relative to `root`. */
  files: string[];
  /** Keys the chart's schema does not know: left out of the component, each with a TODO comment where it was. */
  unknownKeys: UnknownKey[];
  /** Other schema problems in the original values (kept in the component: render rejects them until fixed). */
  valueIssues: string[];
  /** Extra plain manifests converted to typed objects. */
  manifests: string[];
  /** Go-templated files kept aside under templates-unconverted/ (source paths). */
  templates: string[];
  /** What was not carried over, and other things to review. */
  notes: string[];
  comparison: Comparison;
  /** For homelab.config.ts. */
  register: { importLine: string; factory: string };
}

const COMPONENT_NAME = /^[a-z][a-z0-9-]*$/;

function camel(name: string): string {
  return name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

function findGitRoot(from: string): string | undefined {
  for (let at = from; ; at = path.dirname(at)) {
    if (existsSync(path.join(at, ".git"))) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

function layerOf(display: string): LayerName | undefined {
  const padded = `/${display}/`;
  // Longest folder first: apps-root-config/bootstrap before anything shorter.
  const match = [...LAYERS].sort((a, b) => b.folder.length - a.folder.length).find((l) => padded.includes(`/${l.folder}/`));
  return match?.name;
}

const sameVersion = (a: string, b: string): boolean => a.replace(/^v/, "") === b.replace(/^v/, "");

interface Types {
  schema: ValuesSchema;
  how: ImportResult["types"];
  files: Record<string, string>;
}

/** The generated/ folder: codegen from a chart the user gives, or the codegen output this repository already has for that chart and version. */
async function resolveTypes(source: ImportSource, options: ImportOptions): Promise<Types> {
  const chart = source.chart;
  const input = options.chartDir
    ? ({ kind: "dir", dir: path.resolve(options.chartDir) } as const)
    : options.tgz
      ? ({ kind: "tgz", file: path.resolve(options.tgz) } as const)
      : options.fromRepo
        ? ({ kind: "repo", repo: chart.repository, chart: chart.name, version: chart.version } as const)
        : undefined;
  if (input) {
    const { codegen, emitFiles } = await import("@homelab/codegen");
    const result = await codegen({ input, repository: chart.repository, outDir: path.join(options.root, "generated"), write: false });
    if (result.ir.chart.name !== chart.name || !sameVersion(result.ir.chart.version, chart.version)) {
      throw new HomelabError(
        ErrorCode.ChartInvalid,
        `the chart given is ${result.ir.chart.name}@${result.ir.chart.version}, the original deploys ${chart.name}@${chart.version}`,
        {
          hint: "pass the chart at the version the original pins",
        },
      );
    }
    // The pin is what is deployed (a chart's own Chart.yaml may spell the version differently, e.g. v-prefixed).
    const ir = { ...result.ir, chart: { ...result.ir.chart, version: chart.version } };
    const files = emitFiles(ir);
    return { schema: { chart: ir.chart, draft: ir.draft, source: ir.source, schema: ir.schema }, how: "codegen", files };
  }
  const charts = options.charts ?? (await import("@homelab/charts")).charts;
  const entry = charts.find((c) => c.chart.name === chart.name && sameVersion(c.chart.version, chart.version));
  if (!entry) {
    const versions = charts.filter((c) => c.chart.name === chart.name).map((c) => c.chart.version);
    throw new HomelabError(
      ErrorCode.Usage,
      `this repository has no schema for chart ${chart.name}@${chart.version}${versions.length ? ` (it has ${versions.join(", ")})` : ""}, so it cannot type its values`,
      {
        hint: `chart repositories are not fetched implicitly: pass the chart with --chart-dir DIR or --tgz FILE (\`helm pull ${chart.name} --repo ${chart.repository} --version ${chart.version}\`), or --from-repo where ${chart.repository} is reachable`,
      },
    );
  }
  const dir = path.join(HOMELAB_ROOT, "packages", "components", entry.component, "generated");
  const files: Record<string, string> = {};
  // Regenerating must give the same output: the component's schema patches travel with it.
  const patch = path.join(dir, "..", "codegen.patch.json");
  if (existsSync(patch)) files["../codegen.patch.json"] = readFileSync(patch, "utf8");
  for (const name of ["index.ts", "types.ts", "schema.json"]) {
    const file = path.join(dir, name);
    if (!existsSync(file))
      throw new HomelabError(ErrorCode.MissingArtifact, `generated module of component ${entry.component} is incomplete: ${name} missing`, {
        position: { file },
      });
  }
  // The whole folder is codegen's output (its freshness test keeps it so): whatever codegen emits (defaults, the
  // precompiled validator) travels with the copy without a second list of its file names here.
  for (const item of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (item.isFile()) files[item.name] = readFileSync(path.join(dir, item.name), "utf8");
  }
  return { schema: await entry.load(), how: "registry", files };
}

function isUnknownKey(issue: ValuesIssue): boolean {
  return issue.keyword === "additionalProperties" || issue.keyword === "unevaluatedProperties";
}

function valueAt(values: unknown, p: JsonPath): unknown {
  let v = values;
  for (const k of p) v = Array.isArray(v) ? v[Number(k)] : isObj(v) ? v[String(k)] : undefined;
  return v;
}

function withoutPaths(values: Obj, paths: readonly JsonPath[]): Obj {
  const copy = structuredClone(values);
  for (const p of paths) {
    const parent = valueAt(copy, p.slice(0, -1));
    const last = p[p.length - 1]!;
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else if (isObj(parent)) delete parent[String(last)];
  }
  return copy;
}

function emitIndex(args: {
  source: ImportSource;
  name: string;
  layer: LayerName;
  namespace: string;
  values: Obj;
  leftOut: LeftOut[];
  manifests: Obj[];
  repoOverride: string | undefined;
  problems: string[];
}): string {
  const { source, name, layer, namespace, values, leftOut, manifests } = args;
  const kinds = new Set<string>();
  const manifestLines = manifests.map((m) => {
    const typed = typedKind(String(m.apiVersion), String(m.kind));
    if (typed) kinds.add(typed);
    // `satisfies` checks the object against its kind's type; the cast lets the list hold any kind.
    return `  ${tsLiteral(m, 1)}${typed ? ` satisfies ${typed}` : ""} as KubernetesObject,`;
  });
  const origin =
    source.kind === "wrapper-chart"
      ? `wrapper chart ${source.display} (dependency ${source.chart.name}@${source.chart.version} as \`${source.key}\`)`
      : `the Application in ${source.display} (chart ${source.chart.name}@${source.chart.version})`;
  const lines = [
    `// Imported by \`homelab import\` from ${origin}.`,
    "// This file is yours now: edit it like any component (see packages/components/metallb for a hand-written one).",
    'import type { ClusterFacts } from "@homelab/cluster";',
    `import { ${args.repoOverride ? "chartRef, " : ""}componentPackage, type Component${manifests.length ? ", type KubernetesObject" : ""} } from "@homelab/core";`,
    ...(kinds.size ? [`import type { ${[...kinds].sort().join(", ")} } from "@homelab/crds";`] : []),
    'import { valuesSchema, type Values } from "../generated/index.js";',
    'import manifest from "../package.json" with { type: "json" };',
    "",
    `const NAMESPACE = ${JSON.stringify(namespace)};`,
    "",
  ];
  if (args.problems.length) {
    lines.push("// TODO(homelab import): the original values do not match the chart's schema here; render rejects them until fixed:");
    for (const p of args.problems) lines.push(`//   ${p}`);
    lines.push("");
  }
  lines.push(
    source.kind === "wrapper-chart"
      ? `/** Values of the chart: the original's block under \`${source.key}\`${source.layers.some((l) => l.mount[0] === "global") ? ", with the wrapper's `global`" : ""}. */`
      : `/** Values of the chart: the Application's ${source.layers.map((l) => l.file).join(", ") || "(none)"}, merged as ArgoCD does. */`,
    `const values: Values = ${tsLiteral(values, 0, leftOut)};`,
    "",
  );
  if (manifests.length) {
    lines.push("/** Extra manifests of the original (plain YAML), as typed objects. */", "const manifests: KubernetesObject[] = [", ...manifestLines, "];", "");
  }
  if (source.templates.length) {
    lines.push(
      "// TODO(homelab import): Go-templated files of the original are in ../templates-unconverted/ (see its README);",
      "// they are not rendered: add what they produce to `manifests` above, as typed objects.",
      "",
    );
  }
  lines.push(
    `export function ${camel(name)}(_cluster: ClusterFacts): Component<Values> {`,
    "  return {",
    // The component's name comes from package.json's homelab.component, written below.
    "    ...componentPackage(manifest, valuesSchema),",
    ...(args.repoOverride
      ? [
          `    // The original installs the chart from ${args.repoOverride}.`,
          `    chart: { ...chartRef(valuesSchema), repoURL: ${JSON.stringify(args.repoOverride)} },`,
        ]
      : []),
    `    layer: ${JSON.stringify(layer)},`,
    "    namespace: NAMESPACE,",
    "    instances: [",
    "      {",
    `        name: ${JSON.stringify(name)},`,
    ...(source.releaseName && source.releaseName !== name ? [`        releaseName: ${JSON.stringify(source.releaseName)},`] : []),
    "        values,",
    ...(manifests.length ? ["        manifests,"] : []),
    "      },",
    "    ],",
    "  };",
    "}",
    "",
  );
  return lines.join("\n");
}

function templatesReadme(source: ImportSource): string {
  return `# Unconverted Go templates

\`homelab import\` copied these files from \`${source.display}\` unchanged. They are Helm (Go)
templates of the original wrapper chart, and this repository does not render Go templates:
**nothing in this folder is rendered or synced.**

For each file: render it once (\`helm template\` in the original repo), then add the objects it
produces to \`manifests\` in \`../src/index.ts\` as typed objects (computing in TypeScript what the
template computed from \`.Values\`), check with \`homelab render\` and \`homelab check\`, and delete
the file. Delete this folder when it is empty.

${source.templates.map((t) => `- \`${t}\``).join("\n")}
`;
}

/**
 * Turns one wrapper chart (or one Application with its values files) of a
 * hand-written GitOps repo into a component package of this repository, then
 * renders the new component in memory and compares it with the original.
 * Bad input (an existing package, a chart without a schema, malformed YAML)
 * throws a HomelabError before anything is written.
 */
export async function importComponent(options: ImportOptions): Promise<ImportResult> {
  const root = path.resolve(options.root);
  const folder = path.resolve(options.folder);
  const sourceRoot = path.resolve(options.sourceRoot ?? findGitRoot(folder) ?? path.dirname(folder));
  const source = readSource({ folder, sourceRoot, ...(options.dependency ? { dependency: options.dependency } : {}) });

  const name =
    options.name ??
    path
      .basename(folder)
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "");
  if (!COMPONENT_NAME.test(name)) throw new UsageError(`"${name}" is not a component name (lowercase letters, digits, dashes)`, "pass --name NAME");
  const packageRel = `packages/components/${name}`;
  const packageDir = path.join(root, packageRel);
  if (existsSync(packageDir)) {
    throw new HomelabError(ErrorCode.Config, `${packageRel} already exists: homelab import never overwrites a component package`, {
      hint: "choose another name with --name, or remove the package first",
    });
  }
  const layer = options.layer ?? layerOf(source.display);
  if (!layer) {
    throw new UsageError(
      `cannot tell the layer of ${source.display} from its folders (${LAYERS.map((l) => l.folder).join(", ")})`,
      `pass --layer ${LAYERS.map((l) => l.name).join("|")}`,
    );
  }
  if (!LAYERS.some((l) => l.name === layer)) throw new UsageError(`unknown layer "${layer}"`, `one of ${LAYERS.map((l) => l.name).join(", ")}`);

  const notes = [...source.notes];
  const namespaces = [
    ...new Set(
      source.manifests.map((m) => (isObj(m.object.metadata) ? m.object.metadata.namespace : undefined)).filter((n): n is string => typeof n === "string"),
    ),
  ];
  const namespace = options.namespace ?? source.namespace ?? (namespaces.length === 1 ? namespaces[0]! : name);
  if (!options.namespace && !source.namespace)
    notes.push(
      `namespace ${namespace}: ${namespaces.length === 1 ? "the one the manifests use" : "the component name"} (the original's comes from its Application; pass --namespace if it differs)`,
    );
  if (source.kind === "wrapper-chart") {
    notes.push(
      `the original installs ${source.chart.name} as a subchart of a wrapper release; the component installs it as release "${name}": chart-derived resource names can differ (set fullnameOverride in the values if names must stay)`,
    );
  }

  const types = await resolveTypes(source, options);

  // Unknown keys: reported with the suggestion and left out (a TODO where they were), never kept silently.
  const issues = validateValues(types.schema, source.values);
  const unknownKeys: UnknownKey[] = [];
  const valueIssues: string[] = [];
  for (const issue of issues) {
    const at = locateValue(source.layers, issue.path);
    const where = at ? `${at.file}:${at.line}:${at.column}: ` : "";
    if (isUnknownKey(issue)) {
      unknownKeys.push({
        path: formatPath(issue.path),
        key: String(issue.path[issue.path.length - 1]),
        ...(issue.suggestion ? { suggestion: issue.suggestion } : {}),
        ...(at ?? {}),
        value: valueAt(source.values, issue.path),
        message: issue.message,
      });
    } else {
      valueIssues.push(`${where}${formatPath(issue.path)}: ${issue.message}`);
    }
  }
  const dropped = issues.filter(isUnknownKey).map((i) => i.path);
  const leftOut: LeftOut[] = unknownKeys.map((u, i) => ({
    path: dropped[i]!,
    comment: `TODO(homelab import): left out ${JSON.stringify(u.key)}: ${brief(u.value, 80)}: ${u.message.replace(/^unknown key "[^"]*"/, "the chart has no such key")}${u.file ? ` (${u.file}:${u.line})` : ""}`,
  }));

  const repoOverride = source.chart.repository.replace(/\/+$/, "") === types.schema.chart.repository.replace(/\/+$/, "") ? undefined : source.chart.repository;
  const manifests = source.manifests.map((m) => m.object);
  // The original values, so each left-out key gets its TODO comment where it was.
  const index = emitIndex({ source, name, layer, namespace, values: source.values, leftOut, manifests, repoOverride, problems: valueIssues });
  const packageJson = {
    name: `@homelab/component-${name}`,
    version: "0.1.0",
    private: true,
    description: `${source.chart.name} imported from ${source.display} by homelab import.`,
    type: "module",
    exports: { ".": "./src/index.ts", "./generated": "./generated/index.ts" },
    homelab: { component: name, chart: { name: types.schema.chart.name, version: types.schema.chart.version, repository: types.schema.chart.repository } },
    dependencies: {
      "@homelab/core": "*",
      "@homelab/cluster": "*",
      // generated/index.ts builds its valuesSchema with @homelab/values.
      "@homelab/values": "*",
      ...(manifests.some((m) => typedKind(String(m.apiVersion), String(m.kind))) ? { "@homelab/crds": "*" } : {}),
    },
  };

  const files: Record<string, string> = {
    "package.json": `${JSON.stringify(packageJson, null, 2)}\n`,
    "src/index.ts": index,
    ...Object.fromEntries(Object.entries(types.files).map(([f, text]) => [path.posix.normalize(`generated/${f}`), text])),
  };
  if (source.templates.length) files["templates-unconverted/README.md"] = templatesReadme(source);

  // Creating the folder non-recursively is the race-free "does not exist yet" check.
  mkdirSync(path.dirname(packageDir), { recursive: true });
  try {
    mkdirSync(packageDir);
  } catch (error) {
    throw new HomelabError(ErrorCode.Config, `${packageRel} already exists: homelab import never overwrites a component package`, { cause: error });
  }
  const written: string[] = [];
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(packageDir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    written.push(`${packageRel}/${rel}`);
  }
  for (const t of source.templates) {
    const inChart = source.kind === "wrapper-chart" ? toPosix(path.relative(path.join(source.display, "templates"), t)) : path.basename(t);
    const target = path.join(packageDir, "templates-unconverted", inChart);
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(path.join(sourceRoot, t), target);
    written.push(`${packageRel}/templates-unconverted/${toPosix(inChart)}`);
  }

  const comparison = await compareRender({ packageDir, name, source, dropped, cluster: options.cluster });
  const factory = camel(name);
  return {
    component: name,
    packageName: packageJson.name,
    packageDir: packageRel,
    kind: source.kind,
    chart: { ...source.chart },
    layer,
    namespace,
    types: types.how,
    files: written.sort(),
    unknownKeys,
    valueIssues,
    manifests: manifests.map(identity),
    templates: [...source.templates],
    notes,
    comparison,
    register: { importLine: `import { ${factory} } from "${packageJson.name}";`, factory },
  };
}

/**
 * Renders the new component in memory (its factory loaded from the written
 * package) and compares chart, values and manifests with the original. Keys
 * left out as unknown are taken out of the original first: they are reported
 * on their own, and Helm does not read a key its chart does not have.
 */
async function compareRender(args: {
  packageDir: string;
  name: string;
  source: ImportSource;
  dropped: JsonPath[];
  cluster: ClusterFacts | undefined;
}): Promise<Comparison> {
  const { source } = args;
  const original = { chart: source.chart, values: withoutPaths(source.values, args.dropped), manifests: source.manifests.map((m) => m.object) };
  const url = pathToFileURL(path.join(args.packageDir, "src", "index.ts")).href;
  const module = (await import(url)) as Record<string, unknown>;
  const factory = module[camel(args.name)] as ComponentFactory | undefined;
  if (typeof factory !== "function")
    throw new HomelabError(ErrorCode.Config, `the written package does not export ${camel(args.name)}`, { position: { file: url } });
  const cluster = args.cluster ?? (await import("@homelab/cluster")).homelab;
  const component: Component = factory(cluster);
  let rendered;
  try {
    rendered = renderComponent(cluster, component);
  } catch (error) {
    if (!(error instanceof HomelabError)) throw error;
    return { equal: false, differences: [`render fails: ${error.message}`, ...error.details.map((d) => `  ${d}`)] };
  }
  const instance = component.instances[0]!;
  const valuesPath = valuesFile(component, instance);
  const manifestsPrefix = `${manifestsFolder(component, instance)}/`;
  const valuesText = rendered.files.find((f) => f.path === valuesPath)?.content ?? "";
  const importedManifests: Obj[] = [];
  for (const f of rendered.files.filter((f) => f.path.startsWith(manifestsPrefix))) {
    for (const doc of YamlSource.parse(f.content, f.path).nonEmpty()) if (isObj(doc.value)) importedManifests.push(doc.value);
  }
  return compareDeployed(original, {
    chart: component.chart
      ? { name: component.chart.chart, version: component.chart.version, repository: component.chart.repoURL }
      : { name: "(no chart)", version: "", repository: "" },
    values: YamlSource.parse(valuesText, valuesPath).nonEmpty()[0]?.value ?? {},
    manifests: importedManifests,
  });
}
