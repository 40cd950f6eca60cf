import path from "node:path";
import { findRoot } from "@homelab/core";
import { UsageError } from "@homelab/errors";
import { formatImportResult, importComponent } from "@homelab/import";
import { isLayerName } from "@homelab/layout";
import type { Io } from "../spec.js";
import type { ImportArgs } from "./import.js";

export async function run({ flags, positionals }: ImportArgs, io: Io): Promise<number> {
  const folder = positionals[0];
  if (!folder) throw new UsageError("missing argument <folder>");
  const root = flags.root !== undefined ? path.resolve(io.cwd, flags.root) : findRoot(io.cwd);
  // The parser accepted only the table's layer names; the guard gives the type.
  const layer = flags.layer !== undefined && isLayerName(flags.layer) ? flags.layer : undefined;
  const result = await importComponent({
    folder: path.resolve(io.cwd, folder),
    root,
    ...(flags.name ? { name: flags.name } : {}),
    ...(layer ? { layer } : {}),
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    ...(flags.dependency ? { dependency: flags.dependency } : {}),
    ...(flags["source-root"] ? { sourceRoot: path.resolve(io.cwd, flags["source-root"]) } : {}),
    ...(flags["chart-dir"] ? { chartDir: path.resolve(io.cwd, flags["chart-dir"]) } : {}),
    ...(flags.tgz ? { tgz: path.resolve(io.cwd, flags.tgz) } : {}),
    ...(flags["from-repo"] ? { fromRepo: true } : {}),
  });
  io.stdout(flags.format === "json" ? `${JSON.stringify(result, null, 2)}\n` : formatImportResult(result));
  return result.comparison.equal ? 0 : 1;
}
