/**
 * The Kubernetes objects in rendered or committed YAML, as the API server
 * would read them (YAML 1.1 over go-yaml, JSON-compatible): parsed here, or
 * taken as the Helm engine already converted them.
 */
import { ErrorCode, HomelabError } from "@homelab/errors";
import { GO_YAML } from "@homelab/yaml";
import { parseAllDocuments } from "yaml";

export interface ParsedDocument {
  content: string;
  value: Record<string, unknown>;
}

/**
 * Parsed documents by their exact text, for one hydrate run: the fixed-point
 * passes and the determinism render give mostly the same bytes again, and
 * parsing is a pure function of them, so each distinct text is parsed once.
 * Only successful parses are kept (an error names the Application it came from).
 */
export type DocumentCache = Map<string, ParsedDocument[]>;

export function parseCached(cache: DocumentCache, text: string, where: { file: string; what: string }): ParsedDocument[] {
  let docs = cache.get(text);
  if (!docs) {
    docs = parseDocuments(text, where);
    cache.set(text, docs);
  }
  return docs;
}

/** The documents of a rendered template or a manifest file, as the API server would read them (YAML 1.1, JSON-compatible). */
export function parseDocuments(text: string, where: { file: string; what: string }): ParsedDocument[] {
  const out: ParsedDocument[] = [];
  const docs = parseAllDocuments(text, GO_YAML);
  for (const doc of Array.isArray(docs) ? docs : []) {
    const error = doc.errors[0];
    if (error) {
      throw new HomelabError(ErrorCode.Syntax, `${where.what} is not valid YAML: ${error.message.split("\n")[0]}`, { position: { file: where.file } });
    }
    const value = doc.toJS(GO_YAML) as unknown;
    if (value === null || value === undefined) continue;
    // trimEnd, not /\s+$/: the regex retries at every whitespace run of a megabyte CRD (quadratic in practice).
    const content = text
      .slice(doc.range[0], doc.range[2])
      .replace(/^---[^\n]*\n/, "")
      .trimEnd();
    out.push({ content, value: kubernetesObject(value, where) });
  }
  return out;
}

function kubernetesObject(value: unknown, where: { file: string; what: string }): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HomelabError(ErrorCode.Syntax, `${where.what} holds a document that is not a Kubernetes object`, { position: { file: where.file } });
  }
  const record = value as Record<string, unknown>;
  // A `kind: List` is applied item by item.
  if (typeof record.kind === "string" && record.kind.endsWith("List") && Array.isArray(record.items)) {
    throw new HomelabError(ErrorCode.Syntax, `${where.what} holds a ${record.kind}; homelab hydrate expects one object per document`, {
      position: { file: where.file },
    });
  }
  return record;
}

/**
 * A document the engine already converted (`value`), with the text
 * parseDocuments would give it: from its first node, or, after a leading
 * `---` line, everything after that line (comments included, as the parser's
 * range has them). Anything else is parsed here after all.
 */
export function engineDocument(cache: DocumentCache, text: string, value: unknown, where: { file: string; what: string }): ParsedDocument[] {
  if (value === null) return parseCached(cache, text, where);
  let start = LEADING_COMMENTS.exec(text)![0].length;
  const marker = DOCUMENT_MARKER.exec(text.slice(start));
  if (marker) start += marker[0].length;
  else if (!/^[A-Za-z0-9_"']/.test(text.slice(start, start + 1))) return parseCached(cache, text, where);
  return [{ content: text.slice(start).trimEnd(), value: kubernetesObject(value, where) }];
}

/** Blank and comment lines before a document's first node. */
const LEADING_COMMENTS = /^(?:[ \t]*(?:#[^\n]*)?\n)*/;
/** A bare document start line (the engine skips the same one: crdDocumentJSON in packages/helm/go). */
const DOCUMENT_MARKER = /^---[ \t]*(?:#[^\n]*)?\n/;
