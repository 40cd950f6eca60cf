import { APPLICATIONS_FOLDER, JOURNAL_FILE, LAYERS, OUTPUT_FOLDERS, RECORDS_FOLDER } from "./layers.js";

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
