export { codegen, codegenAll, emitRegistry, listComponents, readComponent, REPO_ROOT } from "./codegen.js";
export type { CodegenAllOptions, CodegenAllResult, CodegenOptions, CodegenResult, ComponentChart } from "./codegen.js";
export { loadChart, parseChartYaml, type ChartInput, type ChartMeta, type LoadedChart } from "./load.js";
export { inferSchema, OPEN_KEYS, type InferOptions, type Inferred } from "./infer.js";
export {
  completeSchema,
  createFetchSchema,
  flattenAllOf,
  resolveSchema,
  defaultFetchSchema,
  remoteFetchSchema,
  REMOTE_REF_TIMEOUT_MS,
  type FetchSchema,
  type FetchSchemaOptions,
} from "./shipped.js";
export { applyPatches, readPatchFile, type SchemaPatch, type SchemaPatchFile } from "./patch.js";
export { buildIR, emitFiles, GENERATOR, type ChartIR } from "./pipeline.js";
export { emitValuesInterface } from "./emit-types.js";
export { runCodegen, type CodegenReport, type CodegenRequest } from "./cli.js";
