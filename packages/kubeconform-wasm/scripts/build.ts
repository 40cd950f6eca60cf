/**
 * Builds kubeconform.wasm, the native kubeconform binary and the core schemas
 * into build/ (incremental). Usage:
 *   node --import tsx scripts/build.ts [--kubernetes-version 1.35.4] [--force] [--no-native]
 * The version defaults to the cluster facts (@homelab/cluster).
 */
import { parseArgs } from "node:util";
import { homelab } from "@homelab/cluster";
import { formatError, isHomelabError } from "@homelab/errors";
import { build } from "../src/build.js";

try {
  const { values } = parseArgs({
    options: {
      "kubernetes-version": { type: "string" },
      force: { type: "boolean", default: false },
      "no-native": { type: "boolean", default: false },
    },
  });
  const result = await build({
    kubernetesVersion: values["kubernetes-version"] ?? homelab.kubernetes.version,
    force: values.force,
    native: !values["no-native"],
    log: (line) => console.log(line),
  });
  console.log(result.rebuilt.length ? `built: ${result.rebuilt.join(", ")}` : "kubeconform-wasm: up to date");
} catch (error) {
  if (!isHomelabError(error)) throw error;
  console.error(formatError(error));
  process.exitCode = 2;
}
