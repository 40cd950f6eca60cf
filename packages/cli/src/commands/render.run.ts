import { findRoot, render, renderCheck, type HandEdits } from "@homelab/core";
import { UsageError } from "@homelab/errors";
import type { Io } from "../spec.js";
import type { RenderArgs } from "./render.js";

export async function run(args: RenderArgs, io: Io): Promise<number> {
  const root = args.flags.root ?? findRoot(io.cwd);
  const components = args.positionals;
  if (args.flags.check) {
    const changes = await renderCheck({ root, components });
    const lines = [...changes.changed.map((f) => `  changed  ${f}`), ...changes.stale.map((f) => `  stale    ${f}`)];
    if (lines.length === 0) {
      io.stdout("render --check: committed output is current\n");
      return 0;
    }
    io.stdout(
      `render --check: ${lines.length} file(s) differ from a fresh render:\n${lines.join("\n")}\nrun \`npx nx run-many -t render\` and commit the result\n`,
    );
    return 1;
  }
  if (args.flags.force && args.flags.keep) throw new UsageError("--force and --keep exclude each other", "--force overwrites hand edits, --keep keeps them");
  const handEdits: HandEdits = args.flags.force ? "force" : args.flags.keep ? "keep" : "refuse";
  const result = await render({ root, components, handEdits });
  if (result.recovered) io.stderr("render: completed an interrupted render from .homelab/journal.json first\n");
  for (const kept of result.kept) io.stderr(`render: kept ${kept.path}: ${kept.reason}\n`);
  for (const file of result.overwritten) io.stderr(`render: overwrote hand edits in ${file} (--force)\n`);
  const parts = [`${result.written} file(s) written`, `${result.stale.length} stale file(s) removed`];
  if (result.removedComponents.length) parts.push(`pruned removed component(s) ${result.removedComponents.join(", ")}`);
  io.stdout(`render: ${parts.join(", ")}\n`);
  if (result.unowned.length > 0) {
    io.stderr(`render: left alone ${result.unowned.length} file(s) it did not write:\n${result.unowned.map((f) => `  ${f}`).join("\n")}\n`);
  }
  return 0;
}
