import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

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
