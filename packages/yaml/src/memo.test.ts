import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { documentMemoKey, openDocumentMemo, type DocumentMemo, type StoredDocument } from "./memo.js";
import { YamlSource } from "./source.js";

const temp = mkdtempSync(path.join(tmpdir(), "homelab-yaml-memo-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

const text = "a: 1\nlist:\n  - x\n  - k: on\n---\napiVersion: v1\nkind: List\nitems:\n  - kind: ConfigMap\n    apiVersion: v1\n";

/** A memo in memory that records what it was asked. */
function recording(entries = new Map<string, readonly StoredDocument[]>()): DocumentMemo & { gets: string[]; sets: string[] } {
  const gets: string[] = [];
  const sets: string[] = [];
  return {
    gets,
    sets,
    get: (key) => (gets.push(key), entries.get(key)),
    set: (key, documents) => (sets.push(key), entries.set(key, documents), undefined),
    save: () => undefined,
  };
}

describe("YamlSource.parse with a memo", () => {
  it("answers a known text from the memo, without parsing it", () => {
    const key = documentMemoKey(text, { expandLists: true });
    // Documents no parse of `text` gives: only the memo can have produced them.
    const memo = recording(new Map([[key, [{ index: 0, value: { from: "memo" }, line: 7 }]]]));
    const source = YamlSource.parse(text, "f.yaml", { expandLists: true, memo });
    expect(source.documents.map((d) => [d.value, d.line])).toEqual([[{ from: "memo" }, 7]]);
    expect(memo.sets).toEqual([]);
  });

  it("remembers what it parsed, and a source from the memo has the same documents, lines, positions and nodes", () => {
    const memo = recording();
    const fresh = YamlSource.parse(text, "f.yaml", { expandLists: true, memo });
    expect(memo.sets).toHaveLength(1);
    const again = YamlSource.parse(text, "f.yaml", { expandLists: true, memo });
    expect(memo.sets).toHaveLength(1);
    const plain = (s: YamlSource) => s.documents.map((d) => ({ index: d.index, value: d.value, line: d.line, parent: d.parent }));
    expect(plain(again)).toEqual(plain(fresh));
    // The List's item is a document of its own, with its parent.
    expect(again.documents.at(-1)).toMatchObject({ value: { kind: "ConfigMap" }, parent: { index: 1, path: ["items", 0] }, line: 9 });
    expect(again.locate(0, ["list", 1, "k"])).toEqual(fresh.locate(0, ["list", 1, "k"]));
    expect(again.locate(2, ["kind"])).toEqual({ line: 9, column: 5 });
    expect(again.locate(2, ["kind"])).toEqual(fresh.locate(2, ["kind"]));
    expect(again.documents[1]!.node.toJS()).toEqual(fresh.documents[1]!.node.toJS());
  });

  it("keys by text and by every option that changes the values", () => {
    const keys = new Set([
      documentMemoKey(text, {}),
      documentMemoKey(`${text}\n`, {}),
      documentMemoKey(text, { goYaml: true }),
      documentMemoKey(text, { expandLists: true }),
      documentMemoKey(text, { maxAliasCount: 5 }),
    ]);
    expect(keys.size).toBe(5);
    // go-yaml reads `on` as true, YAML 1.2 as a string: the memo must not hand one the other's.
    const memo = recording();
    expect((YamlSource.parse(text, "f.yaml", { memo }).documents[0]!.value as { list: unknown[] }).list[1]).toEqual({ k: "on" });
    expect((YamlSource.parse(text, "f.yaml", { goYaml: true, memo }).documents[0]!.value as { list: unknown[] }).list[1]).toEqual({ k: true });
  });

  it("with positions on demand, gives the documents, lines, positions and nodes an eager parse gives", () => {
    const eager = YamlSource.parse(text, "f.yaml", { expandLists: true });
    const lean = YamlSource.parse(text, "f.yaml", { expandLists: true, positionsOnDemand: true });
    const plain = (s: YamlSource) => s.documents.map((d) => ({ index: d.index, value: d.value, line: d.line, parent: d.parent }));
    expect(plain(lean)).toEqual(plain(eager));
    expect(lean.locate(0, ["list", 1, "k"])).toEqual(eager.locate(0, ["list", 1, "k"]));
    expect(lean.locate(2, ["kind"])).toEqual(eager.locate(2, ["kind"]));
    expect(lean.documents[0]!.node.toJS()).toEqual(eager.documents[0]!.node.toJS());
    expect(() => YamlSource.parse("a: [1\n", "bad.yaml", { positionsOnDemand: true })).toThrow(HomelabError);
  });

  it("remembers nothing of a file that does not parse", () => {
    const memo = recording();
    expect(() => YamlSource.parse("a: 1\na: 2\n", "bad.yaml", { memo })).toThrow(/duplicate key "a"/);
    expect(memo.sets).toEqual([]);
  });
});

describe("openDocumentMemo", () => {
  it("keeps what a run used or added, across processes (a file), and drops the rest on save", () => {
    const dir = path.join(temp, "persist");
    const first = openDocumentMemo(dir);
    first.set("a", [{ index: 0, value: { a: 1 }, line: 1 }]);
    first.set("b", [{ index: 0, value: [1, "two", null], line: 2 }]);
    first.save();
    const second = openDocumentMemo(dir);
    expect(second.get("a")).toEqual([{ index: 0, value: { a: 1 }, line: 1 }]);
    second.save(); // "b" was not used: the changed or deleted file's entry goes
    const third = openDocumentMemo(dir);
    expect(third.get("b")).toBeUndefined();
    expect(third.get("a")).toBeDefined();
    expect(readdirSync(dir)).toEqual(["documents.v8"]);
  });

  it("hands back what was added, whatever the caller did to those values afterwards", () => {
    const dir = path.join(temp, "copied");
    const memo = openDocumentMemo(dir);
    const value = { metadata: { labels: { a: "1" } } };
    memo.set("k", [{ index: 0, value, line: 1 }]);
    value.metadata.labels.a = "changed later in the run";
    memo.save();
    expect(openDocumentMemo(dir).get("k")).toEqual([{ index: 0, value: { metadata: { labels: { a: "1" } } }, line: 1 }]);
  });

  it("reads a damaged file as an empty memo, and a folder it cannot write only costs the memo", () => {
    const dir = path.join(temp, "damaged");
    openDocumentMemo(dir).save();
    const memo = openDocumentMemo(dir);
    memo.set("a", [{ index: 0, value: 1, line: 1 }]);
    memo.save();
    writeFileSync(path.join(dir, "documents.v8"), "not a v8 value");
    expect(openDocumentMemo(dir).get("a")).toBeUndefined();

    const blocked = path.join(temp, "blocked");
    writeFileSync(blocked, ""); // a file where the folder should be
    const unwritable = openDocumentMemo(path.join(blocked, "memo"));
    unwritable.set("a", [{ index: 0, value: 1, line: 1 }]);
    expect(() => unwritable.save()).not.toThrow();
  });
});
