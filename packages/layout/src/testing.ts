// Test helpers: complete, valid render records for suites that need one on disk,
// and the hostile path generator the property tests share.
import fc from "fast-check";
import { layer, type LayerName } from "./layers.js";
import { contentDigest, RENDER_RECORD_SCHEMA_VERSION, renderRecordText, type RenderRecord } from "./record.js";

/**
 * A valid record for `component` in `layer`; `contents` (path → file content)
 * become `files` with their digests. Everything else can be overridden.
 */
export function recordFixture(
  options: { component: string; layer: LayerName; contents?: Record<string, string> } & Partial<Omit<RenderRecord, "component" | "layer">>,
): RenderRecord {
  const { component, layer: layerName, contents = {}, ...rest } = options;
  return {
    schemaVersion: RENDER_RECORD_SCHEMA_VERSION,
    generator: "@homelab/core",
    component,
    package: `@homelab/component-${component}`,
    version: "0.1.0",
    layer: layerName,
    layerOrder: layer(layerName).order,
    namespace: component,
    chart: null,
    instances: [],
    deferred: [],
    dependsOn: [],
    allowLaterLayerDependencies: {},
    routes: [],
    waivers: [],
    files: Object.fromEntries(Object.entries(contents).map(([p, content]) => [p, contentDigest(content)])),
    ...rest,
  };
}

/** The record file's text, as render writes it. */
export function recordFixtureText(options: Parameters<typeof recordFixture>[0]): string {
  return renderRecordText(recordFixture(options));
}

/** Path-like strings built from the pieces attacks are made of (`..`, absolute, backslashes, NUL, layer folder names). */
export const hostilePath: fc.Arbitrary<string> = fc
  .tuple(
    fc.boolean(),
    fc.array(
      fc.oneof(
        fc.constantFrom(
          "..",
          ".",
          "",
          "a",
          "demo",
          "cluster-workload-apps",
          "cluster-platform-apps",
          "apps-root-config",
          "applications",
          "outside",
          "sentinel.yaml",
          "x.yaml",
          "\\..",
          "C:",
          "\0",
          "%2e%2e",
          "~",
        ),
        fc.string({ maxLength: 4 }),
      ),
      { minLength: 1, maxLength: 7 },
    ),
  )
  .map(([absolute, segments]) => `${absolute ? "/" : ""}${segments.join("/")}`);
