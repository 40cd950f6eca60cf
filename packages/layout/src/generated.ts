import { Ajv, type Options } from "ajv";
import standaloneCodeModule from "ajv/dist/standalone/index.js";
import { APPLICATIONS_FOLDER, JOURNAL_FILE, LAYERS, OUTPUT_FOLDERS, RECORDS_FOLDER } from "./layers.js";
import { renderRecordSchema } from "./record.js";

/** The content of generated/layout.json: the layer table and folders for CommonJS readers (the Nx plugin). */
export function layoutJson(): string {
  return `${JSON.stringify(
    {
      $comment: "Generated from packages/layout/src/layers.ts by `npm run generate -w @homelab/layout`; do not edit.",
      layers: LAYERS.map(({ name, order, folder }) => ({ name, order, folder })),
      applicationsFolder: APPLICATIONS_FOLDER,
      outputFolders: OUTPUT_FOLDERS,
      recordsFolder: RECORDS_FOLDER,
      journalFile: JOURNAL_FILE,
    },
    null,
    2,
  )}\n`;
}

/** The options of the run-time compile this replaces: all errors, strict schema keywords. */
const RECORD_AJV_OPTIONS: Options = { allErrors: true, strict: true, code: { source: true, optimize: true } };

// ajv's standalone module is CommonJS with a default export; under NodeNext the namespace may wrap it.
const standaloneCode = ((standaloneCodeModule as unknown as { default?: unknown }).default ?? standaloneCodeModule) as (
  ajv: Ajv,
  validate: ReturnType<Ajv["compile"]>,
) => string;

/**
 * The content of generated/render-record.validate.cjs: ajv's standalone code of
 * the record schema, exporting `createValidator(require)` (`require` is the
 * caller's: it resolves ajv's run-time helpers from @homelab/layout). Reading a
 * record then compiles nothing (a compile was ~20 ms of every command that
 * reads records).
 */
export function recordValidatorModule(): string {
  const ajv = new Ajv(RECORD_AJV_OPTIONS);
  return `// Generated from packages/layout/src/record.ts by \`npm run generate -w @homelab/layout\`; do not edit.
"use strict";
exports.createValidator = function createValidator(require) {
const module = { exports: {} };
${standaloneCode(ajv, ajv.compile(renderRecordSchema))}
return module.exports;
};
`;
}
