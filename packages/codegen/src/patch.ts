import { readFile } from "node:fs/promises";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { YamlSource, formatPath } from "@homelab/yaml";
import { isRecord, type Schema } from "./schema-util.js";

/**
 * `packages/components/<name>/codegen.patch.json`: corrections to a chart's
 * schema where upstream or inference is wrong. Paths are values paths
 * (`["configs", "cm"]`), walked through `properties`.
 */
export interface SchemaPatchFile {
  patches: SchemaPatch[];
}

export type SchemaPatch =
  | { op: "open"; path: string[]; reason: string }
  | { op: "close"; path: string[]; reason: string }
  | { op: "set"; path: string[]; schema: Schema; reason: string }
  /** Deep merge: `properties` given here are added to the existing ones. */
  | { op: "merge"; path: string[]; schema: Schema; reason: string }
  | { op: "remove"; path: string[]; reason: string };

const OPS = new Set(["open", "close", "set", "merge", "remove"]);

export async function readPatchFile(file: string): Promise<SchemaPatchFile | undefined> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new HomelabError(ErrorCode.Io, `cannot read ${file}`, { position: { file }, cause: error });
  }
  const source = YamlSource.parse(text, file);
  const value = source.documents[0]?.value;
  const patches = isRecord(value) ? value.patches : undefined;
  if (!Array.isArray(patches)) throw new HomelabError(ErrorCode.Config, 'patch file needs a "patches" list', { position: { file, line: 1, column: 1 } });
  patches.forEach((p, i) => {
    const bad = (what: string, path: (string | number)[]) => {
      throw new HomelabError(ErrorCode.Config, `patch ${i}: ${what}`, { position: { file, ...source.locate(0, ["patches", i, ...path]) } });
    };
    if (!isRecord(p)) bad("must be an object", []);
    const patch = p as Record<string, unknown>;
    if (!OPS.has(String(patch.op))) bad(`op must be one of ${[...OPS].join(", ")}`, ["op"]);
    if (!Array.isArray(patch.path) || !patch.path.every((s) => typeof s === "string")) bad("path must be a list of keys", ["path"]);
    if (typeof patch.reason !== "string" || patch.reason === "") bad("reason is required: say why upstream is wrong", []);
    if ((patch.op === "set" || patch.op === "merge") && !isRecord(patch.schema)) bad("schema must be an object", ["schema"]);
  });
  return { patches: patches as SchemaPatch[] };
}

/** Stage "patch": applies a component's patches to the schema, in order. */
export function applyPatches(schema: Schema, file: SchemaPatchFile, fileName: string): Schema {
  const root = structuredClone(schema);
  for (const [i, patch] of file.patches.entries()) {
    const parentPath = patch.path.slice(0, -1);
    const last = patch.path[patch.path.length - 1];
    let node: Schema = root;
    for (const [depth, key] of parentPath.entries()) {
      const next = isRecord(node.properties) ? (node.properties as Record<string, Schema>)[key] : undefined;
      if (!isRecord(next)) throw missing(i, patch.path.slice(0, depth + 1), fileName);
      node = next;
    }
    if (last === undefined) {
      if (patch.op === "open" || patch.op === "close") node.additionalProperties = patch.op === "open";
      else if (patch.op === "merge") Object.assign(node, deepMerge(node, patch.schema));
      else throw new HomelabError(ErrorCode.Config, `patch ${i}: op "${patch.op}" needs a non-empty path`, { position: { file: fileName } });
      continue;
    }
    const props = (isRecord(node.properties) ? node.properties : (node.properties = {})) as Record<string, Schema>;
    const target = props[last];
    if (patch.op === "set") props[last] = patch.schema;
    else if (!isRecord(target)) throw missing(i, patch.path, fileName);
    else if (patch.op === "remove") delete props[last];
    else if (patch.op === "merge") props[last] = deepMerge(target, patch.schema);
    else target.additionalProperties = patch.op === "open";
  }
  return root;
}

/** `merge` adds to what is there: nested objects (properties) merge key by key, anything else is replaced. */
function deepMerge(base: Schema, extra: Schema): Schema {
  const out: Schema = { ...base };
  for (const [key, value] of Object.entries(extra)) {
    const existing = out[key];
    out[key] = isRecord(existing) && isRecord(value) ? deepMerge(existing, value) : value;
  }
  return out;
}

function missing(index: number, path: string[], file: string): HomelabError {
  return new HomelabError(ErrorCode.Config, `patch ${index}: ${formatPath(path)} is not in the chart's schema`, {
    position: { file },
    hint: "the chart changed under the patch: update or drop it",
  });
}
