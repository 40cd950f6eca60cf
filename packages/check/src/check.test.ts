import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { recordFixtureText } from "@homelab/layout/testing";
// @ts-expect-error: plain .mjs build script without types
import { buildPolicy } from "../../policy/scripts/build.mjs";
import { caseDirs, generate, INPUTS } from "../scripts/fixtures.js";
import { check, formatGithub, formatJson, formatJunit, formatSarif, formatText, type SchemaValidator } from "./index.js";

const NOW = new Date("2026-06-15T12:00:00Z");

beforeAll(() => {
  buildPolicy();
});

const temps: string[] = [];
afterEach(() => {
  for (const t of temps.splice(0)) rmSync(t, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "homelab-check-"));
  temps.push(dir);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), text);
  }
  return dir;
}

describe("rule fixtures through the wasm path (same trees as the Rego tests)", () => {
  for (const c of caseDirs()) {
    it(`${c.rule}/${c.name}`, async () => {
      const expected = JSON.parse(readFileSync(join(c.dir, "expected.json"), "utf8")) as string[];
      if (c.name === "pass") expect(expected).toEqual([]);
      else expect(expected.length).toBeGreaterThan(0);
      const result = await check({ dir: c.dir, root: c.dir, schema: false, now: NOW });
      expect(result.violations.filter((v) => v.rule === c.rule).map((v) => `${v.code} ${v.file}:${v.line}`)).toEqual(expected);
    });
  }

  it("the Rego tests' inputs are generated from these trees and current", () => {
    for (const [name, text] of generate()) expect(readFileSync(join(INPUTS, name), "utf8"), name).toBe(text);
  });
});

const APP = `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: whoami
  namespace: argocd
spec:
  project: default
  sources:
    - repoURL: https://traefik.github.io/charts
      chart: traefik
      targetRevision: 41.3.0
      helm:
        valueFiles:
          - $values/cluster-init-apps/traefik/values.yaml
    - repoURL: https://github.com/example/gitops.git
      targetRevision: main
      ref: values
    - repoURL: https://github.com/example/gitops.git
      targetRevision: main
      path: cluster-workload-apps/whoami
  destination:
    server: https://kubernetes.default.svc
    namespace: whoami
`;
const VALUES = `deployment:
  replicas: 3
podDisruptionBudget:
  enabled: true
ports:
  web:
    http:
      redirections:
        entryPoint:
          to: websecure
          scheme: https
          permanent: true
`;
const ROUTE = `apiVersion: traefik.io/v1alpha1
kind: IngressRoute
metadata:
  name: whoami
  namespace: whoami
  annotations:
    kubernetes.io/ingress.class: traefik-public
spec:
  entryPoints:
    - websecure
  tls: {}
  routes:
    - match: Host(\`whoami.example.com\`)
      kind: Rule
      services:
        - name: whoami
          port: 80
`;

function gitops(extra: Record<string, string> = {}): string {
  return tree({
    "apps-root-config/whoami.yaml": APP,
    "cluster-init-apps/traefik/values.yaml": VALUES,
    "cluster-workload-apps/whoami/route.yaml": ROUTE,
    ".homelabignore": "retired/\n",
    "retired/old.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: old}\nstringData: {password: x}\n",
    ...extra,
  });
}

