import path from "node:path";
import { FORMATS, check, formatResult, type Format } from "@homelab/check";
import { findRoot } from "@homelab/core";
import type { CommandSpec } from "../spec.js";

export const checkCommand: CommandSpec = {
  path: ["check"],
  summary: "validate schemas (kubeconform) and policies (OPA) over a directory of Kubernetes/ArgoCD YAML",
  description:
    "Checks the rendered folders (default: the repository root, honouring .homelabignore) or any directory of hand-written GitOps YAML. Exit 0 when no error-severity finding, 1 when there is one, 2 for bad input.",
  positionals: [{ name: "dir", description: "directory to check (default: the repository root)" }],
  flags: [
    { name: "format", type: "string", choices: FORMATS, description: "output format (default text)" },
    {
      name: "public-class",
      type: "string",
      multiple: true,
      value: "CLASS",
      description: "an ingress class that faces the internet (repeatable; default: the cluster facts')",
    },
    { name: "component", type: "string", multiple: true, value: "NAME", description: "report only findings of this component (repeatable)" },
    { name: "no-schema", type: "boolean", description: "skip schema validation, run only the policies" },
    { name: "no-policy", type: "boolean", description: "skip the policies, run only schema and values validation" },
  ],
  async run(args, io) {
    const positional = args.positionals[0];
    const dir = positional ? path.resolve(io.cwd, positional) : typeof args.flags.root === "string" ? path.resolve(io.cwd, args.flags.root) : findRoot(io.cwd);
    const result = await check({
      dir,
      ...(args.flags["public-class"] ? { publicClasses: args.flags["public-class"] as string[] } : {}),
      ...(args.flags.component ? { components: args.flags.component as string[] } : {}),
      schema: !args.flags["no-schema"],
      policy: !args.flags["no-policy"],
    });
    io.stdout(formatResult(result, ((args.flags.format as Format | undefined) ?? "text") as Format));
    return result.exitCode;
  },
};
