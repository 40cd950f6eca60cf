// The table only: each module here declares its commands' paths, flags and help, and imports nothing heavy;
// a command's implementation (its *.run.ts and the libraries behind it) loads when it runs.
import type { AnyCommand } from "../spec.js";
import { chartsCommands } from "./charts.js";
import { checkCommand } from "./check.js";
import { codegenCommand } from "./codegen.js";
import { diffCommand } from "./diff.js";
import { hydrateCommand } from "./hydrate.js";
import { importCommand } from "./import.js";
import { prReportCommand } from "./pr-report.js";
import { releaseCommands } from "./release.js";
import { renderCommand } from "./render.js";
import { valuesValidateCommand } from "./values.js";

/** Every command of the CLI, in the order help lists them. */
export const COMMANDS: readonly AnyCommand[] = [
  renderCommand,
  hydrateCommand,
  checkCommand,
  diffCommand,
  valuesValidateCommand,
  codegenCommand,
  importCommand,
  prReportCommand,
  ...releaseCommands,
  ...chartsCommands,
];

/** Summaries of the command groups (`homelab charts --help` lists the group's subcommands). */
export const GROUPS: Readonly<Record<string, string>> = {
  values: "Helm values files",
  release: "changesets, the changeset gate, release tags and chart upgrades",
  charts: "the chart lock and the content-addressed chart cache",
};
