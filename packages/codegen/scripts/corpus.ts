/**
 * Measures the generated values schemas against Helm itself, on a corpus built
 * from the charts' own documentation and examples:
 *   - real files: each package's `ci/*.yaml` values files, the YAML blocks of its
 *     README.md/VALUES.md (and its subcharts', nested under their key) that are
 *     values, values.yaml itself (a user copying the defaults whole), and this
 *     cluster's own values file of the component (cluster-*-apps/<component>/values.yaml);
 *   - mutations: every map key of those files (outside lists, evenly sampled)
 *     misspelled once.
 * Helm (helm.sh/helm/v3 via @homelab/helm's native helper) is the referee:
 *   - a rejection (unknown key) is FALSE when deleting that key changes what
 *     `helm template` renders;
 *   - a misspelling is CATCHABLE when the file with it renders exactly like the
 *     file without that key; it is CAUGHT when validation reports it.
 * Documents that differ between two renders of the same values (random
 * secrets, timestamps) are left out of every comparison. A misspelling under a
 * stub subchart the file enables (or in `global` beside one) is not judged:
 * the stub stands in for a chart the package does not carry, so Helm here
 * cannot say whether the real one reads the key (those values stay open).
 *
 *   node --import tsx packages/codegen/scripts/corpus.ts [--chart NAME]... [--mutations N] [--json FILE]
 *
 * Needs the chart packages mirror (HOMELAB_CHART_PACKAGES_DIR or
 * ../shared/chart-packages) and Go (the Helm helper is built on first use).
 * Takes minutes: not part of `npm test`.
 */
import { readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseYaml } from "yaml";
import { homelab } from "@homelab/cluster";
import { formatError, isHomelabError } from "@homelab/errors";
import { enabledUnknownSubcharts, validateValues } from "@homelab/values";
import { mirrorDir } from "@homelab/workspace";
import { charts } from "@homelab/charts";
import { REPO_ROOT } from "../src/codegen.js";
import { renderReleases, type ReleaseRequest, type ReleaseResult } from "@homelab/helm";

type Values = Record<string, unknown>;
const isRecord = (v: unknown): v is Values => v !== null && typeof v === "object" && !Array.isArray(v);

interface CorpusFile {
  chart: string;
  /** Where it came from: ci/x.yaml, README.md#3, values.yaml. */
  source: string;
  values: Values;
}

interface ChartResult {
  chart: string;
  files: number;
  filesSkipped: string[];
  rejections: number;
  falseRejections: { source: string; path: string; message: string }[];
  mutations: number;
  catchable: number;
  /** Misspellings under an enabled stub subchart (or in global beside one): Helm with the stub cannot judge them. */
  unjudged: number;
  caught: number;
  missed: { source: string; path: string }[];
  renders: number;
  ms: number;
}

/** Values-like YAML blocks of a README: a map, not a Kubernetes object, with a key the chart knows. */
function readmeBlocks(text: string, known: ReadonlySet<string>): Values[] {
  const out: Values[] = [];
  for (const m of text.matchAll(/```ya?ml\n([\s\S]*?)```/g)) {
    let value: unknown;
    try {
      value = parseYaml(m[1]!);
    } catch {
      continue;
    }
    if (!isRecord(value) || ("apiVersion" in value && "kind" in value)) continue;
    if (!Object.keys(value).some((k) => known.has(k))) continue;
    out.push(value);
  }
  return out;
}

async function corpusOf(chart: string, dir: string, subchartKeys: Record<string, string>, component: string): Promise<CorpusFile[]> {
  const defaults = (parseYaml(await readFile(path.join(dir, "values.yaml"), "utf8")) ?? {}) as Values;
  const files: CorpusFile[] = [{ chart, source: "values.yaml", values: defaults }];
  for (const layer of (await readdir(REPO_ROOT)).filter((d) => /^cluster-.*-apps$/.test(d)).sort()) {
    const own = path.join(layer, component, "values.yaml");
    const value = parseYaml((await readFile(path.join(REPO_ROOT, own), "utf8").catch(() => "")) || "null") as unknown;
    if (isRecord(value)) files.push({ chart, source: own, values: value });
  }
  const ci = await readdir(path.join(dir, "ci")).catch(() => [] as string[]);
  for (const name of ci.filter((n) => /\.ya?ml$/.test(n)).sort()) {
    const value = parseYaml(await readFile(path.join(dir, "ci", name), "utf8")) as unknown;
    if (isRecord(value)) files.push({ chart, source: `ci/${name}`, values: value });
  }
  const known = new Set(Object.keys(defaults));
  for (const doc of ["README.md", "VALUES.md"]) {
    const text = await readFile(path.join(dir, doc), "utf8").catch(() => undefined);
    if (text) readmeBlocks(text, known).forEach((values, i) => files.push({ chart, source: `${doc}#${i + 1}`, values }));
  }
  for (const [key, sub] of Object.entries(subchartKeys)) {
    const subDir = path.join(dir, "charts", sub);
    const subDefaults = (parseYaml((await readFile(path.join(subDir, "values.yaml"), "utf8").catch(() => "")) || "{}") ?? {}) as Values;
    const text = await readFile(path.join(subDir, "README.md"), "utf8").catch(() => undefined);
    if (text)
      readmeBlocks(text, new Set(Object.keys(subDefaults))).forEach((values, i) =>
        files.push({ chart, source: `charts/${sub}/README.md#${i + 1}`, values: { [key]: values } }),
      );
  }
  return files;
}

