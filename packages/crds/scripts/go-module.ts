import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";

/** CRDs taken from a Go module because no chart in ../shared ships them. */
export interface GoModuleCrds {
  module: string;
  version: string;
  /** CRD YAML files inside the module. */
  files: string[];
  /**
   * The module version must equal this annotation of this kind among the
   * other inputs, so the CRDs we add match the operator the chart installs.
   */
  versionOf?: { kind: string; annotation: string };
}

export const GO_MODULE_CRDS: readonly GoModuleCrds[] = [
  {
    // kube-prometheus-stack 88.5.3 bundles prometheus-operator 0.93.1's CRDs; ../shared/crds has only ServiceMonitor.
    // Every other kind the chart installs and renders (Prometheus, Alertmanager, PodMonitor, ...) comes from here,
    // so each monitoring object the chart renders has a strict schema.
    module: "github.com/prometheus-operator/prometheus-operator",
    version: "v0.93.1",
    files: [
      "alertmanagerconfigs",
      "alertmanagers",
      "podmonitors",
      "probes",
      "prometheusagents",
      "prometheuses",
      "prometheusrules",
      "scrapeconfigs",
      "thanosrulers",
    ].map((plural) => `example/prometheus-operator-crd/monitoring.coreos.com_${plural}.yaml`),
    versionOf: { kind: "ServiceMonitor", annotation: "operator.prometheus.io/version" },
  },
];

/**
 * Downloads a module through the Go module proxy into a private module cache
 * (gitignored `build/`; a second run reads the cache) and returns its directory.
 */
export function downloadGoModule(module: string, version: string, cacheDir: string): string {
  mkdirSync(cacheDir, { recursive: true });
  const run = spawnSync("go", ["mod", "download", "-json", `${module}@${version}`], {
    cwd: cacheDir,
    encoding: "utf8",
    env: {
      ...process.env,
      GOMODCACHE: path.resolve(cacheDir),
      // Writable cache so `rm -rf build/` works; no go.mod around, so module mode must be forced.
      GOFLAGS: [process.env["GOFLAGS"], "-modcacherw"].filter(Boolean).join(" "),
      GO111MODULE: "on",
    },
  });
  if (run.error) {
    throw new HomelabError(ErrorCode.MissingArtifact, `cannot run go to download ${module}@${version}: ${run.error.message}`, {
      position: { file: "packages/crds/scripts/go-module.ts" },
      hint: "install Go (see the repository README) or pass --no-go-modules",
    });
  }
  let parsed: { Dir?: string; Error?: string } = {};
  try {
    parsed = JSON.parse(run.stdout) as typeof parsed;
  } catch {
    // stdout is empty when go fails before reaching the proxy; stderr says why.
  }
  if (run.status !== 0 || !parsed.Dir) {
    throw new HomelabError(ErrorCode.Remote, `go mod download ${module}@${version} failed: ${parsed.Error ?? run.stderr.trim()}`, {
      position: { file: "packages/crds/scripts/go-module.ts" },
    });
  }
  return parsed.Dir;
}
