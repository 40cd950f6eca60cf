import { describe, expect, it } from "vitest";
import { ErrorCode, HomelabError, UsageError, escapeControl, formatError, isHomelabError, redactor, secretsFromArgs, secretsFromEnv } from "./index.js";

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

describe("output guards", () => {
  it("redacts known secrets of any length, longest first, and GitHub-shaped tokens", () => {
    const redact = redactor(["abc", "abcdef", undefined, ""]);
    expect(redact("x abcdef y abc z")).toBe("x *** y *** z");
    expect(redact(`token ghp_${"a".repeat(36)} and github_pat_${"B_1".repeat(10)}.`)).toBe("token *** and ***.");
    expect(redactor(["k"])("ok")).toBe("o***");
  });

  it("finds secrets in the environment and in --token flags", () => {
    expect(secretsFromEnv({ GITHUB_TOKEN: "g", GH_TOKEN: "h", HOMELAB_VAULT_TOKEN: "v", HOMELAB_CHARTS_DIR: "/x", PATH: "/bin", HOMELAB_API_KEY: "" })).toEqual(
      ["g", "h", "v"],
    );
    expect(secretsFromArgs(["--token", "t1", "--registry-token=t2", "--tokens", "no", "--token"])).toEqual(["t1", "t2"]);
  });

  it("escapes C0 (but tab and newline), DEL and C1 control characters", () => {
    expect(escapeControl("a\u001b[2Jb\tc\nd\r\u0007\u007f\u009b")).toBe("a\\x1b[2Jb\tc\nd\\x0d\\x07\\x7f\\x9b");
  });

  it("escapes control characters in the excerpt and keeps the caret under the column", () => {
    const error = new HomelabError(ErrorCode.Syntax, "bad", { position: { file: "f.yaml", line: 1, column: 3 } });
    expect(formatError(error, "\u001bx!")).toBe(["f.yaml:1:3: bad", "  1 | \\x1bx!", `${" ".repeat(2 + "1 | ".length + "\\x1bx".length)}^`].join("\n"));
  });
});
