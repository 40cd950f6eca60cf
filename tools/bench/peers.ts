/**
 * `npm run bench` (default suite): our whole processes against the native
 * peers, paired (see paired.ts), on the real cluster and on synthetic trees.
 *
 * - check: `homelab check` vs native `kubeconform -strict` then `conftest test`
 *   (kubeconform built from packages/kubeconform-wasm/go's pin, conftest from
 *   tools/go's), same files, same schemas, same Rego. conftest evaluates the
 *   input `homelab check` builds, written to one JSON file beforehand
 *   (untimed): the peer is spared reading and modelling the YAML.
 * - schema only (`check --no-policy`, which also validates Helm values) vs
 *   kubeconform; policy only (`check --no-schema`) vs conftest.
 * - start-up: `homelab --help` vs `node -e 0`.
 * - Nx (daemon off, as CI): cold / fully cached / affected after a one-line
 *   change of one application, each vs `nx --version` (Nx's own start-up).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_LAYERS, buildModel, loadTree, policyConfig } from "@homelab/check";
import { homelab as cluster } from "@homelab/cluster";
import { build as buildKubeconform, coreSchemaDir, crdLocation, crdSchemaDir, nativePath } from "@homelab/kubeconform-wasm";
import { NX_ENV, run } from "./measure.js";
import { paired, type PairedResult, type Side, type Step } from "./paired.js";
import { goTool, policyDir } from "./side-by-side.js";
import { REPO, commitAll, createWorkspace, editOne, type Workspace } from "./workspace.js";

export interface PeersOptions {
  pairs: number;
  /** Synthetic sizes (extra components) besides the real cluster. */
  sizes: number[];
  keep: boolean;
  log: (line: string) => void;
}

export interface PeersResult {
  results: PairedResult[];
  trees: { label: string; files: number; documents: number }[];
  /** Time at N=max over time at N=min, per side (median of each), for the check scenario. */
  growth?: { from: number; to: number; ours: number; peers: number };
}

const homelabStep = (ws: Workspace, ...args: string[]): Step => ({
  cmd: process.execPath,
  args: [path.join(ws.dir, "packages/cli/bin/homelab.js"), ...args],
  cwd: ws.dir,
  maxStatus: 1,
});
const nxStep = (ws: Workspace, ...args: string[]): Step => ({ cmd: path.join(REPO, "node_modules/.bin/nx"), args, cwd: ws.dir, env: NX_ENV });

interface NativeSteps {
  kubeconform: Step;
  conftest: Step;
  documents: number;
  /** Absolute paths: every YAML file check reads, and the Kubernetes files among them (kubeconform's). */
  yamlFiles: string[];
  kubernetesFiles: string[];
}

/** The native peers' commands over the tree `homelab check` would check in `ws`. */
function nativeSteps(ws: Workspace, tmp: string): NativeSteps {
  mkdirSync(tmp, { recursive: true });
  const tree = loadTree(ws.dir);
  const model = buildModel(tree, policyConfig(), DEFAULT_LAYERS);
  const kubernetesFiles = model.kubernetesFiles.map((f) => path.join(ws.dir, f.file));
  const crds = crdSchemaDir();
  const version = cluster.kubernetes.version;
  const locations = [path.dirname(coreSchemaDir(version, true)), ...(crds ? [crdLocation(crds)] : [])];
  const kubeconform: Step = {
    cmd: nativePath,
    // kubeconform's defaults otherwise (4 workers), as a script would call it.
    args: ["-strict", "-summary", "-kubernetes-version", version, ...locations.flatMap((l) => ["-schema-location", l]), ...kubernetesFiles],
    cwd: ws.dir,
    maxStatus: 1,
  };
  const input = path.join(tmp, "input.json");
  writeFileSync(input, JSON.stringify(model.input));
  const conftest: Step = {
    cmd: goTool("conftest"),
    args: ["test", "--no-color", "--policy", policyDir(tmp, true), "--namespace", "main", "--output", "json", input],
    cwd: tmp,
    maxStatus: 1,
  };
  return {
    kubeconform,
    conftest,
    documents: model.input.documents.length,
    yamlFiles: [...tree.files.keys()].map((f) => path.join(ws.dir, f)),
    kubernetesFiles,
  };
}

/** The peers' whole check: kubeconform, then conftest. */
const nativeCheckSide = (native: NativeSteps): Side => ({ label: "kubeconform -strict … && conftest test …", steps: [native.kubeconform, native.conftest] });

