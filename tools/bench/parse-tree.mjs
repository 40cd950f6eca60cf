// The YAML floor of a first `homelab check` (`npm run bench`): one process that
// only parses the files listed in argv[2] (one path per line) as check's
// loader must, with the `yaml` package @homelab/yaml uses: every document with
// positions (a line counter), then its value. No schema, model or policy.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const yaml = createRequire(path.join(import.meta.dirname, "../../packages/yaml/package.json"))("yaml");
let documents = 0;
for (const file of readFileSync(process.argv[2], "utf8").split("\n").filter(Boolean)) {
  const lineCounter = new yaml.LineCounter();
  for (const doc of yaml.parseAllDocuments(readFileSync(file, "utf8"), { version: "1.2", lineCounter, uniqueKeys: false, prettyErrors: false })) {
    doc.toJS();
    documents++;
  }
}
console.log(`${documents} document(s)`);
