/**
 * Our manifests ArgoCD never applies: objects of the Applications' manifest
 * folders (directory sources) that argocd-cm's resource.exclusions /
 * resource.inclusions, or ArgoCD's built-in exclusions, keep out, as hydrate
 * recorded them in the hydrated index. A chart's excluded object never joins
 * the check (hydrated.ts); these are files of the checked tree, so they are
 * taken out of what is validated, policed and referenced, and each is a
 * warning at its own line instead.
 */
import { join, relative, sep } from "node:path";
import type { HydratedSet } from "./hydrated.js";
import type { Tree } from "./load.js";
import { docKey, type DocInfo, type Model } from "./model.js";
import type { RawViolation } from "./waivers.js";

export const EXCLUDED_RULE = {
  id: "hydrate-excluded-resource",
  severity: "warning",
  title: "Objects ArgoCD excludes (argocd-cm resource.exclusions/inclusions, its built-in exclusions) are never applied: left out of the checks",
} as const;

export interface ExcludedManifest {
  /** The manifest file, relative to the checked directory, and the object's document in it. */
  file: string;
  index: number;
  application: string;
  /** Hydrate's record of why (the rule that excludes it). */
  reason: string;
  what: string;
}

const toPosix = (p: string): string => p.split(sep).join("/");

/** The objects of the tree's manifest files that the hydrated indexes record as excluded. */
export function excludedManifests(set: HydratedSet, tree: Tree): ExcludedManifest[] {
  const out: ExcludedManifest[] = [];
  for (const { index } of set.indexes) {
    for (const record of index.objects) {
      const from = record.source;
      if (from.type !== "directory" || !record.excluded) continue;
      const file = toPosix(relative(tree.dir, join(tree.root, from.file)));
      const source = tree.files.get(file)?.source;
      if (!source) continue;
      // The object hydrate read there: same identity; of several (a stale index), the one at the recorded line.
      const same = source.documents.filter((d) => {
        const value = d.value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } } | null;
        return value?.apiVersion === record.apiVersion && value.kind === record.kind && value.metadata?.name === record.name;
      });
      const doc = same.find((d) => d.line === from.line) ?? same[0];
      if (!doc) continue;
      const what = `${record.kind} ${record.namespace ? `${record.namespace}/` : ""}${record.name}`;
      out.push({ file, index: doc.index, application: index.application, reason: record.excluded, what });
    }
  }
  return out;
}

/** Takes the excluded objects out of what the policies and reference checks read; the keys of those taken out. */
export function withoutExcluded(model: Model, excluded: readonly ExcludedManifest[]): Set<string> {
  const keys = new Set(excluded.map((e) => docKey(e.file, e.index)));
  if (keys.size > 0) model.input.documents = model.input.documents.filter((d) => !keys.has(docKey(d.file, d.index)));
  return keys;
}

/** One warning per excluded object, at its line, worded like hydrate's finding on it. */
export function excludedViolations(
  excluded: readonly ExcludedManifest[],
  locate: (file: string, index: number) => { line: number; column: number },
  infoOf: (file: string, index: number) => DocInfo,
): RawViolation[] {
  return excluded.map((e) => {
    const at = locate(e.file, e.index);
    return {
      rule: EXCLUDED_RULE.id,
      severity: EXCLUDED_RULE.severity,
      code: "excluded",
      file: e.file,
      index: e.index,
      line: at.line,
      column: at.column,
      message:
        `${e.what} (Application ${e.application}) is never applied nor tracked by ArgoCD: excluded by ${e.reason};` +
        " the Application only shows an ExcludedResourceWarning, and homelab check leaves it out",
      info: infoOf(e.file, e.index),
    };
  });
}
