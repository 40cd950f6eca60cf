/**
 * `npm run fuzz`: the YAML-to-findings path (the input loader, the model,
 * schema validation through kubeconform-wasm, the OPA policies, every report
 * format) under generated hostile input, for a bounded time. Not part of
 * `npm test`.
 *
 * Property-based fuzzing with fast-check and an unbounded run budget stopped
 * by the clock, not coverage-guided Jazzer.js: its native part is prebuilt for
 * glibc 2.38+ only (`GLIBC_2.38 not found` on Debian 12's 2.36 here), and
 * building it needs cmake, which `npm ci` does not run.
 *
 * The property: whatever the files hold, check returns findings or throws a
 * HomelabError (exit 2) naming a file — never another error (exit 70), never
 * a hang (each case has a deadline).
 *
 *   FUZZ_SECONDS=60 (default)   how long to run
 *   FUZZ_SEED=<n>               replay a run (printed on failure, with the path)
 *   FUZZ_SCHEMA=0               skip schema validation (policies only, faster)
 *   FUZZ_CASE_MS=20000          a case taking longer is reported as a hang
 *   FUZZ_TRACE=<file>           append each case before running it (finds a case that blocks the process)
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { check, formatResult, FORMATS } from "@homelab/check";
import { isHomelabError } from "@homelab/errors";
import { yamlBytes, yamlHostile } from "@homelab/yaml/testing";

const seconds = Number(process.env.FUZZ_SECONDS ?? 60);
const seed = process.env.FUZZ_SEED === undefined ? Date.now() : Number(process.env.FUZZ_SEED);
const withSchema = process.env.FUZZ_SCHEMA !== "0";
/** A case that takes longer than this is a hang. */
const CASE_DEADLINE_MS = Number(process.env.FUZZ_CASE_MS ?? 20_000);

const NAMES = [
  "cluster-init-apps/metallb/values.yaml",
  "cluster-init-apps/metallb/manifests/pool.yaml",
  "cluster-workload-apps/app/manifests/list.yaml",
  "apps-root-config/applications/app.yaml",
  "charts/wrapper/Chart.yaml",
  "charts/wrapper/values.yaml",
  "charts/wrapper/templates/t.yaml",
  ".homelab/waivers.yaml",
  ".homelabignore",
  "x.yml",
];

const BODY = fc.constantFrom(
  "stringData:\n  password: hunter2\n",
  "data:\n  api_token: abc123\n",
  "spec:\n  replicas: 1\n",
  "items:\n  - apiVersion: v1\n    kind: Secret\n    metadata: { name: s, namespace: apps }\n    stringData: { password: x }\n",
  "spec:\n  source:\n    repoURL: https://charts.example.test\n    chart: demo\n    targetRevision: 1.0.0\n    helm:\n      valueFiles: [$values/../../etc/passwd, values.yaml]\n      valuesObject: { password: x }\n",
  "spec:\n  routes:\n    - match: Host(`x`) || PathPrefix(`/`)\n      services: [{ name: x, port: 80 }]\n",
  "",
);
const OBJECT = fc
  .record({
    kind: fc.constantFrom("Secret", "ConfigMap", "List", "SecretList", "Application", "ApplicationSet", "IngressRoute", "Deployment"),
    apiVersion: fc.constantFrom("v1", "apps/v1", "argoproj.io/v1alpha1", "traefik.io/v1alpha1"),
    namespace: fc.constantFrom("apps", "", "x".repeat(70)),
    body: BODY,
    noise: fc.oneof({ weight: 3, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }),
  })
  .map(({ kind, apiVersion, namespace, body, noise }) =>
    new TextEncoder().encode(
      `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: x\n${namespace ? `  namespace: ${namespace}\n` : ""}${body}${noise}`,
    ),
  );

type Entry = { name: string; bytes: Uint8Array } | { name: string; link: string } | { name: string; fifo: true };

const entry: fc.Arbitrary<Entry> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      name: fc.constantFrom(...NAMES),
      bytes: fc.oneof(
        { weight: 2, arbitrary: yamlBytes(80) },
        { weight: 6, arbitrary: OBJECT },
        { weight: 1, arbitrary: yamlHostile.map((t) => new TextEncoder().encode(t)) },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ name: fc.constantFrom(...NAMES), link: fc.constantFrom("/etc/passwd", "..", "missing.yaml", "x.yml", "/") }) },
  { weight: 1, arbitrary: fc.record({ name: fc.constantFrom(...NAMES), fifo: fc.constant(true as const) }) },
);

function build(entries: Entry[]): string {
  const dir = mkdtempSync(join(tmpdir(), "homelab-fuzz-"));
  const taken = new Set<string>();
  for (const e of entries) {
    // One entry per name: writing to a name that is already a FIFO would block the fuzzer itself.
    if (taken.has(e.name)) continue;
    taken.add(e.name);
    const abs = join(dir, e.name);
    try {
      mkdirSync(dirname(abs), { recursive: true });
      if ("bytes" in e) writeFileSync(abs, e.bytes);
      else if ("link" in e) symlinkSync(e.link, abs);
      else execFileSync("mkfifo", [abs], { stdio: "ignore" });
    } catch {
      // A folder of the path is a file or a link already: keep what exists.
    }
  }
  return dir;
}

async function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what} took more than ${CASE_DEADLINE_MS} ms`)), CASE_DEADLINE_MS);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

let cases = 0;
let findings = 0;
let inputErrors = 0;
const started = Date.now();
console.log(`fuzz: YAML → loader → check (${withSchema ? "schema + " : ""}policies) → reports for ${seconds} s, seed ${seed}`);
const result = await fc.check(
  fc.asyncProperty(fc.array(entry, { minLength: 1, maxLength: 6 }), fc.constantFrom(...FORMATS), async (entries, format) => {
    const dir = build(entries);
    if (process.env.FUZZ_TRACE)
      appendFileSync(
        process.env.FUZZ_TRACE,
        `${JSON.stringify(entries.map((e) => ("bytes" in e ? { name: e.name, text: Buffer.from(e.bytes).toString("latin1") } : e)))}\n`,
      );
    try {
      const outcome = await withDeadline(
        check({ dir, root: dir, schema: withSchema }).then((r) => {
          formatResult(r, format);
          return r;
        }),
        "check",
      );
      findings += outcome.violations.length;
    } catch (error) {
      if (!isHomelabError(error)) throw error;
      inputErrors++;
    } finally {
      cases++;
      rmSync(dir, { recursive: true, force: true });
    }
  }),
  { seed, numRuns: Number.MAX_SAFE_INTEGER, interruptAfterTimeLimit: seconds * 1000, markInterruptAsFailure: false },
);
console.log(`fuzz: ${cases} case(s) in ${Math.round((Date.now() - started) / 1000)} s: ${findings} finding(s), ${inputErrors} exit-2 input error(s)`);
if (result.failed) {
  console.error(fc.defaultReportMessage(result) ?? "fuzz: a case failed");
  console.error(`fuzz: replay with FUZZ_SEED=${seed}`);
  process.exitCode = 1;
} else {
  console.log("fuzz: no case gave anything but findings or an exit-2 input error");
}