/** Map key paths of a values object, outside lists. */
function keyPaths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (!isRecord(value)) return out;
  for (const [k, v] of Object.entries(value)) {
    out.push([...prefix, k]);
    keyPaths(v, [...prefix, k], out);
  }
  return out;
}

function edit(values: Values, keyPath: string[], change: (parent: Values, key: string) => void): Values {
  const copy = structuredClone(values);
  let node: Values = copy;
  for (const k of keyPath.slice(0, -1)) node = node[k] as Values;
  change(node, keyPath[keyPath.length - 1]!);
  return copy;
}

const without = (values: Values, p: string[]) => edit(values, p, (parent, key) => delete parent[key]);

/** A deterministic one-edit misspelling that is not a sibling key already. */
function misspell(key: string, siblings: ReadonlySet<string>): string | undefined {
  const candidates: string[] = [];
  if (key.length >= 3) candidates.push(key.slice(0, 1) + key[2] + key[1] + key.slice(3)); // transposition
  if (key.length >= 4) candidates.push(key.slice(0, -2) + key.slice(-1)); // dropped letter
  candidates.push(`${key}s`, `${key}x`);
  return candidates.find((c) => c !== key && !siblings.has(c));
}

function rename(values: Values, p: string[], to: string): Values {
  return edit(values, p, (parent, key) => {
    const entries = Object.entries(parent).map(([k, v]) => [k === key ? to : k, v] as const);
    for (const k of Object.keys(parent)) delete parent[k];
    for (const [k, v] of entries) parent[k] = v;
  });
}

function fingerprint(result: ReleaseResult, unstable: ReadonlySet<string>): string {
  if (result.error) return `error: ${result.error.message}`;
  return JSON.stringify([result.objects.filter((o, i) => !unstable.has(`${o.template}#${i}`)).map((o) => o.content), result.crds.map((c) => c.content)]);
}

