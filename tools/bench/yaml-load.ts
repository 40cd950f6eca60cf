/**
 * YAML loading at 1, 5 and 50 MB (issue 13): one big mapping (the shape that
 * was quadratic: minutes at 5 MB, past 1 GB without finishing at 50 MB) and
 * many small documents, each read through the one input loader and parsed
 * with positions, in a fresh process so the peak RSS is the case's own.
 * Time per MB stays flat when loading is linear. 50 MB is above the default
 * 16 MiB limit: the bench raises it (HOMELAB_MAX_YAML_BYTES) to measure.
 *
 *   npm run bench -- --yaml          only this scenario
 *   node --import tsx tools/bench/yaml-load.ts   the same, standalone
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadYamlFile } from "@homelab/yaml";

export type YamlShape = "mapping" | "documents";
export interface YamlLoadCase {
  shape: YamlShape;
  mb: number;
  bytes: number;
  ms: number;
  msPerMb: number;
  peakRssMiB: number;
}

const SIZES_MB = [1, 5, 50];

/** ~`mb` MB of YAML: `key<i>: value<i>` lines in one mapping, or ConfigMaps separated by `---`. */
export function yamlOfSize(shape: YamlShape, mb: number): string {
  const target = mb * 1024 * 1024;
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < target; i++) {
    const part =
      shape === "mapping"
        ? `key${i}: value-${i}-${"x".repeat(16)}\n`
        : `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  namespace: apps\ndata:\n  k: v${i}\n`;
    parts.push(part);
    size += part.length;
  }
  return parts.join("");
}

/** One case in this process: time to read and parse, and the process's peak RSS. */
function runOne(shape: YamlShape, mb: number): YamlLoadCase {
  const dir = mkdtempSync(path.join(os.tmpdir(), "homelab-yaml-bench-"));
  try {
    const file = path.join(dir, "big.yaml");
    const text = yamlOfSize(shape, mb);
    writeFileSync(file, text);
    const started = performance.now();
    const loaded = loadYamlFile(file, { display: "big.yaml", maxBytes: 64 * 1024 * 1024 });
    const ms = performance.now() - started;
    if (loaded.kind !== "file" || loaded.source.documents.length === 0) throw new Error("nothing loaded");
    return { shape, mb, bytes: text.length, ms, msPerMb: ms / mb, peakRssMiB: process.resourceUsage().maxRSS / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function yamlLoadScenario(options: { log: (line: string) => void }): { cases: YamlLoadCase[]; text: string } {
  const self = fileURLToPath(import.meta.url);
  const cases: YamlLoadCase[] = [];
  for (const shape of ["mapping", "documents"] as const) {
    for (const mb of SIZES_MB) {
      options.log(`yaml: ${shape}, ${mb} MB`);
      const out = execFileSync(process.execPath, ["--import", "tsx", self, "--one", shape, String(mb)], { encoding: "utf8", maxBuffer: 1024 * 1024 });
      cases.push(JSON.parse(out.trim().split("\n").pop()!) as YamlLoadCase);
    }
  }
  const rows = cases.map((c) => `| ${c.shape} | ${c.mb} MB | ${(c.ms / 1000).toFixed(2)} s | ${Math.round(c.msPerMb)} ms | ${Math.round(c.peakRssMiB)} MiB |`);
  const text = [
    "YAML loading (read through the input loader + parse with positions), fresh process per case",
    "",
    "| shape | size | time | per MB | peak RSS |",
    "|---|---|---|---|---|",
    ...rows,
  ].join("\n");
  return { cases, text };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--one");
  if (at >= 0) {
    process.stdout.write(`${JSON.stringify(runOne(process.argv[at + 1] as YamlShape, Number(process.argv[at + 2])))}\n`);
  } else {
    process.stdout.write(`${yamlLoadScenario({ log: (line) => void process.stderr.write(`${line}\n`) }).text}\n`);
  }
}
