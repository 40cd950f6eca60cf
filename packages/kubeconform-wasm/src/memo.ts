/**
 * A content-addressed memo of files that validated clean. Validation of a file
 * depends only on its text, the engine, the configuration and the schemas, so
 * the key is a digest of all four: any change to one of them is a miss, never a
 * stale pass. Only clean files are remembered (a file with findings is validated
 * again, and a run that fails is not the one to make fast). The charts' 116 CRDs
 * are 11 MB of the cluster's YAML and the same on every run until a chart moves.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { openGeneration, statTree } from "@homelab/workspace";

export interface ValidationMemo {
  /** Whether `text` validated clean under this memo's engine, configuration and schemas. */
  isClean(text: string): boolean;
  /** Remembers `text` as clean. Never throws: a memo that cannot be written is only slower. */
  rememberClean(text: string): void;
}

/**
 * Opens the memo under `dir` for one validator: `engine` names the build of the
 * module, `config` what it was configured with, `schemaDirs` the folders its
 * schemas come from (by each file's size and mtime: a regenerated schema is a miss).
 */
export function openMemo(dir: string, engine: string, config: unknown, schemaDirs: readonly string[]): ValidationMemo {
  const base = createHash("sha256").update(engine).update("\0").update(JSON.stringify(config)).update("\0");
  for (const schemaDir of schemaDirs) statTree(base.update(`dir ${schemaDir}\0`), schemaDir);
  const prefix = base.digest("hex");
  // One folder per engine, configuration and schema set: the older ones are dropped whole.
  const generation = openGeneration(dir, prefix.slice(0, 16));
  const entry = (text: string): string => {
    const key = createHash("sha256").update(prefix).update("\0").update(text).digest("hex");
    return path.join(generation, key.slice(0, 2), key.slice(2));
  };
  return {
    isClean: (text) => existsSync(entry(text)),
    rememberClean(text) {
      const file = entry(text);
      try {
        mkdirSync(path.dirname(file), { recursive: true });
        // An empty file is the whole entry: creating it is atomic, and two writers agree.
        closeSync(openSync(file, "a"));
      } catch {
        // Read-only or full cache folder: validation is still right, only not remembered.
      }
    },
  };
}
