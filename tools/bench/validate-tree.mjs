// The schema floor of a first `homelab check` (`npm run bench`): one process
// that only validates the files listed in argv[3] (one path per line) with
// kubeconform compiled to wasm, from the CLI's build, at Kubernetes argv[2]
// with the default schemas: no YAML parse in JavaScript, model or policy.
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const { createValidator } = await import(pathToFileURL(path.join(import.meta.dirname, "../../packages/cli/build/kubeconform-wasm.mjs")).href);
const files = readFileSync(process.argv[3], "utf8")
  .split("\n")
  .filter(Boolean)
  .map((file) => ({ file, text: readFileSync(file, "utf8") }));
const validator = await createValidator({ kubernetesVersion: process.argv[2], strict: true });
const diagnostics = await validator.validate(files);
validator.close();
console.log(`${files.length} file(s), ${diagnostics.length} diagnostic(s)`);
