import { ErrorCode, HomelabError } from "@homelab/errors";
import type { ValuesSchema } from "@homelab/values";
import type { ChartRef } from "./model.js";

/** The chart a component's generated module was made from, as an ArgoCD chart source. */
export function chartRef(schema: ValuesSchema): ChartRef {
  return { repoURL: schema.chart.repository, chart: schema.chart.name, version: schema.chart.version };
}

/** The part of a component package's package.json componentPackage() reads. */
export interface ComponentManifest {
  name: string;
  version: string;
  description?: string;
  /** `homelab.component`: the component's name, said once, here (Nx and the release tooling read it too). */
  homelab?: { component?: unknown };
  /** Its dependencies on other component packages are its `dependsOn` (Nx orders the graph by the same edges). */
  dependencies?: Readonly<Record<string, string>>;
}

/** Component packages are named `@homelab/component-<component>`: a dependency on one names its component. */
export const COMPONENT_PACKAGE_PREFIX = "@homelab/component-";

export interface ComponentPackageOptions {
  /**
   * Dependencies on a component of a later layer, each with the reason it
   * still converges. They cannot be package dependencies (the later layer
   * depends on this one: a cycle), so they are said here, and only here.
   */
  allowLaterLayerDependencies?: Readonly<Record<string, string>>;
}

/** What componentPackage() fills in a Component. */
export interface ComponentPackage {
  name: string;
  packageName: string;
  version: string;
  description?: string;
  chart?: ChartRef;
  valuesSchema?: ValuesSchema;
  dependsOn: readonly string[];
  allowLaterLayerDependencies?: Readonly<Record<string, string>>;
}

/**
 * What every component package fills the same way: the component's name
 * (`homelab.component`), package name, version, description and the
 * components it depends on (its `@homelab/component-*` dependencies) from its
 * package.json; for a Helm component, the chart and values schema from its
 * generated module; and the later-layer dependencies it declares with their
 * reasons. `dependsOn` is sorted by name: the render record's order then
 * follows no file's key order (npm re-sorts package.json dependencies).
 */
export function componentPackage(manifest: ComponentManifest, valuesSchema?: ValuesSchema, options: ComponentPackageOptions = {}): ComponentPackage {
  const name = manifest.homelab?.component;
  if (typeof name !== "string" || name === "") {
    throw new HomelabError(ErrorCode.Config, `${manifest.name}: package.json has no "homelab": { "component": "<name>" }`, {
      position: { file: `${manifest.name}/package.json` },
      hint: "a component package names its component once, in package.json",
    });
  }
  const packaged = Object.keys(manifest.dependencies ?? {})
    .filter((d) => d.startsWith(COMPONENT_PACKAGE_PREFIX))
    .map((d) => d.slice(COMPONENT_PACKAGE_PREFIX.length));
  const later = options.allowLaterLayerDependencies ?? {};
  const both = Object.keys(later).filter((d) => packaged.includes(d));
  if (both.length > 0) {
    throw new HomelabError(
      ErrorCode.Config,
      `${manifest.name}: ${both.map((d) => JSON.stringify(d)).join(", ")} is a package dependency and an allowed later-layer dependency`,
      {
        position: { file: `${manifest.name}/package.json` },
        hint: "a package dependency is a same-or-earlier layer; a later layer's component goes only in allowLaterLayerDependencies",
      },
    );
  }
  return {
    name,
    packageName: manifest.name,
    version: manifest.version,
    ...(manifest.description ? { description: manifest.description } : {}),
    ...(valuesSchema ? { chart: chartRef(valuesSchema), valuesSchema } : {}),
    dependsOn: [...packaged, ...Object.keys(later)].sort(),
    ...(Object.keys(later).length > 0 ? { allowLaterLayerDependencies: { ...later } } : {}),
  };
}
