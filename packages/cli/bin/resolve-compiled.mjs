// Module resolve hook (registered by compiled.mjs): `@homelab/<framework
// package>` resolves to the compiled build's module, from any importer.
/** @type {Record<string, string>} */
let entries = {};

export function initialize(data) {
  entries = data.entries;
}

export async function resolve(specifier, context, nextResolve) {
  const url = entries[specifier];
  if (url) return { url, format: "module", shortCircuit: true };
  return nextResolve(specifier, context);
}
