import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { charts } from "@homelab/charts";
import { check } from "@homelab/check";
import { HomelabError } from "@homelab/errors";
import { createTempGitRepo, type TempGitRepo } from "@homelab/test-fixtures";
import { validateValuesFiles } from "@homelab/values";
import { compareDeployed, formatImportResult, importComponent, tsLiteral, type ImportResult } from "./index.js";
import { WHOAMI_CHART, WRAPPER_REPO } from "./fixture.js";

const PACKAGE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const REPO_ROOT = path.resolve(PACKAGE_DIR, "../..");

let repo: TempGitRepo;
let chartDir: string;
// Import targets live inside this repository (gitignored .tmp/) so the written packages resolve @homelab/* like real ones.
const roots: string[] = [];
function newRoot(): string {
  mkdirSync(path.join(PACKAGE_DIR, ".tmp"), { recursive: true });
  const root = mkdtempSync(path.join(PACKAGE_DIR, ".tmp", "root-"));
  roots.push(root);
  return root;
}

beforeAll(async () => {
  repo = await createTempGitRepo("homelab-adopt-");
  await repo.commit("hand-written gitops repo", WRAPPER_REPO);
  chartDir = mkdtempSync(path.join(tmpdir(), "homelab-whoami-chart-"));
  for (const [file, text] of Object.entries(WHOAMI_CHART)) {
    mkdirSync(path.dirname(path.join(chartDir, file)), { recursive: true });
    writeFileSync(path.join(chartDir, file), text);
  }
});

