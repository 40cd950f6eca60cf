/**
 * The committed cluster with the real charts: hydrated with the chart packages
 * of the mirror and Helm's engine, then checked (schema, policies, references)
 * as `homelab check` checks it. It has no finding; the two mistakes the
 * reference checks found in it, put back into a copy, are findings at file:line.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { homelab } from "@homelab/cluster";
import { describeWithMirror, mirrorsRequired } from "@homelab/test-fixtures/mirrors";
import { check, formatText } from "./index.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** Hydration needs Helm's engine (@homelab/helm); without it the suite is skipped with the reason, and fails where mirrors are required. */
async function engineProblem(): Promise<string | undefined> {
  try {
    const specifier = "@homelab/hydrate";
    const module = (await import(specifier)) as { helmEngine?: unknown };
    return module.helmEngine ? undefined : "@homelab/hydrate exports no helmEngine";
  } catch (error) {
    return `Helm's engine cannot be loaded (${(error as Error).message.split("\n")[0]})`;
  }
}
const problem = await engineProblem();

type Applications = Exclude<Parameters<typeof check>[0]["hydrated"], undefined>;

function suite(): void {
  describeWithMirror("chart-packages", "the committed cluster, hydrated with the real charts", (mirror) => {
    let applications: Applications = false;
    const copies: string[] = [];

    beforeAll(async () => {
      const { hydrate, helmEngine, mirrorChartResolver } = await import("@homelab/hydrate");
      const result = await hydrate({
        root: repoRoot,
        repoURL: homelab.git.repoURL,
        kubeVersion: homelab.kubernetes.version,
        engine: helmEngine,
        charts: mirrorChartResolver(mirror),
        write: false,
      });
      applications = result.applications as unknown as Applications;
    }, 600_000);
    afterAll(() => {
      for (const dir of copies) rmSync(dir, { recursive: true, force: true });
    });

    /** The rendered folders and records, in a temporary repository. */
    function copy(edits: Record<string, (text: string) => string>): string {
      const dir = mkdtempSync(path.join(tmpdir(), "check-cluster-"));
      copies.push(dir);
      for (const folder of [
        "apps-root-config",
        "cluster-init-apps",
        "cluster-critical-apps",
        "cluster-platform-apps",
        "cluster-workload-apps",
        ".homelab/rendered",
      ]) {
        cpSync(path.join(repoRoot, folder), path.join(dir, folder), { recursive: true });
      }
      for (const [file, edit] of Object.entries(edits)) writeFileSync(path.join(dir, file), edit(readFileSync(path.join(dir, file), "utf8")));
      return dir;
    }

    it("has no finding on its rendered objects: schema, policies and references", async () => {
      const dir = copy({});
      const result = await check({ dir, root: dir, hydrated: applications, values: false });
      expect(formatText(result)).toContain("0 error(s), 0 warning(s)");
      expect(result.violations).toEqual([]);
      // Every chart's objects were judged, CRDs among them.
      expect(result.summary.documents).toBeGreaterThan(500);
    }, 300_000);

    it("reports a ServiceMonitor port no Service has and an alert matching no target, at file:line", async () => {
      const monitor = "cluster-init-apps/cert-manager/manifests-platform/servicemonitor-cert-manager.yaml";
      const rules = "cluster-platform-apps/kube-prometheus-stack/manifests/prometheusrule-homelab-critical-components.yaml";
      const dir = copy({
        [monitor]: (t) => t.replace("- port: http-metrics", "- port: tcp-prometheus-servicemonitor"),
        [rules]: (t) => t.replace('up{namespace="traefik", job=~"traefik-.+-metrics"}', 'up{container="traefik"}'),
      });
      const result = await check({ dir, root: dir, hydrated: applications, schema: false, values: false });
      const lineOf = (file: string, text: string) =>
        readFileSync(path.join(dir, file), "utf8")
          .split("\n")
          .findIndex((l) => l.includes(text)) + 1;
      expect(result.violations.map((v) => [v.rule, v.code, `${v.file}:${v.line}`])).toEqual([
        ["ref-monitor", "port-missing", `${monitor}:${lineOf(monitor, "tcp-prometheus-servicemonitor")}`],
        ["ref-alert-target", "matches-no-target", `${rules}:${lineOf(rules, 'up{container="traefik"}')}`],
      ]);
      expect(result.violations[0]!.message).toContain("(cert-manager has http-metrics)");
      expect(result.violations[1]!.message).toContain('no scrape target has container="traefik"');
    }, 300_000);
  });
}

if (problem === undefined) suite();
else if (mirrorsRequired())
  describe("the committed cluster, hydrated", () =>
    it("needs Helm's engine", () => {
      throw new Error(problem);
    }));
else {
  process.stderr.write(`skipped "the committed cluster, hydrated": ${problem}\n`);
  describe(`the committed cluster, hydrated [skipped: ${problem}]`, () => it.skip("needs Helm's engine (@homelab/helm)", () => {}));
}
