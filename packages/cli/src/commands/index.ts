import type { CommandSpec } from "../spec.js";
import { prReportCommand } from "./pr-report.js";
import { renderCommand } from "./render.js";

/** Every command of the CLI, in the order help lists them. */
export const COMMANDS: readonly CommandSpec[] = [renderCommand, prReportCommand];
