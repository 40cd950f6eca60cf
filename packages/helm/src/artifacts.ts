import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where the build puts things; build/ is gitignored (packages/*\/build/). */
export const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const goDir = path.join(packageDir, "go");
export const buildDir = path.join(packageDir, "build");
export const helperPath = path.join(buildDir, "homelab-helm");

/** The command that (re)builds the helper, quoted in MISSING_ARTIFACT errors. */
export const buildCommand = "npm run build -w @homelab/helm";
