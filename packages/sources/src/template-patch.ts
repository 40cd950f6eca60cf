import { isObj, type Obj } from "./object.js";

/** A directive this merge does not implement (`$patch`, `$retainKeys`, ...), with its key. */
export class PatchDirectiveError extends Error {
  constructor(readonly directive: string) {
    super(`strategic merge directive ${directive} is not supported by homelab`);
    this.name = "PatchDirectiveError";
  }
}

/**
 * ArgoCD applies the rendered templatePatch as a strategic merge patch on the
 * Application type: maps merge, `null` deletes, lists are replaced except
 * `metadata.finalizers` (patchStrategy merge in ObjectMeta). The input is
 * not modified.
 */
export function applyTemplatePatch(app: Obj, patch: Obj): Obj {
  return merge(app, patch, []);
}

function merge(target: unknown, patch: Obj, path: readonly string[]): Obj {
  const base = isObj(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) throw new PatchDirectiveError(key);
    const here = [...path, key];
    if (value === null) {
      delete base[key];
    } else if (here.join(".") === "metadata.finalizers" && Array.isArray(value)) {
      const existing = Array.isArray(base[key]) ? (base[key] as unknown[]) : [];
      base[key] = [...existing, ...value.filter((f) => !existing.includes(f))];
    } else {
      base[key] = isObj(value) ? merge(base[key], value, here) : value;
    }
  }
  return base;
}
