export { stringifyYaml, stringifyYamlDocuments, commentBlock, goYamlReadsOtherwise } from "./stringify.js";
export { YamlSource, pointerToPath, formatPath, DEFAULT_MAX_ALIAS_COUNT, type JsonPath, type YamlDocument, type YamlParseOptions } from "./source.js";
export {
  readInputFile,
  readNamedFile,
  loadYamlFile,
  decodeUtf8,
  firstInvalidUtf8,
  maxYamlBytes,
  DEFAULT_MAX_YAML_BYTES,
  MAX_YAML_BYTES_ENV,
  type InputFile,
  type ReadInputOptions,
  type SkipReason,
} from "./read.js";
export { GO_YAML } from "./go-yaml.js";
export { openDocumentMemo, type DocumentMemo } from "./memo.js";
