import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { decodeUtf8, firstInvalidUtf8 } from "./read.js";
import { YamlSource } from "./source.js";
import { yamlBytes, yamlHostile, yamlText } from "./testing.js";

/** The contract of every input path: a value, or a HomelabError naming the file with a sane position. */
function parsesOrNamesTheFile(text: string, expandLists: boolean): void {
  try {
    const source = YamlSource.parse(text, "in.yaml", { expandLists });
    for (const doc of source.documents) {
      expect(source.documents[doc.index]).toBe(doc);
      const at = source.locate(doc.index, ["metadata", "name"]);
      expect(at.line).toBeGreaterThanOrEqual(1);
    }
  } catch (error) {
    if (!(error instanceof HomelabError)) throw error;
    expect(error.position?.file).toBe("in.yaml");
    if (error.position?.line !== undefined) expect(error.position.line).toBeGreaterThanOrEqual(1);
  }
}

describe("YamlSource.parse properties", () => {
  it("any generated text parses or is a HomelabError naming the file", () => {
    fc.assert(
      fc.property(yamlText(), fc.boolean(), (text, expand) => parsesOrNamesTheFile(text, expand)),
      { numRuns: 1500 },
    );
  });

  it("nesting and alias bombs are HomelabErrors, not stack overflows or hangs", () => {
    fc.assert(
      fc.property(yamlHostile, (text) => parsesOrNamesTheFile(text, true)),
      { numRuns: 60 },
    );
  });
});

describe("UTF-8 properties", () => {
  it("the decoder and the offset scan agree: valid text decodes, invalid bytes are named at their offset", () => {
    fc.assert(
      fc.property(yamlBytes(), (bytes) => {
        const valid = (() => {
          try {
            new TextDecoder("utf-8", { fatal: true }).decode(bytes);
            return true;
          } catch {
            return false;
          }
        })();
        expect(firstInvalidUtf8(bytes) === bytes.length).toBe(valid);
        try {
          decodeUtf8(bytes, "f.yaml");
          expect(valid).toBe(true);
        } catch (error) {
          expect(error).toBeInstanceOf(HomelabError);
          expect(valid).toBe(false);
          expect((error as HomelabError).message).toContain(`byte offset ${firstInvalidUtf8(bytes)}`);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
