import path from "node:path";
import { LAYERS, findRoot, type LayerName } from "@homelab/core";
import { UsageError } from "@homelab/errors";
import { formatImportResult, importComponent } from "@homelab/import";
import type { CommandSpec } from "../spec.js";

const LAYER_NAMES = LAYERS.map((l) => l.name);

export const importCommand: CommandSpec = {
  path: ["import"],
  summary: "turn a wrapper chart (or an Application + values) of a hand-written repo into a component package",
  description:
    "Writes packages/components/<name>/ (typed values, typed extra manifests, generated chart types; Go templates kept aside), never over an existing package, then renders it in memory and compares it with the original. Exit 0 when semantically equal, 1 when different, 2 for bad input. homelab.config.ts is not edited: the command prints the line to add.",
  positionals: [{ name: "folder", description: "wrapper chart folder, or folder with one ArgoCD Application of a chart", required: true }],
  flags: [
    { name: "name", type: "string", value: "NAME", description: "component name (default: the folder's name)" },
    { name: "layer", type: "string", choices: LAYER_NAMES, description: "layer (default: from the folder, e.g. cluster-init-apps → init)" },
    { name: "namespace", type: "string", value: "NS", description: "namespace (default: the Application's, else the manifests', else the name)" },
    { name: "dependency", type: "string", value: "NAME", description: "wrapper charts with several dependencies: the one to import" },
    { name: "source-root", type: "string", value: "DIR", description: "root of the adopted repository (default: the git root above the folder)" },
    { name: "chart-dir", type: "string", value: "DIR", description: "unpacked chart for codegen (charts this repository has no schema for)" },
    { name: "tgz", type: "string", value: "FILE", description: "chart archive for codegen" },
    { name: "from-repo", type: "boolean", description: "download the chart from its Helm repository for codegen (needs network)" },
    { name: "format", type: "string", choices: ["text", "json"], description: "output format (default text)" },
  ],
  async run(args, io) {
    const folder = args.positionals[0];
    if (!folder) throw new UsageError("missing argument <folder>");
    const root = typeof args.flags.root === "string" ? path.resolve(io.cwd, args.flags.root) : findRoot(io.cwd);
    const flag = (name: string): string | undefined => (typeof args.flags[name] === "string" ? (args.flags[name] as string) : undefined);
    const result = await importComponent({
      folder: path.resolve(io.cwd, folder),
      root,
      ...(flag("name") ? { name: flag("name")! } : {}),
      ...(flag("layer") ? { layer: flag("layer") as LayerName } : {}),
      ...(flag("namespace") ? { namespace: flag("namespace")! } : {}),
      ...(flag("dependency") ? { dependency: flag("dependency")! } : {}),
      ...(flag("source-root") ? { sourceRoot: path.resolve(io.cwd, flag("source-root")!) } : {}),
      ...(flag("chart-dir") ? { chartDir: path.resolve(io.cwd, flag("chart-dir")!) } : {}),
      ...(flag("tgz") ? { tgz: path.resolve(io.cwd, flag("tgz")!) } : {}),
      ...(args.flags["from-repo"] ? { fromRepo: true } : {}),
    });
    io.stdout(flag("format") === "json" ? `${JSON.stringify(result, null, 2)}\n` : formatImportResult(result));
    return result.comparison.equal ? 0 : 1;
  },
};
