import { describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { YamlSource, formatPath, pointerToPath } from "./source.js";
import { stringifyYaml, stringifyYamlDocuments } from "./stringify.js";

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
    expect(stringifyYaml({ x: shared, y: shared })).toBe("x:\n  a: 1\ny:\n  a: 1\n");
  });

  it("joins documents under a comment header", () => {
    expect(stringifyYamlDocuments([{ a: 1 }, { b: 2 }], "Generated.\nDo not edit.")).toBe(
      "# Generated.\n# Do not edit.\na: 1\n---\nb: 2\n",
    );
  });
});
