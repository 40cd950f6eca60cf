// Writes generated/layout.json from src/layers.ts for the CommonJS Nx plugin,
// which cannot import TypeScript. layout.test.ts fails when it is out of date.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { layoutJson } from "../src/generated.js";

writeFileSync(fileURLToPath(new URL("../generated/layout.json", import.meta.url)), layoutJson());
