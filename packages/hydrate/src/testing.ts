/**
 * Tests that render need Helm's engine (@homelab/helm and its helper, built
 * from the pinned Go module on first use). When the package cannot be loaded
 * they are registered as skipped with the reason in their title; CI
 * (HOMELAB_REQUIRE_MIRRORS=1) turns that into a failure, as for the mirrors.
 */
import { describe, it } from "vitest";
import { mirrorsRequired } from "@homelab/test-fixtures/mirrors";

async function engineProblem(): Promise<string | undefined> {
  try {
    const specifier = "@homelab/helm";
    await import(specifier);
    return undefined;
  } catch (error) {
    return `@homelab/helm cannot be loaded (${(error as Error).message.split("\n")[0]})`;
  }
}

const problem = await engineProblem();

export function describeWithEngine(title: string, fn: () => void): void {
  if (problem === undefined) {
    describe(title, fn);
  } else if (mirrorsRequired()) {
    describe(title, () =>
      it("needs Helm's engine", () => {
        throw new Error(problem);
      }),
    );
  } else {
    process.stderr.write(`skipped "${title}": ${problem}\n`);
    describe(`${title} [skipped: ${problem}]`, () => it.skip("needs Helm's engine (@homelab/helm)", () => {}));
  }
}
