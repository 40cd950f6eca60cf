import { ErrorCode, HomelabError } from "@homelab/errors";
import { documentMemoKey, type DocumentMemo, type StoredDocument } from "./memo.js";
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from "yaml";
import { GO_YAML } from "./go-yaml.js";

export type JsonPath = readonly (string | number)[];

export interface YamlDocument {
  /** 0-based position of the document in its file (items of an expanded List follow the file's documents). */
  index: number;
  /** The plain JavaScript value (null for an empty document, and for a List whose items were expanded). */
  value: unknown;
  /** 1-based line where the document starts. */
  line: number;
  readonly node: Document.Parsed;
  /** For an item of an expanded `kind: List`: the document holding it and the item's path in it. */
  readonly parent?: { index: number; path: JsonPath };
}

export interface YamlParseOptions {
  /**
   * Alias expansions allowed per document (a "billion laughs" file is an
   * error, not a hang). Default {@link DEFAULT_MAX_ALIAS_COUNT}.
   */
  maxAliasCount?: number;
  /**
   * Read the values as Helm, kubectl and the API server do (go-yaml v2, YAML
   * 1.1: `0755` is 493, `on` is true) instead of YAML 1.2: for objects a
   * chart rendered, whose meaning is the one the cluster gives them.
   */
  goYaml?: boolean;
  /**
   * `kind: List` (and `*List` kinds with `items`, as kubectl writes them): each
   * item becomes a document of its own, so policies see a Secret inside a List.
   * The List document then carries null. Off by default (values files are no lists).
   */
  expandLists?: boolean;
  /**
   * Documents remembered by content (memo.ts): a text parsed before with the
   * same options is not parsed again until a position or syntax node is asked for.
   */
  memo?: DocumentMemo;
  /**
   * Keep the documents' values and lines only, and parse the text again the
   * first time a position or syntax node is asked for (a finding's line): a
   * tree of thousands of files then does not hold every syntax tree (about
   * 50 MB at 500 components). Default false.
   */
  positionsOnDemand?: boolean;
}

export const DEFAULT_MAX_ALIAS_COUNT = 1000;

