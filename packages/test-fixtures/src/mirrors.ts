/**
 * Tests that compare against upstream files (chart schemas, chart packages,
 * CRDs) need a local mirror that a fresh clone does not have. Without one they
 * are registered as skipped with the reason in their name, so the summary lists
 * them instead of passing silently; CI sets HOMELAB_REQUIRE_MIRRORS=1, which
 * turns every such skip into a failing test.
 */
import { describe, it } from "vitest";
import { MIRROR_ENV, missingMirrorReason, mirrorDir, type MirrorKind } from "@homelab/workspace";

export { MIRROR_ENV, MIRROR_KINDS, defaultMirrorDir, mirrorDir, missingMirrorReason, type MirrorKind } from "@homelab/workspace";

/** The variable CI sets so that a missing mirror fails instead of skipping. */
export const REQUIRE_MIRRORS_ENV = "HOMELAB_REQUIRE_MIRRORS";

export function mirrorsRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env[REQUIRE_MIRRORS_ENV];
  return value !== undefined && value !== "" && value !== "0" && value !== "false";
}

/** The test name that carries the reason into every reporter and the JSON report. */
export function skippedTitle(kind: MirrorKind, title: string): string {
  return `${title} [skipped: ${missingMirrorReason(kind)}]`;
}

type TestBody = (dir: string) => unknown;

/** A suite that runs with the mirror's folder; skipped (or failing, when required) without it. */
export function describeWithMirror(kind: MirrorKind, title: string, fn: (dir: string) => void): void {
  const dir = mirrorDir(kind);
  if (dir !== undefined) {
    describe(title, () => fn(dir));
    return;
  }
  if (mirrorsRequired()) {
    describe(title, () => it(`needs the ${kind} mirror`, () => failMissing(kind)));
    return;
  }
  announceSkip(kind, title);
  // The body is not collected: it may read the mirror while registering its tests.
  describe(skippedTitle(kind, title), () => it.skip(`needs the ${kind} mirror (${MIRROR_ENV[kind]})`, () => {}));
}

/** One test that runs with the mirror's folder; skipped (or failing, when required) without it. */
export function itWithMirror(kind: MirrorKind, title: string, fn: TestBody, timeout?: number): void {
  const dir = mirrorDir(kind);
  if (dir !== undefined) {
    it(
      title,
      async () => {
        await fn(dir);
      },
      timeout,
    );
    return;
  }
  if (mirrorsRequired()) {
    it(title, () => failMissing(kind));
    return;
  }
  announceSkip(kind, title);
  it.skip(skippedTitle(kind, title), () => {});
}

function failMissing(kind: MirrorKind): never {
  throw new Error(`${missingMirrorReason(kind)} (${REQUIRE_MIRRORS_ENV}=1 makes a missing mirror a failure, not a skip)`);
}

// A line on stderr at collection, so a plain `npx vitest run <file>` shows why too.
function announceSkip(kind: MirrorKind, title: string): void {
  process.stderr.write(`skipped "${title}": ${missingMirrorReason(kind)}\n`);
}
