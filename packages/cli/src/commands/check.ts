import { FORMATS } from "@homelab/check/formats";
import { defineCommand, type FlagTable, type ParsedArgs } from "../spec.js";

const checkFlags = {
  format: { type: "string", choices: FORMATS, description: "output format (default text)" },
  "public-class": {
    type: "string",
    multiple: true,
    value: "CLASS",
    description: "an ingress class that faces the internet (repeatable; default: the cluster facts')",
  },
  component: { type: "string", multiple: true, value: "NAME", description: "report only findings of this component (repeatable)" },
  "no-schema": { type: "boolean", description: "skip schema validation, run only the policies" },
  "no-policy": { type: "boolean", description: "skip the policies, run only schema and values validation" },
  "no-cache": {
    type: "boolean",
    description:
      "parse, validate and evaluate everything again (default: unchanged files' parsed documents and clean validations, and an unchanged tree's policy report, are remembered)",
  },
} as const satisfies FlagTable;
export type CheckArgs = ParsedArgs<typeof checkFlags>;

export const checkCommand = defineCommand({
  path: ["check"],
  summary: "validate schemas (kubeconform) and policies (OPA) over a directory of Kubernetes/ArgoCD YAML",
  description:
    "Checks the rendered folders (default: the repository root, honouring .homelabignore) or any directory of hand-written GitOps YAML. Exit 0 when no error-severity finding, 1 when there is one, 2 for bad input.",
  positionals: [{ name: "dir", description: "directory to check (default: the repository root)" }],
  flags: checkFlags,
  load: async () => (await import("./check.run.js")).run,
  // It reads YAML, JSON and the generated values folders (@homelab/charts), never homelab.config.ts or a component's module.
  importsTypeScript: false,
});