/** A parsed YAML file that can answer "which line is this path on". */
export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly documents: readonly YamlDocument[];
  /** Absent for a source from the memo until `parsed()` has run. */
  private lines: LineCounter | undefined;
  private reparsed: YamlSource | undefined;

  private constructor(
    file: string,
    text: string,
    documents: YamlDocument[],
    lines: LineCounter | undefined,
    private readonly options: YamlParseOptions,
  ) {
    this.file = file;
    this.text = text;
    this.documents = documents;
    this.lines = lines;
  }

  /**
   * Parses every document of a file. Syntax errors, duplicate keys, alias
   * bombs and nesting too deep to walk throw a HomelabError at the first
   * offending position. Time and memory are linear in the size of the text.
   * With a memo, a text it knows comes back without parsing.
   */
  static parse(text: string, file: string, options: YamlParseOptions = {}): YamlSource {
    const { memo, positionsOnDemand = false, ...parseOptions } = options;
    const key = memo ? documentMemoKey(text, parseOptions) : undefined;
    const known = key === undefined ? undefined : memo!.get(key);
    if (known) return YamlSource.fromStored(text, file, known, parseOptions);
    const source = YamlSource.parseText(text, file, parseOptions);
    if (key === undefined && !positionsOnDemand) return source;
    const stored = source.documents.map((d) => ({ index: d.index, value: d.value, line: d.line, ...(d.parent ? { parent: d.parent } : {}) }));
    if (key !== undefined) memo!.set(key, stored);
    return positionsOnDemand ? YamlSource.fromStored(text, file, stored, parseOptions) : source;
  }

  /** Documents as the memo kept them; their syntax nodes come from one parse, the first time one is read. */
  private static fromStored(text: string, file: string, stored: readonly StoredDocument[], options: YamlParseOptions): YamlSource {
    const documents: YamlDocument[] = [];
    const source = new YamlSource(file, text, documents, undefined, options);
    for (const doc of stored) {
      documents.push({
        index: doc.index,
        value: doc.value,
        line: doc.line,
        ...(doc.parent ? { parent: doc.parent } : {}),
        get node(): Document.Parsed {
          return source.parsed().documents[doc.index]!.node;
        },
      });
    }
    return source;
  }

  /** This text parsed with positions (a source from the memo parses it now, once). */
  private parsed(): YamlSource {
    if (this.lines) return this;
    this.reparsed ??= YamlSource.parseText(this.text, this.file, this.options);
    return this.reparsed;
  }

  private static parseText(text: string, file: string, options: YamlParseOptions): YamlSource {
    const lines = new LineCounter();
    const at = (offset: number): { file: string; line: number; column: number } => {
      const pos = lines.linePos(offset);
      return { file, line: pos.line, column: pos.col };
    };
    let docs: Document.Parsed[];
    try {
      // uniqueKeys off: the library compares each key with every earlier one (quadratic); duplicateKey() is linear.
      const parsed = parseAllDocuments(text, {
        ...(options.goYaml ? GO_YAML : { version: "1.2" as const }),
        lineCounter: lines,
        uniqueKeys: false,
        prettyErrors: false,
      });
      docs = Array.isArray(parsed) ? parsed : [];
    } catch (error) {
      throw tooDeep(error, { file, line: 1 });
    }
    const documents: YamlDocument[] = [];
    const maxAliasCount = options.maxAliasCount ?? DEFAULT_MAX_ALIAS_COUNT;
    docs.forEach((doc, index) => {
      const problem = doc.errors[0];
      const duplicate = duplicateKey(doc);
      if (duplicate && (!problem || duplicate.offset < problem.pos[0])) {
        throw new HomelabError(ErrorCode.Syntax, `duplicate key ${JSON.stringify(duplicate.key)}`, { position: at(duplicate.offset) });
      }
      if (problem) {
        // The library records its own stack overflow on deep nesting as a document error.
        const message = /Maximum call stack/.test(problem.message) ? TOO_DEEP : firstLine(problem.message);
        throw new HomelabError(ErrorCode.Syntax, message, { position: at(problem.pos[0]) });
      }
      const start = doc.contents?.range?.[0] ?? doc.range[0];
      let value: unknown;
      try {
        value = doc.toJS({ maxAliasCount }) as unknown;
      } catch (error) {
        throw valueError(error, at(start), maxAliasCount);
      }
      documents.push({ index, value, line: lines.linePos(start).line, node: doc });
    });
    // A file of comments only or a trailing `---` yields empty documents: keep them for indexing, they carry null.
    if (options.expandLists) expandListItems(documents, lines);
    return new YamlSource(file, text, documents, lines, options);
  }

  /** Documents that hold a value (empty ones, e.g. after a trailing `---`, are skipped). */
  nonEmpty(): YamlDocument[] {
    return this.documents.filter((d) => d.value !== null && d.value !== undefined);
  }

  /**
   * 1-based line and column of the node at `path` in document `index`. A path
   * that does not exist (a missing required key) resolves to its deepest
   * existing ancestor, which is where the user has to add it.
   */
  locate(index: number, path: JsonPath): { line: number; column: number } {
    if (!this.lines) return this.parsed().locate(index, path);
    const doc = this.documents[index];
    if (!doc) return { line: 1, column: 1 };
    let node: unknown = doc.node.contents;
    let offset = doc.node.contents?.range?.[0] ?? 0;
    for (const segment of [...(doc.parent?.path ?? []), ...path]) {
      const next = childOf(node, segment);
      if (!next) break;
      node = next.value;
      offset = next.offset;
    }
    const at = this.lines.linePos(offset);
    return { line: at.line, column: at.col };
  }
}

