import type { CommandSpec } from "../spec.js";
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
export const COMMANDS: readonly CommandSpec[] = [
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
