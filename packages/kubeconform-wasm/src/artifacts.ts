import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { homelab } from "@homelab/cluster";
import { ensureBuilt } from "@homelab/workspace";

/** Where the build puts things; everything under build/ is gitignored. */
export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const goDir = path.join(packageDir, "go");
export const buildDir = path.join(packageDir, "build");
export const wasmPath = path.join(buildDir, "kubeconform.wasm");
export const nativePath = path.join(buildDir, "kubeconform");
export const schemasRoot = path.join(buildDir, "schemas");

/** The command that (re)builds everything, quoted in MISSING_ARTIFACT errors. */
export function buildCommand(kubernetesVersion?: string): string {
  const flag = kubernetesVersion ? ` -- --kubernetes-version ${kubernetesVersion}` : "";
  return `npm run build -w @homelab/kubeconform-wasm${flag}`;
}

/**
 * Builds the wasm and the cluster version's core schemas on first use (the Nx build
 * target, once, under a lock). Another Kubernetes version is not built implicitly:
 * the caller's MISSING_ARTIFACT error names the command for it.
 */
export function ensureArtifacts(kubernetesVersion?: string): void {
  if (kubernetesVersion !== undefined && kubernetesVersion !== homelab.kubernetes.version) return;
  const version = homelab.kubernetes.version;
  ensureBuilt({
    project: "@homelab/kubeconform-wasm",
    outputs: [wasmPath, coreSchemaDir(version, true), coreSchemaDir(version, false)],
    what: `the kubeconform wasm and Kubernetes ${version} schemas`,
  });
}

/** kubeconform's `{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}` folder. */
export function coreSchemaDir(kubernetesVersion: string, strict: boolean): string {
  return path.join(schemasRoot, `v${kubernetesVersion}-standalone${strict ? "-strict" : ""}`);
}

/**
 * The committed CRD schemas of @homelab/crds (CRDs-catalog layout:
 * `<group>/<kind>_<version>.json`), or undefined when that package has none yet.
 */
export function crdSchemaDir(): string | undefined {
  let dir: string;
  try {
    const entry = createRequire(import.meta.url).resolve("@homelab/crds");
    dir = path.resolve(path.dirname(entry), "..", "generated", "schemas");
  } catch {
    dir = path.resolve(packageDir, "..", "crds", "generated", "schemas");
  }
  return existsSync(dir) ? dir : undefined;
}

/** kubeconform location template for a CRDs-catalog folder. */
export function crdLocation(dir: string): string {
  return `${dir}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`;
}

/**
 * Names the wasm build for the memo of clean files without reading its 17 MB:
 * the build's input digest (written beside it) and the file's size and
 * modification time, so a rebuild from the same inputs with another Go is a
 * different engine too.
 */
export function engineFingerprint(): string | undefined {
  try {
    const stat = statSync(wasmPath);
    return `${readFileSync(`${wasmPath}.inputs`, "utf8").trim()} ${stat.size} ${stat.mtimeMs}`;
  } catch {
    return undefined; // not built yet: this run builds it and remembers nothing
  }
}