describe("hand-written GitOps tree end to end", () => {
  it("finds the unprotected public route at its line, with the Application as component", async () => {
    const dir = gitops();
    const result = await check({ dir, root: dir, schema: false, now: NOW });
    expect(result.violations).toEqual([
      {
        rule: "forward-auth",
        severity: "error",
        component: "whoami",
        file: "cluster-workload-apps/whoami/route.yaml",
        line: 13,
        column: 7,
        code: "route-unprotected",
        kind: "IngressRoute",
        name: "whoami",
        namespace: "whoami",
        message:
          "public IngressRoute routes[0] (Host(`whoami.example.com`)) has no Authentik forward-auth middleware (directly or in a chain); add it, or annotate homelab.dev/auth: oidc if the app authenticates itself",
      },
    ]);
    expect(result.exitCode).toBe(1);
    expect(result.summary).toMatchObject({ files: 2, documents: 2, errors: 1, warnings: 0, waived: 0 });
    const json = JSON.parse(formatJson(result)) as { violations: Record<string, unknown>[]; summary: Record<string, unknown> };
    expect(Object.keys(json.violations[0]!).slice(0, 6)).toEqual(["rule", "severity", "component", "file", "line", "column"]);
    expect(json.summary.exitCode).toBe(1);
  });

  it("a re-run answered by the memos (parsed documents, policy reports) reports the same findings at the same lines", async () => {
    const cache = tree({});
    const before = process.env.HOMELAB_CACHE_DIR;
    process.env.HOMELAB_CACHE_DIR = cache;
    try {
      const dir = gitops();
      const first = await check({ dir, root: dir, schema: false, now: NOW });
      expect(first.violations.map((v) => `${v.code} ${v.file}:${v.line}:${v.column}`)).toEqual([
        "route-unprotected cluster-workload-apps/whoami/route.yaml:13:7",
      ]);
      expect(readdirSync(join(cache, "yaml-documents"))).toEqual(["documents.v8"]);
      expect(readdirSync(join(cache, "policy-reports"))).toHaveLength(1);
      const again = await check({ dir, root: dir, schema: false, now: NOW });
      expect(again).toEqual(first);
      // An edit moves the finding: the changed file is parsed again and the policies judge the new input.
      writeFileSync(join(dir, "cluster-workload-apps/whoami/route.yaml"), `# moved down\n${ROUTE}`);
      const edited = await check({ dir, root: dir, schema: false, now: NOW });
      expect(edited.violations.map((v) => `${v.code} ${v.file}:${v.line}`)).toEqual(["route-unprotected cluster-workload-apps/whoami/route.yaml:14"]);
    } finally {
      if (before === undefined) delete process.env.HOMELAB_CACHE_DIR;
      else process.env.HOMELAB_CACHE_DIR = before;
    }
  });

  it("passes once the route carries the forward-auth middleware; public classes are configurable", async () => {
    const fixed = ROUTE.replace(
      "      services:",
      "      middlewares:\n        - name: authentik-forward-auth\n          namespace: authentik\n      services:",
    );
    const dir = gitops({ "cluster-workload-apps/whoami/route.yaml": fixed });
    const result = await check({ dir, root: dir, schema: false, now: NOW });
    expect(result.violations).toEqual([]);
    expect(result.exitCode).toBe(0);
    const other = await check({ dir: gitops(), schema: false, now: NOW, publicClasses: ["internet"] });
    expect(other.violations).toEqual([]);
  });

  it("reports malformed YAML as a HomelabError with file and line", async () => {
    const dir = gitops({ "cluster-workload-apps/whoami/broken.yaml": "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: [1, 2\n  b: 3\n" });
    const error = await check({ dir, schema: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomelabError);
    expect((error as HomelabError).code).toBe("SYNTAX");
    expect((error as HomelabError).position?.file).toBe("cluster-workload-apps/whoami/broken.yaml");
    expect((error as HomelabError).position?.line).toBe(5);
  });

  it("sets Helm templates aside instead of failing on them", async () => {
    const dir = gitops({ "charts/app/templates/deploy.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n" });
    const result = await check({ dir, root: dir, schema: false, now: NOW });
    expect(result.skipped).toEqual([{ file: "charts/app/templates/deploy.yaml", reason: "Helm template: not checked until rendered" }]);
  });
});

describe("waivers", () => {
  const waivers = (expires: string, name = "whoami") => `waivers:
  - rule: forward-auth
    match:
      kind: IngressRoute
      name: ${name}
    reason: whoami is a public echo service
    expires: ${expires}
`;

  it("applies a current waiver and lists it in the report", async () => {
    const dir = gitops({ ".homelab/waivers.yaml": waivers("2026-12-31") });
    const result = await check({ dir, root: dir, schema: false, now: NOW });
    expect(result.violations).toEqual([]);
    expect(result.waivers).toEqual([
      {
        rule: "forward-auth",
        component: null,
        reason: "whoami is a public echo service",
        expires: "2026-12-31",
        declaredIn: ".homelab/waivers.yaml:2",
        covers: [{ file: "cluster-workload-apps/whoami/route.yaml", line: 13, message: expect.stringContaining("public IngressRoute") }],
      },
    ]);
    expect(result.summary.waived).toBe(1);
    expect(formatText(result)).toContain("Waivers applied:\n  forward-auth until 2026-12-31: whoami is a public echo service (.homelab/waivers.yaml:2)");
  });

  it("an expired waiver is an error at its expires line and no longer hides the finding", async () => {
    const dir = gitops({ ".homelab/waivers.yaml": waivers("2026-06-14") });
    const result = await check({ dir, root: dir, schema: false, now: NOW });
    expect(result.violations.map((v) => `${v.rule}/${v.code} ${v.severity} ${v.file}:${v.line}`)).toEqual([
      "waiver/expired error .homelab/waivers.yaml:7",
      "forward-auth/route-unprotected error cluster-workload-apps/whoami/route.yaml:13",
    ]);
    expect(result.exitCode).toBe(1);
  });

  it("an unused waiver is a warning", async () => {
    const dir = gitops({ ".homelab/waivers.yaml": waivers("2026-12-31", "other") });
    const result = await check({ dir, root: dir, schema: false, now: NOW });
    expect(result.violations.map((v) => `${v.rule}/${v.code} ${v.severity} ${v.file}:${v.line}`)).toEqual([
      "waiver/unused warning .homelab/waivers.yaml:2",
      "forward-auth/route-unprotected error cluster-workload-apps/whoami/route.yaml:13",
    ]);
  });

  it("a waiver without a reason is bad input with its line", async () => {
    const dir = gitops({ ".homelab/waivers.yaml": "waivers:\n  - rule: forward-auth\n    expires: 2026-12-31\n" });
    const error = await check({ dir, root: dir, schema: false, now: NOW }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomelabError);
    expect((error as HomelabError).message).toBe("waiver needs a non-empty `reason`");
    expect((error as HomelabError).position).toEqual({ file: ".homelab/waivers.yaml", line: 2, column: 5 });
  });

  it("render records carry component waivers scoped to their component", async () => {
    const text = recordFixtureText({
      component: "whoami",
      layer: "apps",
      contents: { "cluster-workload-apps/whoami/route.yaml": "kind: IngressRoute\n" },
      waivers: [{ rule: "forward-auth", match: { kind: "IngressRoute" }, reason: "demo", expires: "2026-12-31" }],
    });
    const dir = gitops({ ".homelab/rendered/whoami.json": text });
    const result = await check({ dir, schema: false, now: NOW });
    expect(result.violations).toEqual([]);
    // The waiver item starts on the line of its `{`, the one above its first key.
    const waiverLine = text.split("\n").findIndex((line) => line.includes('"rule": "forward-auth"'));
    expect(result.waivers.map((w) => [w.component, w.declaredIn])).toEqual([["whoami", `.homelab/rendered/whoami.json:${waiverLine}`]]);
  });
});

describe("schema validation step", () => {
  it("runs the injected validator first and reports its diagnostics as rule schema", async () => {
    const dir = gitops();
    const seen: string[] = [];
    const validator: SchemaValidator = {
      async validate(files) {
        seen.push(...files.map((f) => f.file));
        return [
          {
            file: "cluster-workload-apps/whoami/route.yaml",
            line: 9,
            documentIndex: 0,
            kind: "IngressRoute",
            path: "spec.entryPoints",
            message: "expected array",
            code: "invalid",
          },
        ];
      },
      close() {},
    };
    const result = await check({ dir, root: dir, validator, now: NOW });
    expect(seen).toEqual(["apps-root-config/whoami.yaml", "cluster-workload-apps/whoami/route.yaml"]);
    expect(result.violations.map((v) => `${v.rule} ${v.component} ${v.file}:${v.line} ${v.message}`)).toEqual([
      "schema whoami cluster-workload-apps/whoami/route.yaml:9 spec.entryPoints: expected array",
      expect.stringMatching(/^forward-auth whoami cluster-workload-apps\/whoami\/route.yaml:13 /),
    ]);
  });
});

describe("formats", () => {
  it("github, sarif and junit carry rule, file and line", async () => {
    const dir = gitops();
    const result = await check({ dir, root: dir, schema: false, now: NOW });
    const github = formatGithub(result, { pathPrefix: "repo" }).split("\n");
    expect(github[0]).toMatch(/^::error file=repo\/cluster-workload-apps\/whoami\/route.yaml,line=13,col=7,title=forward-auth::public IngressRoute/);
    const sarif = JSON.parse(formatSarif(result));
    expect(sarif.runs[0].results[0]).toMatchObject({
      ruleId: "forward-auth",
      level: "error",
      locations: [{ physicalLocation: { artifactLocation: { uri: "cluster-workload-apps/whoami/route.yaml" }, region: { startLine: 13 } } }],
    });
    expect(sarif.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toContain("schema");
    const junit = formatJunit(result);
    expect(junit).toContain('<testsuite name="forward-auth" tests="1" failures="1" skipped="0">');
    expect(junit).toContain('name="cluster-workload-apps/whoami/route.yaml:13:7" file="cluster-workload-apps/whoami/route.yaml" line="13"');
  });

  it("filters to the requested components", async () => {
    const dir = gitops();
    const result = await check({ dir, root: dir, schema: false, now: NOW, components: ["traefik"] });
    expect(result.violations).toEqual([]);
  });
});
