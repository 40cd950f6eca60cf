import fc from "fast-check";

/**
 * Generators of hostile-but-plausible YAML input for property tests and the
 * fuzzer: fragments a YAML parser and the check pipeline have to cope with
 * (anchors and aliases, flow and block collections, duplicate keys, List
 * kinds, Kubernetes objects, control characters, tabs, BOMs, deep nesting),
 * and raw bytes (invalid UTF-8 included).
 */
const FRAGMENTS = [
  "a",
  "b",
  "key",
  "apiVersion: v1",
  "kind: List",
  "kind: Secret",
  "kind: ConfigMap",
  "kind: SecretList",
  "apiVersion: argoproj.io/v1alpha1",
  "kind: Application",
  "kind: ApplicationSet",
  "metadata:",
  "name: x",
  "namespace: apps",
  "items:",
  "stringData:",
  "data:",
  "password: hunter2",
  "spec:",
  "source:",
  "sources:",
  "helm:",
  "valueFiles:",
  "valuesObject:",
  "$values/../../../etc/passwd",
  "values: |",
  "chart: demo",
  "targetRevision: 1.0.0",
  "repoURL: https://x.test",
  ":",
  ": ",
  "- ",
  "-",
  "? ",
  ",",
  "{",
  "}",
  "[",
  "]",
  "&a ",
  "*a",
  "&b ",
  "*b",
  "<<: *a",
  "!!str ",
  "!!binary ",
  "!custom ",
  "'",
  '"',
  "|",
  ">",
  "#",
  "---",
  "...",
  "%YAML 1.2",
  "%TAG ! tag:x,2000:",
  "\n",
  "\n  ",
  "\n    ",
  "\n- ",
  "\t",
  " ",
  "\u001b[2J",
  "\u0000",
  "\u0085",
  "\u2028",
  "\ufeff",
  "\r\n",
  "\r",
  "1",
  "0x1F",
  "1e400",
  "-.inf",
  ".nan",
  "null",
  "~",
  "true",
  "2026-12-31",
  "{{ .Values.x }}",
  "é",
  "😀",
  "\ud800",
];

export const yamlText = (maxLength = 60): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...FRAGMENTS) }, { weight: 1, arbitrary: fc.string({ maxLength: 8, unit: "binary" }) }), {
      maxLength,
    })
    .map((parts) => parts.join(""));

/** Text or raw bytes: what a file named *.yaml may hold. */
export const yamlBytes = (maxLength = 60): fc.Arbitrary<Uint8Array> =>
  fc.oneof(
    { weight: 4, arbitrary: yamlText(maxLength).map((text) => new TextEncoder().encode(text)) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: maxLength * 4 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(yamlText(maxLength), fc.uint8Array({ minLength: 1, maxLength: 4 }))
        .map(([t, b]) => new Uint8Array([...new TextEncoder().encode(t), ...b])),
    },
  );

/** Deeply nested flow or block collections, and alias fans: the resource-exhaustion shapes. */
export const yamlHostile: fc.Arbitrary<string> = fc.oneof(
  fc.integer({ min: 1, max: 3000 }).map((n) => `${"[".repeat(n)}${"]".repeat(n)}`),
  fc.integer({ min: 1, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")),
  fc
    .integer({ min: 1, max: 12 })
    .map((n) =>
      ["a0: &a0 [x, x, x, x, x, x, x, x, x]", ...Array.from({ length: n }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(9).fill(`*a${i}`).join(", ")}]`)].join(
        "\n",
      ),
    ),
);

/**
 * A "billion laughs" document: nine anchors, each a list of nine aliases of
 * the one before, so expanding it takes 9^9 nodes. A parser that follows
 * aliases without a limit hangs on it.
 */
export function aliasBomb(): string {
  const letter = (i: number): string => String.fromCharCode(97 + i);
  return [
    "a: &a [x, x, x, x, x, x, x, x, x]",
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `${letter(i + 1)}: &${letter(i + 1)} [${Array(9)
          .fill(`*${letter(i)}`)
          .join(", ")}]`,
    ),
  ].join("\n");
}
