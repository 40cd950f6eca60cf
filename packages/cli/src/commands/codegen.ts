import { CODEGEN_FLAGS, runCodegenCli } from "@homelab/codegen";
import type { CommandSpec, FlagSpec } from "../spec.js";

// The generator owns its flag table; the CLI takes it over so there is one definition.
const flags: FlagSpec[] = Object.entries(CODEGEN_FLAGS).map(([name, spec]) =>
  spec.value === undefined ? { name, type: "boolean", description: spec.help } : { name, type: "string", value: spec.value, description: spec.help },
);

export const codegenCommand: CommandSpec = {
  path: ["codegen"],
  summary: "generate typed Helm values and their schema from a chart (directory, .tgz or Helm repository)",
  description:
    "Writes generated/ of a component package: the Values override type (no index signatures where the chart is closed) and the schema render validates with. Charts with values.schema.json use it; others get one inferred from values.yaml.",
  positionals: [],
  flags,
  async run(args, io) {
    const argv = flags.flatMap((flag) => {
      const value = args.flags[flag.name];
      if (value === undefined || value === false) return [];
      return value === true ? [`--${flag.name}`] : [`--${flag.name}`, String(value)];
    });
    const { lines } = await runCodegenCli(argv, io.cwd);
    io.stdout(`${lines.join("\n")}\n`);
    return 0;
  },
};
