/**
 * Writes generated/builtin-api.ts: the built-in API resources of the cluster's
 * Kubernetes version (@homelab/cluster), from the `k8s.io/kubernetes` module
 * fetched through the Go module proxy. `--check` exits 1 when the committed
 * file differs (the freshness test runs the same comparison).
 */
import { writeFileSync } from "node:fs";
import { homelab } from "@homelab/cluster";
import { generatedBuiltinApi, generatedBuiltinApiPath } from "../src/builtin-api-source.js";

const check = process.argv.includes("--check");
const version = homelab.kubernetes.version;
const { content, current } = await generatedBuiltinApi(version);
if (check) {
  if (current === content) {
    process.stdout.write(`${generatedBuiltinApiPath} is current for Kubernetes ${version}\n`);
  } else {
    process.stderr.write(`${generatedBuiltinApiPath} is stale for Kubernetes ${version}: run npm run generate -w @homelab/hydrate\n`);
    process.exitCode = 1;
  }
} else {
  writeFileSync(generatedBuiltinApiPath, content);
  process.stdout.write(`wrote ${generatedBuiltinApiPath} (Kubernetes ${version})\n`);
}
