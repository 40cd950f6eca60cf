// changesets loads its changelog generator with require(); the generator is
// TypeScript (src/changelog.ts), compiled on load by tsx like the rest of the repo.
"use strict";
const { require: tsxRequire } = require("tsx/cjs/api");

module.exports = tsxRequire("./src/changelog.ts", __filename);
