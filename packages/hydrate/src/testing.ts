/**
 * Tests that render need Helm's engine (@homelab/helm and its helper, built
 * from the pinned Go module on first use). When the package cannot be loaded
 * they are registered as skipped with the reason in their title; CI
 * (HOMELAB_REQUIRE_MIRRORS=1) turns that into a failure, as for the mirrors.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, it } from "vitest";
import { mirrorsRequired } from "@homelab/test-fixtures/mirrors";

import { helmEngine } from "./helm.js";
import type { HydrateOptions } from "./hydrate.js";

/**
 * A scratch repository for a hydrate test: `open()` (in beforeAll) makes the
 * folder, with the test's chart under `.charts/<chart>`; `options()` hydrates it
 * with Helm's engine and that chart for every Application.
 */
export function scratchRepository(prefix: string, chart: string, repoURL: string) {
  let root = "";
  const chartDir = () => path.join(root, ".charts", chart);
  return {
    open(): string {
      root = mkdtempSync(path.join(os.tmpdir(), prefix));
      return root;
    },
    chartDir,
    write(file: string, text: string): void {
      mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
      writeFileSync(path.join(root, file), text);
    },
    options: (extra: Partial<HydrateOptions> = {}): HydrateOptions => ({
      root,
      repoURL,
      kubeVersion: "1.35.4",
      engine: helmEngine,
      charts: { resolve: async () => ({ path: chartDir(), digest: null }) },
      ...extra,
    }),
    remove: (): void => rmSync(root, { recursive: true, force: true }),
  };
}

/** A CustomResourceDefinition serving `<group>/v1` `kind`, schemaless, as YAML text. */
export function crdYaml(group: string, kind: string): string {
  const plural = `${kind.toLowerCase()}s`;
  return [
    "apiVersion: apiextensions.k8s.io/v1",
    "kind: CustomResourceDefinition",
    "metadata:",
    `  name: ${plural}.${group}`,
    "spec:",
    `  group: ${group}`,
    "  scope: Namespaced",
    `  names: { kind: ${kind}, plural: ${plural} }`,
    "  versions:",
    "    - name: v1",
    "      served: true",
    "      storage: true",
    "      schema: { openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true } }",
    "",
  ].join("\n");
}

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
