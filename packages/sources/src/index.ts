export {
  declaredApplications,
  isArgoApplication,
  readApplication,
  valueFileTarget,
  waveOf,
  type Application,
  type ApplicationSource,
  type DeclaredApplication,
  type GeneratingSet,
  type HelmSettings,
  type Skipped,
  type ValueFile,
  type ValueFileTarget,
} from "./application.js";
export { expandApplicationSet, type DocumentPlace, type Expansion, type GeneratedApplication } from "./applicationset.js";
export { renderFastTemplate, renderGoTemplate, TemplateError, type TemplateOptions } from "./gotemplate.js";
export { applyTemplatePatch } from "./template-patch.js";
export { readChart, type ChartDependency, type HelmChart } from "./chart.js";
export { isObj, type Obj } from "./object.js";
