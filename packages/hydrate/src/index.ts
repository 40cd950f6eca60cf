export { hydrate, defineApplications, type HydrateOptions, type HydrateResult, type HydratedApplication, type HydratedObject } from "./hydrate.js";
export { applicationsFromFile, APPLICATIONS_FOLDER, type Application, type ApplicationSource, type DefinedApplication } from "./applications.js";
export { planApplication, parseValuesYaml, type ApplicationPlan, type HelmSourcePlan, type DirectorySourcePlan, type RepositoryFacts } from "./plan.js";
export { ApiSurface, baseSurface, crdResources, type ApiResource } from "./api.js";
export type { ChartResolver, ChartCoordinates, RenderEngine, ReleaseRequest, ReleaseResult, ResolvedChart } from "./engine.js";
export * as hydratedLayout from "./layout.js";
export { cachedHelmEngine, helmEngine } from "./helm.js";
export { memoizedEngine } from "./render-memo.js";
export { defaultChartResolver, mirrorChartResolver } from "./charts.js";
