import { ErrorCode, HomelabError } from "@homelab/errors";
import { LineCounter, isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node } from "yaml";

export type JsonPath = readonly (string | number)[];

export interface YamlDocument {
  /** 0-based position of the document in its file. */
  index: number;
  /** The plain JavaScript value (null for an empty document). */
  value: unknown;
  /** 1-based line where the document starts. */
  line: number;
  readonly node: Document.Parsed;
}

/** A parsed YAML file that can answer "which line is this path on". */
export class YamlSource {
  readonly file: string;
  readonly text: string;
  readonly documents: readonly YamlDocument[];
  private readonly lines: LineCounter;

  private constructor(file: string, text: string, documents: YamlDocument[], lines: LineCounter) {
    this.file = file;
    this.text = text;
    this.documents = documents;
    this.lines = lines;
  }

  /**
   * Parses every document of a file. Syntax errors and duplicate keys throw a
   * HomelabError at the first offending position.
   */
  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    const parsed = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false, version: "1.2" });
    const docs = Array.isArray(parsed) ? parsed : [];
    const documents: YamlDocument[] = [];
    docs.forEach((doc, index) => {
      const problem = doc.errors[0];
      if (problem) {
        const at = lines.linePos(problem.pos[0]);
        const message = problem.code === "DUPLICATE_KEY" ? duplicateKeyMessage(problem.message) : firstLine(problem.message);
        throw new HomelabError(ErrorCode.Syntax, message, { position: { file, line: at.line, column: at.col } });
      }
      const start = doc.contents?.range?.[0] ?? doc.range[0];
      documents.push({ index, value: doc.toJS({ maxAliasCount: 1000 }) as unknown, line: lines.linePos(start).line, node: doc });
    });
    // A file of comments only or a trailing `---` yields empty documents: keep them for indexing, they carry null.
    return new YamlSource(file, text, documents, lines);
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
    const doc = this.documents[index];
    if (!doc) return { line: 1, column: 1 };
    let node: unknown = doc.node.contents;
    let offset = doc.node.contents?.range?.[0] ?? 0;
    for (const segment of path) {
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

function duplicateKeyMessage(message: string): string {
  return `duplicate key: ${firstLine(message)}`;
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