async function measure(chartName: string, dir: string, maxMutations: number): Promise<ChartResult> {
  const started = performance.now();
  const entry = charts.find((c) => c.chart.name === chartName);
  if (!entry) throw new Error(`no generated schema for chart ${chartName}`);
  const schema = await entry.load();
  const chartYaml = parseYaml(await readFile(path.join(dir, "Chart.yaml"), "utf8")) as { dependencies?: { name: string; alias?: string }[] };
  const subDirs = await readdir(path.join(dir, "charts"), { withFileTypes: true }).catch(() => []);
  const subchartKeys: Record<string, string> = {};
  for (const dep of chartYaml.dependencies ?? [])
    if (subDirs.some((d) => d.isDirectory() && d.name === dep.name)) subchartKeys[dep.alias ?? dep.name] = dep.name;
  const corpus = await corpusOf(chartName, dir, subchartKeys, entry.component);
  const result: ChartResult = {
    chart: chartName,
    files: 0,
    filesSkipped: [],
    rejections: 0,
    falseRejections: [],
    mutations: 0,
    catchable: 0,
    unjudged: 0,
    caught: 0,
    missed: [],
    renders: 0,
    ms: 0,
  };
  let n = 0;
  const request = (values: Values): ReleaseRequest => ({
    id: String(n++),
    chart: dir,
    releaseName: "corpus",
    namespace: "corpus",
    values: [values],
    kubeVersion: homelab.kubernetes.version,
    apiVersions: [
      "monitoring.coreos.com/v1",
      "monitoring.coreos.com/v1/ServiceMonitor",
      "monitoring.coreos.com/v1/PodMonitor",
      "monitoring.coreos.com/v1/PrometheusRule",
      "autoscaling/v2",
      "policy/v1",
      "gateway.networking.k8s.io/v1",
      "cert-manager.io/v1",
    ],
    includeCrds: false,
  });
  const render = async (batch: Values[]): Promise<ReleaseResult[]> => {
    result.renders += batch.length;
    return renderReleases(batch.map(request), { timeoutMs: 20 * 60_000 });
  };
  for (const file of corpus) {
    const [a, b] = await render([file.values, file.values]);
    if (a!.error) {
      result.filesSkipped.push(`${file.source}: ${a!.error.message.split("\n")[0]}`);
      continue;
    }
    result.files++;
    // Documents that differ between two renders of the same values (random secrets) are not compared.
    const unstable = new Set<string>();
    a!.objects.forEach((o, i) => {
      if (b!.objects[i]?.content !== o.content) unstable.add(`${o.template}#${i}`);
    });
    const base = fingerprint(a!, unstable);
    // Rejections of the real file: false when deleting the key changes the render.
    const rejected = validateValues(schema, file.values).filter((i) => i.keyword === "additionalProperties" || i.keyword === "unevaluatedProperties");
    result.rejections += rejected.length;
    const deleted = await render(rejected.map((i) => without(file.values, i.path.map(String))));
    deleted.forEach((r, i) => {
      if (fingerprint(r, unstable) !== base)
        result.falseRejections.push({ source: file.source, path: rejected[i]!.path.join("."), message: rejected[i]!.message });
    });
    // Misspellings: catchable when the misspelt file renders like the file without the key.
    const paths = keyPaths(file.values);
    const stubs = enabledUnknownSubcharts(schema, file.values);
    const unjudgeable = (p: string[]) => stubs.some((s) => s.path.every((k, i) => p[i] === k)) || (stubs.length > 0 && p[0] === "global");
    const step = Math.max(1, Math.ceil(paths.length / maxMutations));
    const chosen = paths.filter((_, i) => i % step === 0);
    const cases: { path: string[]; typo: string; misspelt: Values; removed: Values }[] = [];
    for (const p of chosen) {
      let parent: unknown = file.values;
      for (const k of p.slice(0, -1)) parent = (parent as Values)[k];
      const typo = misspell(p[p.length - 1]!, new Set(Object.keys(parent as Values)));
      if (typo && unjudgeable(p)) {
        result.mutations++;
        result.unjudged++;
      } else if (typo) cases.push({ path: p, typo, misspelt: rename(file.values, p, typo), removed: without(file.values, p) });
    }
    const renders = await render(cases.flatMap((c) => [c.misspelt, c.removed]));
    cases.forEach((c, i) => {
      result.mutations++;
      const misspelt = renders[2 * i]!;
      const removed = renders[2 * i + 1]!;
      if (misspelt.error || removed.error || fingerprint(misspelt, unstable) !== fingerprint(removed, unstable)) return;
      result.catchable++;
      const typoPath = [...c.path.slice(0, -1), c.typo].join(".");
      if (validateValues(schema, c.misspelt).some((issue) => issue.path.join(".") === typoPath)) result.caught++;
      else result.missed.push({ source: file.source, path: typoPath });
    });
  }
  result.ms = Math.round(performance.now() - started);
  return result;
}

try {
  const { values: flags } = parseArgs({
    options: { chart: { type: "string", multiple: true }, mutations: { type: "string", default: "40" }, json: { type: "string" } },
  });
  const root = mirrorDir("chart-packages");
  if (!root) throw new Error("no chart packages mirror: set HOMELAB_CHART_PACKAGES_DIR");
  const wanted = flags.chart?.length ? charts.filter((c) => flags.chart!.includes(c.chart.name) || flags.chart!.includes(c.component)) : charts;
  const results: ChartResult[] = [];
  for (const entry of wanted) {
    const r = await measure(entry.chart.name, path.join(root, entry.chart.name, entry.chart.version), Number(flags.mutations));
    results.push(r);
    const pct = r.catchable ? ((100 * r.caught) / r.catchable).toFixed(1) : "—";
    console.log(
      `${r.chart}: ${r.files} files (${r.filesSkipped.length} not renderable), ${r.rejections} rejections, ${r.falseRejections.length} false; ${r.mutations} misspellings (${r.unjudged} under an enabled stub, not judged), ${r.catchable} catchable, ${r.caught} caught (${pct}%) [${r.renders} renders, ${(r.ms / 1000).toFixed(1)} s]`,
    );
    for (const f of r.falseRejections) console.log(`  false rejection: ${f.source}: ${f.path}: ${f.message}`);
    for (const m of r.missed.slice(0, 10)) console.log(`  missed: ${m.source}: ${m.path}`);
    for (const s of r.filesSkipped) console.log(`  not renderable: ${s}`);
  }
  const sum = (f: (r: ChartResult) => number) => results.reduce((a, r) => a + f(r), 0);
  const catchable = sum((r) => r.catchable);
  console.log(
    `total: ${sum((r) => r.files)} files, ${sum((r) => r.rejections)} rejections, ${sum((r) => r.falseRejections.length)} false; ${sum((r) => r.mutations)} misspellings (${sum((r) => r.unjudged)} not judged), ${catchable} catchable, ${sum((r) => r.caught)} caught (${catchable ? ((100 * sum((r) => r.caught)) / catchable).toFixed(1) : "—"}%)`,
  );
  if (flags.json) await writeFile(flags.json, `${JSON.stringify(results, null, 2)}\n`);
} catch (error) {
  console.error(isHomelabError(error) ? formatError(error) : (error as Error).message);
  process.exitCode = 2;
}
