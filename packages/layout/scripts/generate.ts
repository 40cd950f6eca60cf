// Writes generated/layout.json from src/layers.ts for the CommonJS Nx plugin,
// which cannot import TypeScript, and the render record's precompiled validator.
// record.test.ts fails when either is out of date.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { layoutJson, recordValidatorModule } from "../src/generated.js";

writeFileSync(fileURLToPath(new URL("../generated/layout.json", import.meta.url)), layoutJson());
writeFileSync(fileURLToPath(new URL("../generated/render-record.validate.cjs", import.meta.url)), recordValidatorModule());
