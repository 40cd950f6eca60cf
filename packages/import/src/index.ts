export { importComponent, type ImportOptions, type ImportResult, type UnknownKey } from "./import.js";
export { readSource, deepMerge, type ImportSource, type ReadSourceOptions, type SourceChart, type SourceManifest, type ValuesLayer } from "./source.js";
export { compareDeployed, diffValues, type Comparison, type Deployed } from "./compare.js";
export { tsLiteral, type LeftOut } from "./literal.js";
export { TYPED_KINDS, typedKind } from "./kinds.js";
export { formatImportResult } from "./format.js";
