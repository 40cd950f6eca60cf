export {
  engineVersion,
  ensureHelper,
  renderReleases,
  type CrdFile,
  type ReleaseRequest,
  type ReleaseResult,
  type RenderError,
  type RenderOptions,
  type RenderedObject,
} from "./render.js";
export { packageChart, pushChart, type PackagedChart, type PushedChart } from "./package.js";
export { buildHelper, type BuildOptions } from "./build.js";
export { buildCommand, helperPath } from "./artifacts.js";