/** Where a child node starts: a map entry points at its key so the line names the key the user wrote. */
function childOf(node: unknown, segment: string | number): { value: unknown; offset: number } | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      if (String(key) === String(segment)) {
        const keyNode = pair.key as Node | null;
        const offset = keyNode?.range?.[0] ?? (pair.value as Node | null)?.range?.[0] ?? 0;
        return { value: pair.value, offset };
      }
    }
    return undefined;
  }
  if (isSeq(node)) {
    const item = node.items[Number(segment)] as Node | undefined;
    if (!item) return undefined;
    return { value: item, offset: item.range?.[0] ?? 0 };
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.replace(/ at line \d+, column \d+:?$/, "");
}

/** A scalar key's identity: `1` and `"1"` are different keys, as the YAML library sees them. */
const keyId = (key: unknown): unknown => (isScalar(key) ? key.value : key);

/**
 * The first repeated key of a document (in source order), in one pass over
 * its nodes with a set per mapping. Iterative: a deeply nested file does not
 * overflow the stack here.
 */
function duplicateKey(doc: Document.Parsed): { key: string; offset: number } | undefined {
  let first: { key: string; offset: number } | undefined;
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const id = keyId(pair.key);
        if (seen.has(id)) {
          const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
          if (!first || offset < first.offset) first = { key: String(id), offset };
          break;
        }
        seen.add(id);
        // Complex keys (a mapping as key) are compared by identity above; their content is still scanned.
        if (isMap(pair.key) || isSeq(pair.key)) stack.push(pair.key);
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return first;
}

/** A List kind as kubectl writes them: `List`, or `<Kind>List` with an `items` array. */
function isListObject(value: unknown): value is { items: unknown[] } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return typeof v.apiVersion === "string" && typeof v.kind === "string" && /List$/.test(v.kind) && Array.isArray(v.items);
}

function expandListItems(documents: YamlDocument[], lines: LineCounter): void {
  const count = documents.length;
  for (let i = 0; i < count; i++) {
    const list = documents[i]!;
    if (!isListObject(list.value)) continue;
    const itemsNode = childOf(list.node.contents, "items")?.value;
    list.value.items.forEach((item, j) => {
      if (item === null || item === undefined) return;
      const itemNode = isSeq(itemsNode) ? (itemsNode.items[j] as Node | undefined) : undefined;
      documents.push({
        index: documents.length,
        value: item,
        line: itemNode?.range ? lines.linePos(itemNode.range[0]).line : list.line,
        node: list.node,
        parent: { index: list.index, path: ["items", j] },
      });
    });
    list.value = null;
  }
}

const TOO_DEEP = "YAML nested too deeply to read";

function tooDeep(error: unknown, position: { file: string; line: number; column?: number }): unknown {
  if (error instanceof RangeError) {
    return new HomelabError(ErrorCode.Syntax, TOO_DEEP, { position, cause: error });
  }
  return error;
}

/** toJS() failures are properties of the input: an alias bomb, an alias without its anchor, nesting too deep. */
function valueError(error: unknown, position: { file: string; line: number; column: number }, maxAliasCount: number): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (/Excessive alias count/.test(message)) {
    return new HomelabError(
      ErrorCode.Syntax,
      `too many alias expansions (more than ${maxAliasCount}): an alias bomb, or a document that needs its aliases written out`,
      {
        position,
        cause: error,
      },
    );
  }
  if (error instanceof ReferenceError) return new HomelabError(ErrorCode.Syntax, firstLine(message), { position, cause: error });
  return tooDeep(error, position);
}

/** JSON Pointer (RFC 6901, as ajv reports instancePath) to path segments. */
export function pointerToPath(pointer: string): string[] {
  if (pointer === "" || pointer === "/") return [];
  return pointer
    .replace(/^\//, "")
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/** Path segments to a readable dotted path: `spec.ports[0].name`. */
export function formatPath(path: JsonPath): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number" || /^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out || "(root)";
}
