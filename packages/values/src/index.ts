export { DRAFT_URIS, normaliseDraft, type SchemaDraft } from "./draft.js";
export {
  compileOverrideValidator,
  enabledUnknownSubcharts,
  standaloneValidatorModule,
  type CreateValidator,
  pruneNulls,
  REDUNDANT_MESSAGE,
  redundantDefaults,
  suggestKey,
  toOverrideSchema,
  validateValues,
  type UnknownSubchart,
  type ValuesIssue,
  type ValuesSchema,
} from "./validate.js";
export { findChart, type ChartSchemaEntry } from "./registry.js";
export { generatedValuesSchema, type GeneratedSchemaMeta } from "./generated.js";
export { validateValuesFiles, validateValuesSource, type ValidateValuesFilesOptions, type ValuesFileIssue, type ValuesFilesResult } from "./files.js";