afterAll(async () => {
  await repo?.cleanup();
  if (chartDir) rmSync(chartDir, { recursive: true, force: true });
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

/** Values equal to the chart default are reported as redundant (warnings); these tests are about the other findings. */
const notRedundant = (v: { code?: string }) => v.code !== "redundant-default";

describe("homelab check on a wrapper-chart repository", () => {
  it("finds the misspelled key and nothing else; templates are listed once as not checked", async () => {
    const result = await check({ dir: repo.dir });
    expect(
      result.violations.filter(notRedundant).map((v) => `${v.rule} ${v.code} ${v.severity} ${v.file}:${v.line}:${v.column} [${v.component}] ${v.message}`),
    ).toEqual([
      'values unknown-key error cluster-init-apps/metallb/values.yaml:7:5 [metallb] speaker.tolerateMastr: unknown key "tolerateMastr"; did you mean "tolerateMaster"? (chart metallb@0.16.1)',
    ]);
    // The hand-written repository sets some values to what the chart already defaults to: warnings, never errors.
    expect(result.violations.filter((v) => !notRedundant(v)).map((v) => `${v.severity} ${v.file}:${v.line} ${v.message}`)).toEqual([
      "warning cluster-init-apps/cert-manager/values.yaml:7 global: redundant: the chart default is the same (chart cert-manager@v1.21.1)",
      "warning cluster-init-apps/metallb/values.yaml:2 crds: redundant: the chart default is the same (chart metallb@0.16.1)",
      "warning cluster-init-apps/metallb/values.yaml:5 speaker.frr: redundant: the chart default is the same (chart metallb@0.16.1)",
      "warning cluster-init-apps/metallb/values.yaml:8 controller: redundant: the chart default is the same (chart metallb@0.16.1)",
      "warning cluster-platform-apps/cloudnative-pg/values.yaml:1 replicaCount: redundant: the chart default is the same (chart cloudnative-pg@0.29.0)",
      "warning cluster-platform-apps/cloudnative-pg/values.yaml:2 crds: redundant: the chart default is the same (chart cloudnative-pg@0.29.0)",
      "warning cluster-platform-apps/cloudnative-pg/values.yaml:4 monitoring: redundant: the chart default is the same (chart cloudnative-pg@0.29.0)",
    ]);
    expect(result.skipped).toEqual([
      { file: "apps-root-config/templates/applications.yaml", reason: "Helm template: not checked until rendered" },
      { file: "cluster-critical-apps/traefik/templates/dashboard.yaml", reason: "Helm template: not checked until rendered" },
    ]);
    expect(result.rules.map((r) => r.id)).toContain("values");
    // Plain manifests (pools, L2Advertisement, ClusterIssuer) and the two Applications; not the tool configs or values files.
    expect(result.summary.files).toBe(4);
    expect(result.exitCode).toBe(1);
  });

  it("exits 0 once the only finding is out of scope: the retired folder and the templates never make it 2", async () => {
    const result = await check({ dir: repo.dir, ignore: ["cluster-init-apps/metallb/"] });
    expect(result.violations.filter(notRedundant)).toEqual([]);
    expect(result.violations.every((v) => v.severity === "warning")).toBe(true);
    expect(result.exitCode).toBe(0);
  });

  it("applies value-level rules to the nested block of a wrapper chart (alias), at the nested line", async () => {
    await repo.write({ "cluster-critical-apps/traefik/values.yaml": "public:\n  deployment:\n    replicas: 1\n  podDisruptionBudget:\n    enabled: true\n" });
    try {
      const result = await check({ dir: repo.dir, schema: false, ignore: ["cluster-init-apps/metallb/"] });
      expect(result.violations.filter(notRedundant).map((v) => `${v.rule} ${v.code} ${v.file}:${v.line}`)).toEqual([
        "https-only traefik-no-redirect cluster-critical-apps/traefik/values.yaml:1",
        "replica-count traefik-replicas cluster-critical-apps/traefik/values.yaml:3",
      ]);
    } finally {
      await repo.write({ "cluster-critical-apps/traefik/values.yaml": WRAPPER_REPO["cluster-critical-apps/traefik/values.yaml"]! });
    }
  });
});

describe("homelab values validate on a wrapper chart's values.yaml", () => {
  it("validates the block under the dependency's name or alias with that chart's schema, positions in the real file", async () => {
    const result = await validateValuesFiles({
      files: ["cluster-init-apps/metallb/values.yaml", "cluster-critical-apps/traefik/values.yaml", "cluster-init-apps/cert-manager/values.yaml"],
      cwd: repo.dir,
      charts,
    });
    expect(result.blocks.map((b) => `${b.file} ${b.key} ${b.chart.name}@${b.chart.version}`)).toEqual([
      "cluster-init-apps/metallb/values.yaml metallb metallb@0.16.1",
      "cluster-critical-apps/traefik/values.yaml public traefik@41.3.0",
      "cluster-init-apps/cert-manager/values.yaml cert-manager cert-manager@v1.21.1",
    ]);
    expect(result.issues.filter((i) => i.severity !== "note").map((i) => `${i.file}:${i.line}:${i.column} ${i.jsonPath}: ${i.message}`)).toEqual([
      'cluster-init-apps/metallb/values.yaml:7:5 metallb.speaker.tolerateMastr: unknown key "tolerateMastr"; did you mean "tolerateMaster"?',
    ]);
    expect(result.issues.filter((i) => i.severity === "note").map((i) => `${i.file}:${i.line} ${i.jsonPath}`)).toEqual([
      "cluster-init-apps/metallb/values.yaml:2 metallb.crds",
      "cluster-init-apps/metallb/values.yaml:5 metallb.speaker.frr",
      "cluster-init-apps/metallb/values.yaml:8 metallb.controller",
      "cluster-init-apps/cert-manager/values.yaml:7 cert-manager.global",
    ]);
  });
});

describe("homelab import", () => {
  const imported = new Map<string, ImportResult>();
  let root: string;

  beforeAll(async () => {
    root = newRoot();
    for (const folder of [
      "cluster-init-apps/metallb",
      "cluster-critical-apps/traefik",
      "cluster-init-apps/cert-manager",
      "cluster-platform-apps/cloudnative-pg",
    ]) {
      imported.set(folder, await importComponent({ folder: path.join(repo.dir, folder), root }));
    }
    imported.set("cluster-workload-apps/whoami", await importComponent({ folder: path.join(repo.dir, "cluster-workload-apps/whoami"), root, chartDir }));
  }, 60_000);

  it("renders every imported component semantically equal to its original", () => {
    expect(
      [...imported.entries()].map(
        ([folder, r]) => `${folder} → ${r.component} ${r.layer} ${r.chart.name}@${r.chart.version} ${r.types} equal=${r.comparison.equal}`,
      ),
    ).toEqual([
      "cluster-init-apps/metallb → metallb init metallb@0.16.1 registry equal=true",
      "cluster-critical-apps/traefik → traefik critical traefik@41.3.0 registry equal=true",
      "cluster-init-apps/cert-manager → cert-manager init cert-manager@v1.21.1 registry equal=true",
      "cluster-platform-apps/cloudnative-pg → cloudnative-pg platform cloudnative-pg@0.29.0 registry equal=true",
      "cluster-workload-apps/whoami → whoami apps whoami@1.2.0 codegen equal=true",
    ]);
    for (const r of imported.values()) expect(r.comparison.differences).toEqual([]);
  });

  it("reports the misspelled key with its suggestion and leaves it out with a TODO where it was", () => {
    const metallb = imported.get("cluster-init-apps/metallb")!;
    expect(metallb.unknownKeys).toEqual([
      {
        path: "speaker.tolerateMastr",
        key: "tolerateMastr",
        suggestion: "tolerateMaster",
        file: "cluster-init-apps/metallb/values.yaml",
        line: 7,
        column: 5,
        value: true,
        message: 'unknown key "tolerateMastr"; did you mean "tolerateMaster"?',
      },
    ]);
    const source = readFileSync(path.join(root, "packages/components/metallb/src/index.ts"), "utf8");
    expect(source).toContain(
      '  speaker: {\n    frr: {\n      enabled: false,\n    },\n    // TODO(homelab import): left out "tolerateMastr": true: the chart has no such key; did you mean "tolerateMaster"? (cluster-init-apps/metallb/values.yaml:7)\n  },',
    );
    expect(formatImportResult(metallb)).toContain(
      'unknown values keys, left out (a TODO marks each in src/index.ts):\n  cluster-init-apps/metallb/values.yaml:7:5: speaker.tolerateMastr: unknown key "tolerateMastr"; did you mean "tolerateMaster"?\n',
    );
  });

  it("converts plain manifests to typed objects and keeps Go templates aside with a note", () => {
    expect(imported.get("cluster-init-apps/metallb")!.manifests).toEqual([
      "metallb.io/v1beta1 IPAddressPool metallb-system/private",
      "metallb.io/v1beta1 L2Advertisement metallb-system/private",
    ]);
    const metallb = readFileSync(path.join(root, "packages/components/metallb/src/index.ts"), "utf8");
    expect(metallb).toContain('import type { IPAddressPool, L2Advertisement } from "@homelab/crds";');
    expect(metallb).toContain("} satisfies IPAddressPool as KubernetesObject,");

    const traefik = imported.get("cluster-critical-apps/traefik")!;
    expect(traefik.templates).toEqual(["cluster-critical-apps/traefik/templates/dashboard.yaml"]);
    expect(traefik.files).toContain("packages/components/traefik/templates-unconverted/dashboard.yaml");
    expect(readFileSync(path.join(root, "packages/components/traefik/templates-unconverted/dashboard.yaml"), "utf8")).toBe(
      WRAPPER_REPO["cluster-critical-apps/traefik/templates/dashboard.yaml"],
    );
    expect(readFileSync(path.join(root, "packages/components/traefik/templates-unconverted/README.md"), "utf8")).toContain(
      "nothing in this folder is rendered or synced",
    );
  });

  it("writes a package with the chart pin, generated types, the layer from the folder and the Application's namespace", () => {
    const pkg = JSON.parse(readFileSync(path.join(root, "packages/components/cloudnative-pg/package.json"), "utf8")) as Record<string, unknown>;
    expect(pkg.name).toBe("@homelab/component-cloudnative-pg");
    expect(pkg.homelab).toEqual({
      component: "cloudnative-pg",
      chart: { name: "cloudnative-pg", version: "0.29.0", repository: "https://cloudnative-pg.github.io/charts" },
    });
    // Its generated/index.ts builds the values schema with @homelab/values at run time.
    expect(pkg.dependencies).toMatchObject({ "@homelab/values": "*" });
    const cnpg = imported.get("cluster-platform-apps/cloudnative-pg")!;
    expect(cnpg.namespace).toBe("cnpg-system");
    expect(cnpg.notes).toEqual([]);
    // valuesObject wins over the values file, as in ArgoCD; the release name is kept.
    const index = readFileSync(path.join(root, "packages/components/cloudnative-pg/src/index.ts"), "utf8");
    expect(index).toContain("const values: Values = {\n  replicaCount: 2,\n  crds: {\n    create: true,\n  },");
    expect(index).toContain('releaseName: "cnpg",');
    expect(readFileSync(path.join(root, "packages/components/cloudnative-pg/generated/schema.json"), "utf8")).toBe(
      readFileSync(path.join(REPO_ROOT, "packages/components/cloudnative-pg/generated/schema.json"), "utf8"),
    );
    expect(imported.get("cluster-init-apps/cert-manager")!.register).toEqual({
      importLine: 'import { certManager } from "@homelab/component-cert-manager";',
      factory: "certManager",
    });
  });

  it("the written packages compile against the generated Values (tsc)", () => {
    writeFileSync(
      path.join(root, "tsconfig.json"),
      JSON.stringify({ extends: path.relative(root, path.join(REPO_ROOT, "tsconfig.base.json")), include: ["packages/**/*.ts"] }),
    );
    const tsc = spawnSync(process.execPath, [path.join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], {
      encoding: "utf8",
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  }, 120_000);

  it("never overwrites an existing component package", async () => {
    const before = readFileSync(path.join(root, "packages/components/metallb/src/index.ts"), "utf8");
    const error = await importComponent({ folder: path.join(repo.dir, "cluster-init-apps/metallb"), root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomelabError);
    expect((error as HomelabError).code).toBe("CONFIG");
    expect((error as HomelabError).message).toBe("packages/components/metallb already exists: homelab import never overwrites a component package");
    expect(readFileSync(path.join(root, "packages/components/metallb/src/index.ts"), "utf8")).toBe(before);
  });
});

describe("homelab import: bad input, before anything is written", () => {
  it("a chart this repository has no schema for, without --chart-dir/--tgz, names the way out", async () => {
    const root = newRoot();
    const error = await importComponent({ folder: path.join(repo.dir, "cluster-workload-apps/whoami"), root }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HomelabError);
    expect((error as HomelabError).message).toBe("this repository has no schema for chart whoami@1.2.0, so it cannot type its values");
    expect((error as HomelabError).hint).toMatch(/--chart-dir DIR or --tgz FILE/);
    expect(existsSync(path.join(root, "packages/components/whoami"))).toBe(false);
  });

  it("a folder outside the layer folders needs --layer", async () => {
    const root = newRoot();
    const error = await importComponent({ folder: path.join(repo.dir, "apps-root-config"), root }).catch((e: unknown) => e);
    // The umbrella chart has no dependency: not a wrapper chart.
    expect((error as HomelabError).code).toBe("CHART_INVALID");
    const noLayer = await importComponent({
      folder: path.join(repo.dir, "cluster-init-apps/metallb"),
      root,
      sourceRoot: path.join(repo.dir, "cluster-init-apps"),
    }).catch((e: unknown) => e);
    expect((noLayer as HomelabError).message).toMatch(/^cannot tell the layer of metallb from its folders/);
  });
});

describe("semantic comparison", () => {
  it("lists chart, value and manifest differences; render stamps are not differences", () => {
    const original = {
      chart: { name: "metallb", version: "0.16.1", repository: "https://metallb.github.io/metallb/" },
      values: { speaker: { frr: { enabled: false } }, list: [1, 2] },
      manifests: [
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a", namespace: "x" }, data: { k: "v" } },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "gone", namespace: "x" } },
      ],
    };
    const imported = {
      chart: { name: "metallb", version: "0.16.2", repository: "https://metallb.github.io/metallb" },
      values: { speaker: { frr: { enabled: true } }, list: [1, 2] },
      manifests: [
        {
          apiVersion: "v1",
          kind: "ConfigMap",
          metadata: { name: "a", namespace: "x", labels: { "homelab.dev/component": "metallb", "homelab.dev/instance": "metallb" } },
          data: { k: "v" },
        },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "new", namespace: "x" } },
      ],
    };
    expect(compareDeployed(original, imported)).toEqual({
      equal: false,
      differences: [
        "chart: original metallb@0.16.1 from https://metallb.github.io/metallb/, imported metallb@0.16.2 from https://metallb.github.io/metallb",
        "values speaker.frr.enabled: original false, imported true",
        "manifest v1 ConfigMap x/new: only in the import",
        "manifest v1 ConfigMap x/gone: missing in the import",
      ],
    });
    expect(compareDeployed(original, { ...original, manifests: [imported.manifests[0]!, original.manifests[1]!] })).toEqual({ equal: true, differences: [] });
  });

  it("writes values as readable TypeScript literals", () => {
    expect(
      tsLiteral({ a: 1, "b-c": [true, null], s: "line one\nline two and more text to be long enough", e: {} }, 0, [{ path: ["x"], comment: "dropped" }]),
    ).toBe('{\n  a: 1,\n  "b-c": [true, null],\n  s: `line one\nline two and more text to be long enough`,\n  e: {},\n}');
    expect(tsLiteral({ x: 1, y: 2 }, 0, [{ path: ["x"], comment: "TODO: left out" }])).toBe("{\n  // TODO: left out\n  y: 2,\n}");
  });
});
