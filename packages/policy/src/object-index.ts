import type { JsonPath } from "@homelab/yaml";
import type { ObjectIndex } from "./types.js";

/** Keys whose entries are containers, wherever they sit (pod templates, CRDs that embed them). */
const CONTAINER_LISTS = new Set(["containers", "initContainers", "ephemeralContainers"]);

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** A node on the walk; its path is built only for a node that is recorded. */
interface Frame {
  node: unknown;
  parent: Frame | undefined;
  key: string | number;
}

function pathOf(frame: Frame, ...rest: (string | number)[]): JsonPath {
  const path: (string | number)[] = [];
  for (let at: Frame | undefined = frame; at?.parent; at = at.parent) path.push(at.key);
  return [...path.reverse(), ...rest];
}

/**
 * The {@link ObjectIndex} of an object: what `walk(object, [path, node])` with
 * the conditions of pinned-versions' image rule and no-plaintext-secrets' env
 * rule would find, in one pass. Iterative: a deeply nested object does not
 * overflow the stack.
 */
export function objectIndex(object: unknown): ObjectIndex {
  const images: ObjectIndex["images"] = [];
  const namedValues: ObjectIndex["namedValues"] = [];
  const stack: Frame[] = [{ node: object, parent: undefined, key: "" }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { node } = frame;
    if (Array.isArray(node)) {
      node.forEach((child, i) => stack.push({ node: child, parent: frame, key: i }));
      continue;
    }
    if (!isMapping(node)) continue;
    if (typeof node.name === "string" && Object.hasOwn(node, "value")) namedValues.push({ path: pathOf(frame), name: node.name, value: node.value });
    for (const [key, child] of Object.entries(node)) {
      if (CONTAINER_LISTS.has(key) && (Array.isArray(child) || isMapping(child))) {
        for (const [entry, container] of Array.isArray(child) ? child.entries() : Object.entries(child)) {
          if (isMapping(container) && Object.hasOwn(container, "image")) images.push({ path: pathOf(frame, key, entry, "image"), image: container.image });
        }
      }
      stack.push({ node: child, parent: frame, key });
    }
  }
  return { images, namedValues };
}
