import { describe, expect, it } from "vitest";
import { ErrorCode, HomelabError, UsageError, formatError, isHomelabError } from "./index.js";

describe("HomelabError", () => {
  it("formats position, caret, details and hint", () => {
    const error = new HomelabError(ErrorCode.Syntax, "unexpected key", {
      position: { file: "values.yaml", line: 2, column: 3 },
      details: ["at /a/b"],
      hint: "remove it",
    });
    expect(formatError(error, "a:\n  b: 1\n")).toBe(
      ["values.yaml:2:3: unexpected key", "  2 |   b: 1", "        ^", "  at /a/b", "  hint: remove it"].join("\n"),
    );
  });

  it("keeps usage errors recognisable", () => {
    const error = new UsageError("unknown flag --x");
    expect(isHomelabError(error)).toBe(true);
    expect(error.code).toBe("USAGE");
    expect(isHomelabError(new Error("bug"))).toBe(false);
  });
});
