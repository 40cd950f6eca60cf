export {
  engineVersion,
  ensureHelper,
  renderReleases,
  templateRequest,
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
export {
  LOCK_FILE,
  chartKey,
  formatLock,
  isDigest,
  lockedChart,
  parseLock,
  readLock,
  writeLock,
  type ChartLock,
  type ChartPin,
  type LockSource,
  type LockedChart,
} from "./charts/lock.js";
export { CHART_CACHE_ENV, cachedPath, chartCacheDir, sha256Digest } from "./charts/cache.js";
export { HELM_CHART_LAYER, downloadChart, parseBearer, type FetchedPackage } from "./charts/fetch.js";
export { httpGet, redact, type HttpOptions, type HttpResponse } from "./charts/http.js";
export {
  OFFLINE_ENV,
  REPO_OVERRIDE_ENV,
  chartPackage,
  fetchCharts,
  isOffline,
  lockCharts,
  lockProblems,
  lockedChartPackage,
  verifyCache,
  type ChartStoreOptions,
  type FetchedChart,
  type LockOptions,
  type LockProblem,
  type VerifiedChart,
} from "./charts/store.js";
