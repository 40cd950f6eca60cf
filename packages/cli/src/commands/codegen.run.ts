import { runCodegen } from "@homelab/codegen";
import type { Io } from "../spec.js";
import type { CodegenArgs } from "./codegen.js";

export async function run({ flags }: CodegenArgs, io: Io): Promise<number> {
  const { lines } = await runCodegen(
    {
      component: flags.component,
      chartDir: flags["chart-dir"],
      tgz: flags.tgz,
      repo: flags.repo,
      chart: flags.chart,
      version: flags.version,
      repository: flags.repository,
      out: flags.out,
      all: flags.all,
      allowRemoteRefs: flags["allow-remote-refs"],
      chartPackagesDir: flags["chart-packages-dir"],
      chartsDir: flags["charts-dir"],
    },
    io.cwd,
  );
  io.stdout(`${lines.join("\n")}\n`);
  return 0;
}
