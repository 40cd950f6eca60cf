import { describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { YamlSource, formatPath, pointerToPath } from "./source.js";
import { parse as parseYaml } from "yaml";
import { GO_YAML } from "./go-yaml.js";
import { stringifyYaml, stringifyYamlDocuments } from "./stringify.js";
import { aliasBomb } from "./testing.js";

const TWO_DOCS = `# leading comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data:
  key: value
---
apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx:1.27
        - name: sidecar
          image: busybox:1.36
`;

describe("YamlSource", () => {
  it("locates keys and sequence items per document", () => {
    const source = YamlSource.parse(TWO_DOCS, "x.yaml");
    expect(source.documents).toHaveLength(2);
    expect(source.locate(0, ["data", "key"])).toEqual({ line: 7, column: 3 });
    expect(source.locate(1, ["spec", "template", "spec", "containers", 1, "image"])).toEqual({ line: 18, column: 11 });
    expect(source.documents[1]!.line).toBe(9);
  });

  it("falls back to the deepest existing ancestor for a missing path", () => {
    const source = YamlSource.parse(TWO_DOCS, "x.yaml");
    expect(source.locate(0, ["metadata", "namespace"])).toEqual({ line: 4, column: 1 });
  });

  it("reports syntax errors with file and line", () => {
    try {
      YamlSource.parse("a: 1\nb: [1, 2\nc: 3\n", "bad.yaml");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(HomelabError);
      expect((error as HomelabError).position?.file).toBe("bad.yaml");
      expect((error as HomelabError).position?.line).toBeGreaterThanOrEqual(2);
    }
  });

  it("rejects duplicate keys at the second occurrence", () => {
    try {
      YamlSource.parse("a: 1\nb: 2\na: 3\n", "dup.yaml");
      expect.unreachable();
    } catch (error) {
      expect((error as HomelabError).message).toMatch(/^duplicate key/);
      expect((error as HomelabError).position).toEqual({ file: "dup.yaml", line: 3, column: 1 });
    }
  });
});

describe("YamlSource dialects", () => {
  it("reads YAML 1.2 by default and, with goYaml, as Helm and the API server do (YAML 1.1), lines unchanged", () => {
    const text = "kind: Secret\nmode: 0755\nflag: on\nday: 2024-04-01\n";
    expect(YamlSource.parse(text, "a.yaml").documents[0]!.value).toEqual({ kind: "Secret", mode: 755, flag: "on", day: "2024-04-01" });
    const go = YamlSource.parse(text, "a.yaml", { goYaml: true });
    expect(go.documents[0]!.value).toEqual({ kind: "Secret", mode: 493, flag: true, day: "2024-04-01" });
    expect(go.locate(0, ["flag"])).toEqual(YamlSource.parse(text, "a.yaml").locate(0, ["flag"]));
    expect(go.locate(0, ["flag"]).line).toBe(3);
  });
});

describe("paths", () => {
  it("converts JSON pointers and prints readable paths", () => {
    expect(pointerToPath("/a~1b/0/c~0d")).toEqual(["a/b", "0", "c~d"]);
    expect(formatPath(["spec", "ports", 0, "name"])).toBe("spec.ports[0].name");
    expect(formatPath(["metadata", "annotations", "a.b/c"])).toBe('metadata.annotations["a.b/c"]');
    expect(formatPath([])).toBe("(root)");
  });
});

describe("stringify", () => {
  it("never folds long lines and drops undefined", () => {
    const long = "x".repeat(200);
    expect(stringifyYaml({ a: long, b: undefined, c: [1, { d: true }] })).toBe(`a: ${long}\nc:\n  - 1\n  - d: true\n`);
  });

  it("writes a shared object twice instead of an alias", () => {
    const shared = { a: 1 };
    expect(stringifyYaml({ x: shared, z: shared })).toBe("x:\n  a: 1\nz:\n  a: 1\n");
  });

  it("quotes strings that Helm, kubectl and ArgoCD (go-yaml v2, YAML 1.1) would read as booleans, numbers or merge keys", () => {
    const strings = [
      "on",
      "Off",
      "yes",
      "NO",
      "y",
      "n",
      "~",
      "0755",
      "0o17",
      "1_000",
      "0x1F",
      "0b101",
      "+12",
      ".5",
      "<<",
      "2024-04-01",
      "v1.2.3",
      "10:30",
      "true",
    ];
    const value = Object.fromEntries(strings.map((s) => [s, s]));
    const text = stringifyYaml(value);
    // Read back both ways: as go-yaml would (YAML 1.1) and as YAML 1.2; every key and value is still the same string.
    expect(parseYaml(text, GO_YAML)).toEqual(value);
    expect(parseYaml(text, { version: "1.2" })).toEqual(value);
    expect(text).toContain('"on": "on"\n');
    expect(text).toContain('"0o17": "0o17"\n');
    // Only what needs it: a date stays a string in go-yaml, and plain words stay plain.
    expect(text).toContain("2024-04-01: 2024-04-01\n");
    expect(text).toContain("v1.2.3: v1.2.3\n");
  });

  it("joins documents under a comment header", () => {
    expect(stringifyYamlDocuments([{ a: 1 }, { b: 2 }], "Generated.\nDo not edit.")).toBe("# Generated.\n# Do not edit.\na: 1\n---\nb: 2\n");
  });
});

describe("YamlSource hardening", () => {
  const error = (text: string, options = {}): HomelabError => {
    try {
      YamlSource.parse(text, "in.yaml", options);
    } catch (e) {
      expect(e).toBeInstanceOf(HomelabError);
      return e as HomelabError;
    }
    throw new Error("expected a HomelabError");
  };

  it("names the duplicate key, in nested and flow mappings too", () => {
    expect(error("a:\n  b: 1\n  c: 2\n  b: 3\n")).toMatchObject({ message: 'duplicate key "b"', position: { file: "in.yaml", line: 4, column: 3 } });
    expect(error("x: {p: 1, q: 2, p: 3}\n")).toMatchObject({ message: 'duplicate key "p"', position: { line: 1, column: 17 } });
    expect(error("- k: 1\n- k: 1\n  k: 2\n").position?.line).toBe(3);
  });

  it('treats 1 and "1" as different keys, as YAML does', () => {
    expect(YamlSource.parse('1: a\n"1": b\n', "in.yaml").documents[0]!.value).toEqual({ 1: "b" });
  });

  it("reports the earlier of a duplicate key and a syntax error", () => {
    expect(error("a: 1\na: 2\nb: [1,\n").message).toBe('duplicate key "a"');
  });

  it("loads a large mapping in linear time (the library's key check is quadratic)", () => {
    const mapping = (keys: number): string => Array.from({ length: keys }, (_, i) => `key${i}: ${i}`).join("\n");
    const time = (text: string): number => {
      const started = performance.now();
      YamlSource.parse(text, "big.yaml");
      return performance.now() - started;
    };
    const small = mapping(2_000);
    const large = mapping(16_000);
    time(small); // warm-up: the first parse pays for compilation
    // 8x the keys: linear takes ~8x as long, the library's own check ~64x (measured here: ~4 s for the large one, 3.4 s at 15,000 keys, 80 s at 60,000).
    const ratio = time(large) / Math.max(time(small), 1);
    expect(ratio).toBeLessThan(24);
    expect(Object.keys(YamlSource.parse(large, "big.yaml").documents[0]!.value as object)).toHaveLength(16_000);
    expect(error(`${large}\nkey17: again\n`)).toMatchObject({ message: 'duplicate key "key17"', position: { line: 16_001 } });
  });

  it("turns an alias bomb into an error naming the file, not a hang or an internal error", () => {
    const bomb = aliasBomb();
    const problem = error(`---\nok: 1\n---\n${bomb}\n`);
    expect(problem.code).toBe("SYNTAX");
    expect(problem.message).toMatch(/too many alias expansions/);
    expect(problem.position).toMatchObject({ file: "in.yaml", line: 4 });
    expect(YamlSource.parse("a: &x 1\nb: *x\n", "ok.yaml").documents[0]!.value).toEqual({ a: 1, b: 1 });
  });

  it("reports an alias without its anchor as a syntax error", () => {
    expect(error("a: *nowhere\n").code).toBe("SYNTAX");
  });

  it("reports nesting too deep to walk as a syntax error, not a stack overflow", () => {
    const depth = 10_000;
    const problem = error(`${"[".repeat(depth)}${"]".repeat(depth)}\n`);
    expect(problem.code).toBe("SYNTAX");
    expect(problem.message).toBe("YAML nested too deeply to read");
    expect(problem.position?.file).toBe("in.yaml");
  });
});

describe("List expansion", () => {
  const LIST = `apiVersion: v1
kind: ConfigMap
metadata: { name: before }
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: Secret
    metadata:
      name: inner
    stringData:
      password: hunter2
  - null
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: second
`;

  it("makes each item of a List a document with its own line, after the file's documents", () => {
    const source = YamlSource.parse(LIST, "list.yaml", { expandLists: true });
    expect(source.documents.map((d) => [d.index, d.line, (d.value as { kind?: string } | null)?.kind ?? null])).toEqual([
      [0, 1, "ConfigMap"],
      [1, 5, null],
      [2, 8, "Secret"],
      [3, 15, "ConfigMap"],
    ]);
    expect(source.documents[2]!.parent).toEqual({ index: 1, path: ["items", 0] });
    expect(source.locate(2, ["stringData", "password"])).toEqual({ line: 13, column: 7 });
    expect(source.locate(3, ["metadata", "name"])).toEqual({ line: 18, column: 7 });
    expect(source.nonEmpty().map((d) => d.index)).toEqual([0, 2, 3]);
  });

  it("expands *List kinds with items too, and leaves lists alone unless asked", () => {
    const text = "apiVersion: v1\nkind: SecretList\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata: { name: s }\n";
    expect(YamlSource.parse(text, "l.yaml", { expandLists: true }).documents.map((d) => d.line)).toEqual([1, 4]);
    expect(YamlSource.parse(LIST, "list.yaml").documents).toHaveLength(2);
    expect(YamlSource.parse("kind: List\nitems: 3\napiVersion: v1\n", "l.yaml", { expandLists: true }).documents).toHaveLength(1);
  });
});
