import { spawn, spawnSync } from "node:child_process";

export interface Stat {
  /** Milliseconds. */
  median: number;
  min: number;
  max: number;
  runs: number[];
}

export function stat(runs: number[]): Stat {
  const sorted = [...runs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs };
}

/** Runs `fn` `runs` times (after `before` each time, untimed) and returns the spread in ms. */
export async function measure(runs: number, fn: (run: number) => unknown | Promise<unknown>, before?: (run: number) => unknown): Promise<Stat> {
  const times: number[] = [];
  for (let run = 0; run < runs; run++) {
    before?.(run);
    const start = performance.now();
    await fn(run);
    times.push(performance.now() - start);
  }
  return stat(times);
}

/** Environment of every Nx run: no daemon (what CI sees), no Nx Cloud, plain output. */
export const NX_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  NX_DAEMON: "false",
  NX_NO_CLOUD: "true",
  NX_TUI: "false",
  // Plugins in the Nx process instead of one worker process each: ~3 s less graph computation per
  // run on two cores (see README "Performance").
  NX_ISOLATE_PLUGINS: "false",
  NX_VERBOSE_LOGGING: "false",
};

/** Runs a command to completion; a failure throws with the end of its output. */
export function run(
  cmd: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; allowFailure?: boolean },
): { status: number; stdout: string } {
  const result = spawnSync(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, encoding: "utf8", maxBuffer: 512 * 1024 * 1024 });
  const status = result.status ?? 1;
  if (status !== 0 && !options.allowFailure) {
    const tail = `${result.stdout ?? ""}\n${result.stderr ?? ""}`.split("\n").slice(-30).join("\n");
    throw new Error(`${cmd} ${args.join(" ")} (in ${options.cwd}) exited ${status}:\n${tail}`);
  }
  return { status, stdout: result.stdout ?? "" };
}

export const seconds = (ms: number): string => (ms >= 10_000 ? (ms / 1000).toFixed(1) : (ms / 1000).toFixed(2));
export const fmt = (s: Stat | undefined): string => (s ? `${seconds(s.median)} (${seconds(s.min)}–${seconds(s.max)})` : "–");

/** `run` without blocking the event loop (an in-process server must keep answering the child). */
export function runAsync(cmd: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (out += d.toString()));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${cmd} ${args.join(" ")} exited ${code}:\n${out.split("\n").slice(-30).join("\n")}`)),
    );
  });
}
