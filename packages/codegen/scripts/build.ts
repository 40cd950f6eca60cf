/**
 * Builds the chart template analyser (go/ → build/tplreads), incrementally.
 * Usage: node --import tsx scripts/build.ts [--force]
 */
import { formatError, isHomelabError } from "@homelab/errors";
import { buildAnalyser } from "../src/analyser-build.js";

try {
  const rebuilt = await buildAnalyser({ force: process.argv.includes("--force"), log: (line) => console.log(line) });
  console.log(rebuilt ? "built: tplreads" : "tplreads: up to date");
} catch (error) {
  if (!isHomelabError(error)) throw error;
  console.error(formatError(error));
  process.exitCode = 2;
}
