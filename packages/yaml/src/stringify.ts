import { Document, Scalar, parse, visit } from "yaml";
import { GO_YAML } from "./go-yaml.js";

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
  visit(doc, {
    Scalar(_key, node) {
      if (typeof node.value === "string" && goYamlReadsOtherwise(node.value)) node.type = Scalar.QUOTE_DOUBLE;
    },
  });
  return doc.toString(OUTPUT_OPTIONS);
}

const YAML_11_WORDS = /^(?:[yYnN~]|yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE|null|Null|NULL|<<|=)$/;

/**
 * Whether a string written plain would be read as something else by the
 * readers of what we write: Helm, kubectl and ArgoCD read YAML through
 * sigs.k8s.io/yaml over go-yaml v2, which resolves YAML 1.1 plain scalars
 * (`on`, `yes`, `n` are booleans, `0755` octal, `1_000` an integer, `<<` a
 * merge key; dates stay strings) and Go's own integer syntax (`0o17`). YAML 1.2 output quotes only
 * what 1.2 would misread, so `enabled: "on"` reached Helm as `true`.
 */
export function goYamlReadsOtherwise(text: string): boolean {
  if (YAML_11_WORDS.test(text)) return true;
  if (!/^[-+.0-9]/.test(text) || text.length > 64) return false;
  if (/^[-+]?0[oO][0-7_]+$/.test(text)) return true;
  return parse(text, GO_YAML) !== text;
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
