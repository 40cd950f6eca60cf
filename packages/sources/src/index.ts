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
export { readChart, type ChartDependency, type HelmChart } from "./chart.js";
export { substitute } from "./template.js";
export { isObj, type Obj } from "./object.js";
