export { stringifyYaml, stringifyYamlDocuments, commentBlock } from "./stringify.js";
export { YamlSource, pointerToPath, formatPath, type JsonPath, type YamlDocument } from "./source.js";
