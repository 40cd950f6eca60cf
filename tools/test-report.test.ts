import { describe, expect, it } from "vitest";
import { countsLine, skippedTests } from "./test-report.mjs";

const report = {
  numPassedTests: 3,
  numFailedTests: 1,
  numPendingTests: 2,
  numTodoTests: 1,
  testResults: [
    {
      name: "/repo/packages/codegen/src/codegen.test.ts",
      assertionResults: [
        { status: "passed", fullName: "a runs", title: "runs", ancestorTitles: ["a"] },
        { status: "skipped", fullName: "the 13 real charts freshness [skipped: no charts mirror; set HOMELAB_CHARTS_DIR]", title: "x", ancestorTitles: [] },
      ],
    },
    {
      name: "/repo/tools/x.test.ts",
      assertionResults: [
        { status: "pending", title: "later", ancestorTitles: ["suite"] },
        { status: "todo", fullName: "suite plan", title: "plan", ancestorTitles: ["suite"] },
        { status: "failed", fullName: "suite broken", title: "broken", ancestorTitles: ["suite"] },
      ],
    },
  ],
};

describe("npm test summary", () => {
  it("lists every skipped test with the reason from its name, relative to the root", () => {
    expect(skippedTests(report, "/repo")).toEqual([
      { file: "packages/codegen/src/codegen.test.ts", name: "the 13 real charts freshness", reason: "no charts mirror; set HOMELAB_CHARTS_DIR" },
      { file: "tools/x.test.ts", name: "suite later", reason: "skipped in code (see the test for why)" },
      { file: "tools/x.test.ts", name: "suite plan", reason: "todo" },
    ]);
  });

  it("counts skipped and todo tests together, and leaves them out when there are none", () => {
    expect(countsLine(report)).toBe("3 passed, 1 failed, 3 skipped");
    expect(countsLine({ ...report, numPendingTests: 0, numTodoTests: 0 })).toBe("3 passed, 1 failed");
  });
});
