/**
 * A memo of parsed YAML: each file's documents (values, lines, List items) by
 * a digest of its text and the parse options, so a run over an unchanged tree
 * does not parse it again (positions cost about 0.4 s per MB). Syntax trees
 * are not kept: a source from the memo parses its text the first time a
 * position is asked for (a finding's line), which most files never are.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import v8 from "node:v8";
import { writeFileAtomic } from "@homelab/workspace";
import type { JsonPath, YamlParseOptions } from "./source.js";

/** A document as the memo keeps it: YamlDocument without its syntax node. */
export interface StoredDocument {
  index: number;
  value: unknown;
  line: number;
  parent?: { index: number; path: JsonPath };
}

export interface DocumentMemo {
  get(key: string): readonly StoredDocument[] | undefined;
  set(key: string, documents: readonly StoredDocument[]): void;
  /**
   * Writes the entries this run used or added, if it added any or left some
   * unused (a changed or deleted file's): the memo holds one tree's files, not
   * every version ever read. Never throws: a memo that cannot be written is
   * only slower.
   */
  save(): void;
}

/**
 * Bump when what YamlSource.parse makes of a text changes (values, lines,
 * List expansion), so no run reads documents of the old form.
 */
const DERIVATION = 1;
const MEMO_FILE = "documents.v8";

let parserVersion: string | undefined;
/** The YAML library's version: another release may read a text otherwise. */
function yamlVersion(): string {
  parserVersion ??= (JSON.parse(readFileSync(createRequire(import.meta.url).resolve("yaml/package.json"), "utf8")) as { version: string }).version;
  return parserVersion;
}

/** What the documents of `text` parsed with `options` are remembered under. */
export function documentMemoKey(text: string, options: Omit<YamlParseOptions, "memo">): string {
  const { goYaml = false, expandLists = false, maxAliasCount = null } = options;
  return createHash("sha256")
    .update(JSON.stringify([DERIVATION, yamlVersion(), goYaml, expandLists, maxAliasCount]))
    .update("\0")
    .update(text)
    .digest("base64url");
}

/** The memo kept in `dir` (created on save); an unreadable or foreign file is an empty memo. */
export function openDocumentMemo(dir: string): DocumentMemo {
  const file = path.join(dir, MEMO_FILE);
  // Entries stay serialized (one buffer each) until asked for, and are serialized when added: a caller that
  // changes a document's value later in the run cannot change what the memo hands the next run.
  let known = new Map<string, Uint8Array>();
  try {
    const stored = v8.deserialize(readFileSync(file)) as unknown;
    if (stored instanceof Map) known = stored as Map<string, Uint8Array>;
  } catch {
    // Absent, or written by another Node: nothing remembered.
  }
  const used = new Map<string, Uint8Array>();
  let added = 0;
  return {
    get(key) {
      const entry = known.get(key);
      if (!entry) return undefined;
      try {
        const documents = v8.deserialize(entry) as readonly StoredDocument[];
        used.set(key, entry);
        return documents;
      } catch {
        return undefined;
      }
    },
    set(key, documents) {
      used.set(key, v8.serialize(documents));
      added++;
    },
    save() {
      if (added === 0 && used.size === known.size) return;
      try {
        // Whole or not at all: a reader never sees half a memo, and of two writers the last one wins.
        writeFileAtomic(file, v8.serialize(used));
        known = new Map(used);
        added = 0;
      } catch {
        // A memo that cannot be written is only slower.
      }
    },
  };
}
