/**
 * Rewrites the per-chart key statistics table in packages/codegen/README.md
 * from a codegen of all 13 charts (nothing else is written). Needs the chart
 * packages mirror (HOMELAB_CHART_PACKAGES_DIR or ../shared/chart-packages); the
 * codegen freshness test fails when the table is stale.
 *   node --import tsx packages/codegen/scripts/readme-table.ts
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatError, isHomelabError } from "@homelab/errors";
import { mirrorDir } from "@homelab/workspace";
import { REPO_ROOT, codegenAll } from "../src/codegen.js";
import { keyStatsTable, replaceTable } from "../src/stats.js";

try {
  const chartsDir = mirrorDir("chart-packages");
  if (!chartsDir) throw new Error("no chart packages mirror: set HOMELAB_CHART_PACKAGES_DIR");
  const { results } = await codegenAll({ chartsDir, write: false });
  const file = path.join(REPO_ROOT, "packages/codegen/README.md");
  const updated = replaceTable(await readFile(file, "utf8"), keyStatsTable(results));
  if (updated === undefined) throw new Error(`${path.relative(process.cwd(), file)} has no key-stats markers`);
  await writeFile(file, updated);
  console.log(`wrote the key statistics of ${results.length} charts to ${path.relative(process.cwd(), file)}`);
} catch (error) {
  console.error(isHomelabError(error) ? formatError(error) : (error as Error).message);
  process.exitCode = 2;
}
