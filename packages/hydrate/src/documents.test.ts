import { GO_YAML } from "@homelab/yaml";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { engineDocument, parseDocuments, type DocumentCache } from "./documents.js";

const where = { file: "apps-root-config/applications/x.yaml", what: "chart crds/x.yaml" };

describe("engineDocument: a document the engine converted gets the text parseDocuments would give it", () => {
  // Shapes of crds/ files and rendered templates: licence headers, a leading `---` line, comments after it.
  const taken = [
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    "# Source: chart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a",
    "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    "# Copyright the authors\n\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    "---\n# the widget\n\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    "--- # gadgets\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n",
    "---   \napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n\n\n",
    '"apiVersion": v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
  ];
  // Not a plain start: parsed in JavaScript after all.
  const parsed = ["{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n", "--- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n"];

  it.each([...taken.map((text) => [text, true] as const), ...parsed.map((text) => [text, false] as const)])("%j (engine's value taken: %s)", (text, fast) => {
    const value = parse(text, GO_YAML) as Record<string, unknown>;
    const [doc, ...more] = engineDocument(new Map(), text, value, where);
    const [expected] = parseDocuments(text, where);
    expect(more).toEqual([]);
    expect(doc!.content).toBe(expected!.content);
    expect(doc!.value).toEqual(expected!.value);
    // The engine's object itself, not a JavaScript parse of the text.
    expect(doc!.value === value).toBe(fast);
  });

  it("parses the text itself when the engine had no value (null: the document did not convert)", () => {
    const cache: DocumentCache = new Map();
    expect(() => engineDocument(cache, "kind: [\n", null, where)).toThrow(/is not valid YAML/);
    expect(cache.size).toBe(0);
  });
});
