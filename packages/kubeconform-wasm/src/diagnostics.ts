import { isHomelabError } from "@homelab/errors";
import { YamlSource, formatPath } from "@homelab/yaml";
import type { ShimFinding } from "./wasm.js";

/** Raw text, so duplicate keys and syntax errors are seen as written. */
export interface ManifestFile {
  file: string;
  text: string;
}

export type DiagnosticCode = "invalid" | "unknown-field" | "duplicate-key" | "syntax" | "missing-schema";

export interface SchemaDiagnostic {
  file: string;
  /** 1-based. */
  line: number;
  column?: number;
  /** 0-based document of the file (a leading comment-only block before `---` is not one). */
  documentIndex: number;
  kind?: string;
  apiVersion?: string;
  name?: string;
  /** Readable path in the document, e.g. `spec.template.spec.containers[0].image`; `(root)` for the document. */
  path: string;
  message: string;
  code: DiagnosticCode;
}

interface Context {
  kubernetesVersion: string;
}

type Segment = string | number;

/** Turns the shim's findings into diagnostics with file, line and column. */
export function toDiagnostics(
  files: readonly { file: string; text: string }[],
  buffers: readonly Buffer[],
  findings: readonly ShimFinding[],
  context: Context,
): SchemaDiagnostic[] {
  const out: SchemaDiagnostic[] = [];
  const chunks = new Map<string, Chunk>();
  for (const finding of findings) {
    const file = files[finding.file]!;
    const buffer = buffers[finding.file]!;
    const key = `${finding.file}:${finding.document}`;
    let chunk = chunks.get(key);
    if (!chunk) {
      chunk = new Chunk(file.file, buffer, finding);
      chunks.set(key, chunk);
    }
    out.push(...diagnose(chunk, finding, context));
  }
  const order = new Map(files.map((f, i) => [f.file, i]));
  return out.sort(
    (a, b) => order.get(a.file)! - order.get(b.file)! || a.line - b.line || (a.column ?? 0) - (b.column ?? 0) || a.message.localeCompare(b.message),
  );
}

/** One kubeconform document, parsed with positions only when it has findings. */
class Chunk {
  readonly line: number;
  readonly documentIndex: number;
  readonly text: string;
  private parsed: { source?: YamlSource; error?: unknown } | undefined;

  constructor(
    readonly file: string,
    buffer: Buffer,
    finding: ShimFinding,
  ) {
    this.text = buffer.subarray(finding.start, finding.end).toString("utf8");
    let line = 1;
    for (let i = 0; i < finding.start; i++) if (buffer[i] === 0x0a) line++;
    this.line = line;
    this.documentIndex = finding.document > 0 && leadingCommentOnly(buffer) ? finding.document - 1 : finding.document;
  }

  source(): { source?: YamlSource; error?: unknown } {
    if (!this.parsed) {
      try {
        this.parsed = { source: YamlSource.parse(this.text, this.file) };
      } catch (error) {
        this.parsed = { error };
      }
    }
    return this.parsed;
  }

  /** File position of a path (the deepest part that exists). */
  locate(path: readonly Segment[]): { line: number; column: number } {
    const source = this.source().source;
    if (!source) return { line: this.line, column: 1 };
    const at = source.locate(0, path);
    return { line: this.line + at.line - 1, column: at.column };
  }

  value(): unknown {
    return this.source().source?.documents[0]?.value;
  }
}

