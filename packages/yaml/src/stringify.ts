import { Document } from "yaml";

/**
 * Output options fixed here so the same object gives the same bytes on every
 * machine: no line folding (lineWidth 0), YAML 1.2, two-space indent, plain
 * keys, block sequences indented under their key as kubectl prints them.
 */
const OUTPUT_OPTIONS = {
  version: "1.2",
  lineWidth: 0,
  minContentWidth: 0,
  indent: 2,
  indentSeq: true,
  defaultKeyType: "PLAIN",
  defaultStringType: "PLAIN",
  singleQuote: false,
  nullStr: "null",
  trueStr: "true",
  falseStr: "false",
} as const;

/** One YAML document, ending in a newline. `undefined` members are dropped. */
export function stringifyYaml(value: unknown): string {
  // No anchors/aliases for objects used twice: each place reads on its own, and ArgoCD/Helm users expect plain YAML.
  const doc = new Document(value, { version: "1.2", keepUndefined: false, aliasDuplicateObjects: false });
  return doc.toString(OUTPUT_OPTIONS);
}

/** Several documents separated by `---`, optionally after a comment header. */
export function stringifyYamlDocuments(values: readonly unknown[], header?: string): string {
  const parts = values.map((value) => stringifyYaml(value));
  const body = parts.join("---\n");
  return header ? `${commentBlock(header)}${body}` : body;
}

/** Turns text into `# ` comment lines. */
export function commentBlock(text: string): string {
  return text
    .split("\n")
    .map((line) => (line.length ? `# ${line}` : "#"))
    .join("\n")
    .concat("\n");
}
