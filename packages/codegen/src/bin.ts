// Script entry for the Nx `codegen` target: node --import tsx packages/codegen/src/bin.ts --component metallb --chart-dir ...
import { formatError, isHomelabError } from "@homelab/errors";
import { runCodegenCli } from "./cli.js";

try {
  const { lines } = await runCodegenCli(process.argv.slice(2));
  for (const line of lines) console.log(line);
} catch (error) {
  if (!isHomelabError(error)) throw error;
  console.error(formatError(error));
  process.exitCode = 2;
}