/** `# header\n---\nkind: ...`: kubeconform counts the header as a document, YAML does not. */
function leadingCommentOnly(buffer: Buffer): boolean {
  const text = buffer.toString("utf8", 0, Math.min(buffer.length, 64 * 1024));
  const separator = text.search(/\n---/);
  if (separator < 0) return false;
  return text
    .slice(0, separator)
    .split("\n")
    .every((line) => /^\s*(#.*)?$/.test(line));
}

function diagnose(chunk: Chunk, finding: ShimFinding, context: Context): SchemaDiagnostic[] {
  const prefix: Segment[] = finding.item >= 0 ? ["items", finding.item] : [];
  const base = {
    file: chunk.file,
    documentIndex: chunk.documentIndex,
    ...(finding.kind ? { kind: finding.kind } : {}),
    ...(finding.apiVersion ? { apiVersion: finding.apiVersion } : {}),
    ...(finding.name ? { name: finding.name } : {}),
  };
  const at = (path: Segment[], code: DiagnosticCode, message: string): SchemaDiagnostic => {
    const position = chunk.locate(path);
    return { ...base, line: position.line, column: position.column, path: formatPath(path), message, code };
  };
  const err = finding.err ?? "";

  if (finding.status === "error") {
    if (err.startsWith("error unmarshalling resource")) return [yamlProblem(chunk, base, err)];
    if (err.startsWith("could not find schema for")) {
      const what = [finding.apiVersion, finding.kind].filter(Boolean).join(" ");
      return [
        at(
          [...prefix, "kind"],
          "missing-schema",
          `no schema for ${what} (Kubernetes ${context.kubernetesVersion} core schemas and CRD schemas searched): unknown apiVersion/kind, or add its CRD schema, or skip the kind with a reason`,
        ),
      ];
    }
    const missingKey = /missing '(kind|apiVersion)' key/.exec(err);
    if (missingKey) return [at(prefix, "invalid", `missing required key "${missingKey[1]}"`)];
    return [at(prefix, "invalid", err)];
  }

  const errors = finding.errors ?? [];
  if (errors.length === 0) return [at(prefix, "invalid", err.replace(/^problem validating schema\. Check JSON formatting: /, ""))];
  const value = itemValue(chunk.value(), prefix);
  const out: SchemaDiagnostic[] = [];
  for (const error of errors) {
    const path = [...prefix, ...resolvePointer(value, error.path)];
    const extra = /^additional properties (.*) not allowed$/.exec(error.msg);
    if (extra) {
      for (const name of quotedNames(extra[1]!)) {
        const what = [finding.apiVersion, finding.kind].filter(Boolean).join(" ");
        out.push(at([...path, name], "unknown-field", `unknown field "${name}" (not in the ${what} schema)`));
      }
    } else {
      out.push(at(path, "invalid", error.msg));
    }
  }
  return out;
}

function yamlProblem(chunk: Chunk, base: Omit<SchemaDiagnostic, "line" | "path" | "message" | "code">, goError: string): SchemaDiagnostic {
  const { error } = chunk.source();
  if (isHomelabError(error) && error.position?.line !== undefined) {
    const duplicate = error.message.startsWith("duplicate key");
    const key = /key "(.*?)" already set/.exec(goError)?.[1];
    return {
      ...base,
      line: chunk.line + error.position.line - 1,
      ...(error.position.column !== undefined ? { column: error.position.column } : {}),
      path: formatPath([]),
      message: duplicate && key !== undefined ? `duplicate key "${key}"` : error.message,
      code: duplicate ? "duplicate-key" : "syntax",
    };
  }
  // The YAML 1.2 parser accepted what Go's YAML 1.1 parser (the one kubectl uses) did not: trust Go.
  const detail = goError.replace(/^error unmarshalling resource: (error converting YAML to JSON: )?/, "").replace(/\s+/g, " ");
  const line = /line (\d+)/.exec(detail);
  return {
    ...base,
    line: chunk.line + (line ? Number(line[1]) - 1 : 0),
    path: formatPath([]),
    message: detail.replace(/^yaml: /, ""),
    code: /already set in map/.test(detail) ? "duplicate-key" : "syntax",
  };
}

function itemValue(value: unknown, prefix: readonly Segment[]): unknown {
  let node = value;
  for (const segment of prefix) node = (node as Record<string | number, unknown> | undefined)?.[segment];
  return node;
}

/**
 * kubeconform joins path parts with "/" without escaping them, so the key
 * `app.kubernetes.io/name` arrives as two parts; the document tells them apart.
 */
export function resolvePointer(value: unknown, pointer: string): Segment[] {
  const parts = pointer === "" ? [] : pointer.replace(/^\//, "").split("/");
  const out: Segment[] = [];
  let node = value;
  for (let i = 0; i < parts.length; i++) {
    if (Array.isArray(node) && /^\d+$/.test(parts[i]!)) {
      out.push(Number(parts[i]));
      node = node[Number(parts[i])];
      continue;
    }
    let key = parts[i]!;
    if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      let j = i;
      while (!(key in record) && j + 1 < parts.length) key += `/${parts[++j]}`;
      if (key in record) {
        i = j;
        out.push(key);
        node = record[key];
        continue;
      }
      key = parts[i]!;
    }
    out.push(key);
    node = undefined;
  }
  return out;
}

/** `'a', 'b\'c'` → ["a", "b'c"] (jsonschema's quoting of property names). */
function quotedNames(list: string): string[] {
  const names: string[] = [];
  for (const match of list.matchAll(/'((?:[^'\\]|\\.)*)'/g)) {
    names.push(match[1]!.replace(/\\'/g, "'").replace(/\\\\/g, "\\"));
  }
  return names.length ? names : [list];
}
