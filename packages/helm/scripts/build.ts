/**
 * Builds packages/helm/build/homelab-helm from the pinned helm.sh/helm/v3 (incremental).
 *   node --import tsx scripts/build.ts [--force]
 */
import { parseArgs } from "node:util";
import { formatError, isHomelabError } from "@homelab/errors";
import { buildHelper } from "../src/build.js";

try {
  const { values } = parseArgs({ options: { force: { type: "boolean", default: false } } });
  const rebuilt = await buildHelper({ force: values.force, log: (line) => console.log(line) });
  console.log(rebuilt ? "built: homelab-helm" : "homelab-helm: up to date");
} catch (error) {
  if (!isHomelabError(error)) throw error;
  console.error(formatError(error));
  process.exitCode = 2;
}
