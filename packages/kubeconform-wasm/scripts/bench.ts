/**
 * Quick side-by-side: the wasm validator against the native kubeconform built
 * from the same Go module, on a synthetic tree of N documents.
 *   node --import tsx scripts/bench.ts [--documents 5000] [--threads N] [--out DIR]
 * With --out, only writes the synthetic tree to DIR (for profiling).
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { homelab } from "@homelab/cluster";
import { build, createValidator } from "../src/index.js";
import { schemasRoot } from "../src/artifacts.js";

const { values } = parseArgs({ options: { documents: { type: "string", default: "5000" }, out: { type: "string" }, threads: { type: "string" } } });
const total = Number(values.documents);
const kubernetesVersion = homelab.kubernetes.version;
const { native } = await build({ kubernetesVersion, log: (l) => console.log(l) });

const templates = [
  (i: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-${i}
  labels: {app.kubernetes.io/name: app-${i}}
spec:
  replicas: 2
  selector: {matchLabels: {app.kubernetes.io/name: app-${i}}}
  template:
    metadata: {labels: {app.kubernetes.io/name: app-${i}}}
    spec:
      containers:
        - name: app
          image: registry.example/app:${i}
          ports: [{name: http, containerPort: 8080}]
          resources: {requests: {cpu: 100m, memory: 64Mi}, limits: {memory: 128Mi}}
          readinessProbe: {httpGet: {path: /healthz, port: http}}
`,
  (i: number) => `apiVersion: v1
kind: Service
metadata: {name: app-${i}}
spec:
  selector: {app.kubernetes.io/name: app-${i}}
  ports: [{name: http, port: 80, targetPort: http}]
`,
  (i: number) => `apiVersion: v1
kind: ConfigMap
metadata: {name: app-${i}}
data: {LOG_LEVEL: info, FEATURE: "true"}
`,
  (i: number) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: app-${i}}
spec:
  rules:
    - host: app-${i}.example.org
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: app-${i}, port: {name: http}}}}]}
`,
];

const dir = values.out ?? mkdtempSync(path.join(tmpdir(), "kubeconform-bench-"));
try {
  const perFile = 10;
  for (let f = 0; f * perFile < total; f++) {
    const docs = [];
    for (let d = 0; d < perFile && f * perFile + d < total; d++) docs.push(templates[(f * perFile + d) % templates.length]!(f * perFile + d));
    mkdirSync(path.join(dir, `c${f % 20}`), { recursive: true });
    writeFileSync(path.join(dir, `c${f % 20}`, `f${f}.yaml`), docs.join("---\n"));
  }
  if (values.out) process.exit(0);
  const files = readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));

  const time = (fn: () => unknown): number => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  };
  const nativeRun = (workers: number) =>
    time(() =>
      execFileSync(native!, ["-strict", "-summary", "-n", String(workers), "-schema-location", schemasRoot, "-kubernetes-version", kubernetesVersion, dir], {
        stdio: "pipe",
      }),
    );
  nativeRun(1); // warm the page cache
  const native1 = nativeRun(1);
  const native4 = nativeRun(4);

  const start = performance.now();
  const validator = await createValidator({ kubernetesVersion, ...(values.threads ? { threads: Number(values.threads) } : {}) });
  const loaded = performance.now();
  const manifests = files.map((file) => ({ file, text: readFileSync(file, "utf8") }));
  const diagnostics = await validator.validate(manifests);
  const first = performance.now();
  const again = performance.now();
  await validator.validate(manifests);
  const second = performance.now();
  if (diagnostics.length) throw new Error(`synthetic tree is not clean: ${JSON.stringify(diagnostics[0])}`);

  const wasmTotal = first - start;
  console.log(`${total} documents in ${files.length} files, Kubernetes ${kubernetesVersion}`);
  console.log(`native kubeconform -n 1 (process):   ${native1.toFixed(0)} ms`);
  console.log(`native kubeconform -n 4 (process):   ${native4.toFixed(0)} ms`);
  console.log(`wasm load (compile + instantiate):   ${(loaded - start).toFixed(0)} ms`);
  console.log(`wasm first batch (read + validate):  ${(first - loaded).toFixed(0)} ms`);
  console.log(`wasm total (load + first batch):     ${wasmTotal.toFixed(0)} ms`);
  console.log(`wasm warm batch (schemas cached):    ${(second - again).toFixed(0)} ms`);
  console.log(`ratio wasm total / native -n 1:      ${(wasmTotal / native1).toFixed(2)}x`);
  console.log(`ratio wasm total / native -n 4:      ${(wasmTotal / native4).toFixed(2)}x`);
  validator.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
