import path from "node:path";
import { check, formatResult } from "@homelab/check";
import { findRoot } from "@homelab/core";
import type { Io } from "../spec.js";
import type { CheckArgs } from "./check.js";

export async function run(args: CheckArgs, io: Io): Promise<number> {
  const positional = args.positionals[0];
  const dir = positional ? path.resolve(io.cwd, positional) : args.flags.root !== undefined ? path.resolve(io.cwd, args.flags.root) : findRoot(io.cwd);
  const result = await check({
    dir,
    ...(args.flags["public-class"].length > 0 ? { publicClasses: args.flags["public-class"] } : {}),
    ...(args.flags.component.length > 0 ? { components: args.flags.component } : {}),
    schema: !args.flags["no-schema"],
    policy: !args.flags["no-policy"],
    cache: !args.flags["no-cache"],
  });
  io.stdout(formatResult(result, args.flags.format ?? "text"));
  return result.exitCode;
}