/** The check scenarios of one tree; returns the peers' commands for more scenarios on it. */
function treeScenarios(ws: Workspace, label: string, pairs: number, full: boolean, tmp: string, out: PeersResult, log: (l: string) => void): NativeSteps {
  const native = nativeSteps(ws, tmp);
  out.trees.push({ label, files: native.kubernetesFiles.length, documents: native.documents });
  const nativeCheck = nativeCheckSide(native);
  log(`   check vs kubeconform + conftest (${pairs} pairs, with peak RSS)`);
  // First run: nothing remembered (--no-cache); re-run: the memo of clean files from the untimed run (what a second
  // `homelab check` on an unchanged tree pays). The peers remember nothing either way.
  out.results.push(
    paired(`${label}: check, first run`, { label: "homelab check --no-cache", steps: [homelabStep(ws, "check", "--no-cache")] }, nativeCheck, {
      pairs,
      memory: true,
    }),
  );
  out.results.push(paired(`${label}: check, re-run`, { label: "homelab check", steps: [homelabStep(ws, "check")] }, nativeCheck, { pairs, memory: true }));
  if (!full) return native;
  log(`   schema only vs kubeconform`);
  out.results.push(
    paired(
      `${label}: schema only`,
      { label: "homelab check --no-policy --no-cache", steps: [homelabStep(ws, "check", "--no-policy", "--no-cache")] },
      { label: "kubeconform -strict …", steps: [native.kubeconform] },
      { pairs },
    ),
  );
  log(`   policy only vs conftest`);
  out.results.push(
    paired(
      `${label}: policy only`,
      { label: "homelab check --no-schema", steps: [homelabStep(ws, "check", "--no-schema")] },
      { label: "conftest test …", steps: [native.conftest] },
      { pairs },
    ),
  );
  // Floors: what any `homelab check` pays before its first file (Node, the command's modules, the kubeconform wasm and
  // Go runtime with one schema, the OPA engine), on a tree of one ConfigMap or none, against the peers on the whole tree.
  const one = path.join(tmp, "one-configmap");
  mkdirSync(one, { recursive: true });
  writeFileSync(path.join(one, "configmap.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: probe\n  namespace: default\ndata:\n  key: value\n");
  const empty = path.join(tmp, "empty");
  mkdirSync(empty, { recursive: true });
  log(`   floors: check of one ConfigMap / of an empty tree vs the peers on the whole tree`);
  out.results.push(
    paired(
      `${label}: floor, check of one ConfigMap`,
      { label: "homelab check --no-cache <one ConfigMap>", steps: [homelabStep(ws, "check", "--no-cache", one)] },
      nativeCheck,
      {
        pairs,
      },
    ),
    paired(
      `${label}: floor, schema only, one ConfigMap`,
      { label: "homelab check --no-policy --no-cache <one ConfigMap>", steps: [homelabStep(ws, "check", "--no-policy", "--no-cache", one)] },
      { label: "kubeconform -strict …", steps: [native.kubeconform] },
      { pairs },
    ),
    paired(
      `${label}: floor, policy only, empty tree`,
      { label: "homelab check --no-schema <empty folder>", steps: [homelabStep(ws, "check", "--no-schema", empty)] },
      { label: "conftest test …", steps: [native.conftest] },
      { pairs },
    ),
  );
  return native;
}

/**
 * The two halves of a first check that no design of ours can skip, each a whole process against the peers' whole
 * check: parsing the tree's YAML in JavaScript (tools/bench/parse-tree.mjs), and validating its Kubernetes files with
 * kubeconform in wasm (tools/bench/validate-tree.mjs, the CLI's build).
 */
function firstRunFloors(ws: Workspace, native: NativeSteps, label: string, pairs: number, tmp: string, out: PeersResult, log: (l: string) => void): void {
  mkdirSync(tmp, { recursive: true });
  const nativeCheck = nativeCheckSide(native);
  const yamlList = path.join(tmp, "yaml-files.txt");
  writeFileSync(yamlList, native.yamlFiles.map((f) => `${f}\n`).join(""));
  const kubernetesList = path.join(tmp, "kubernetes-files.txt");
  writeFileSync(kubernetesList, native.kubernetesFiles.map((f) => `${f}\n`).join(""));
  log(`   floors: parsing the YAML alone, validating the schemas alone, vs kubeconform + conftest`);
  const node = (script: string, ...args: string[]): Step => ({ cmd: process.execPath, args: [path.join(REPO, "tools/bench", script), ...args], cwd: ws.dir });
  out.results.push(
    paired(
      `${label}: floor, parsing the YAML alone`,
      { label: "node tools/bench/parse-tree.mjs (yaml.parseAllDocuments of every file)", steps: [node("parse-tree.mjs", yamlList)] },
      nativeCheck,
      { pairs },
    ),
    paired(
      `${label}: floor, kubeconform-wasm alone`,
      {
        label: "node tools/bench/validate-tree.mjs (createValidator().validate of every Kubernetes file)",
        steps: [node("validate-tree.mjs", cluster.kubernetes.version, kubernetesList)],
      },
      nativeCheck,
      { pairs },
    ),
  );
}

export async function peersBench(options: PeersOptions): Promise<PeersResult> {
  const { pairs, log } = options;
  const out: PeersResult = { results: [], trees: [] };
  // The native peer is built from the same pins as our wasm (incremental: nothing runs when it is current).
  await buildKubeconform({ kubernetesVersion: cluster.kubernetes.version, native: true, log });
  const tmp = mkdtempSync(path.join(os.tmpdir(), "homelab-bench-peers-"));
  try {
    log(`\n== real cluster: creating the workspace`);
    const ws = createWorkspace(0, "peers");
    try {
      run(process.execPath, [path.join(ws.dir, "packages/cli/bin/homelab.js"), "render"], { cwd: ws.dir });
      treeScenarios(ws, "real cluster", pairs, true, path.join(tmp, "real"), out, log);
      log(`   homelab --help vs node -e 0`);
      out.results.push(
        paired(
          "start-up",
          { label: "homelab --help", steps: [homelabStep(ws, "--help")] },
          { label: "node -e 0", steps: [{ cmd: process.execPath, args: ["-e", "0"], cwd: ws.dir }] },
          { pairs: Math.max(pairs, 5) },
        ),
      );

      const nxVersion: Side = { label: "nx --version", steps: [nxStep(ws, "--version")] };
      const pipeline = ["run-many", "-t", "render", "validate", "policy"];
      // Nx's project graph once, then the rendered output committed as in the repository (affected compares with HEAD).
      run(nxStep(ws).cmd, pipeline, { cwd: ws.dir, env: NX_ENV });
      commitAll(ws, "rendered output");
      // Cold is nothing remembered: Nx's cache skipped and our memos (hydrate's renders, check's clean files) emptied
      // before each run. The Go and wasm builds stay: they are made once per checkout (npm test, first use).
      const memos = path.join(ws.dir, "node_modules/.cache/homelab");
      log(`   nx cold render+validate+policy vs nx --version`);
      out.results.push(
        paired(
          "real cluster: nx cold",
          {
            label: `nx ${pipeline.join(" ")} --skip-nx-cache (homelab's memos emptied)`,
            steps: [nxStep(ws, ...pipeline, "--skip-nx-cache")],
            before: () => rmSync(memos, { recursive: true, force: true }),
          },
          nxVersion,
          { pairs },
        ),
      );
      log(`   nx with its cache skipped, homelab's memos kept, vs nx --version`);
      out.results.push(
        paired(
          "real cluster: nx, cache skipped",
          { label: `nx ${pipeline.join(" ")} --skip-nx-cache`, steps: [nxStep(ws, ...pipeline, "--skip-nx-cache")] },
          nxVersion,
          {
            pairs,
          },
        ),
      );
      log(`   nx fully cached vs nx --version`);
      out.results.push(paired("real cluster: nx cached", { label: `nx ${pipeline.join(" ")}`, steps: [nxStep(ws, ...pipeline)] }, nxVersion, { pairs }));
      // What Nx itself costs for a fully cached run of plain nx:run-commands tasks (no executor of ours): the floor
      // any fully cached Nx run stands on, beside nx --version.
      log(`   nx fully cached format-check (Nx's own floor) vs nx --version`);
      out.results.push(
        paired(
          "nx floor: cached run-many of nx:run-commands",
          { label: "nx run-many -t format-check (37 cached tasks)", steps: [nxStep(ws, "run-many", "-t", "format-check")] },
          nxVersion,
          {
            pairs,
          },
        ),
      );
      log(`   nx affected after a one-line change vs nx --version`);
      const affected: Side = {
        label: "nx affected -t render validate policy --base=HEAD (after editing bookmarks' replicas)",
        steps: [nxStep(ws, "affected", "-t", "render", "validate", "policy", "--base=HEAD")],
        // A different replica count each run: every run has a real change to render, validate and check.
        before: (r) => void editOne(ws, r + 10),
      };
      out.results.push(paired("real cluster: nx affected", affected, nxVersion, { pairs }));
    } finally {
      if (options.keep) log(`   kept ${ws.dir}`);
      else ws.remove();
    }

    for (const n of options.sizes) {
      const label = `N=${n}`;
      log(`\n== ${label}: creating the workspace and rendering it (untimed)`);
      const ws = createWorkspace(n, "peers");
      try {
        run(process.execPath, [path.join(ws.dir, "packages/cli/bin/homelab.js"), "render"], { cwd: ws.dir });
        const native = treeScenarios(ws, label, n >= 500 ? Math.min(pairs, 3) : pairs, false, path.join(tmp, label), out, log);
        if (n === Math.max(...options.sizes)) firstRunFloors(ws, native, label, Math.min(pairs, 3), path.join(tmp, `${label}-floors`), out, log);
      } finally {
        if (options.keep) log(`   kept ${ws.dir}`);
        else ws.remove();
      }
    }
    const checks = options.sizes.map((n) => out.results.find((r) => r.scenario === `N=${n}: check, first run`)!);
    if (checks.length >= 2) {
      const first = checks[0]!;
      const last = checks[checks.length - 1]!;
      out.growth = {
        from: options.sizes[0]!,
        to: options.sizes[options.sizes.length - 1]!,
        ours: last.a.ms.median / first.a.ms.median,
        peers: last.b.ms.median / first.b.ms.median,
      };
    }
    return out;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
