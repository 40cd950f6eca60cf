/**
 * The committed cluster, hydrated with the real chart packages of the mirror:
 * every Application renders, and the cluster's API list changes what the
 * charts render exactly where ArgoCD's would.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { homelab } from "@homelab/cluster";
import { describeWithMirror } from "@homelab/test-fixtures/mirrors";
import { beforeAll, expect, it } from "vitest";
import { parse } from "yaml";
import type { ChartResolver, ReleaseRequest } from "./engine.js";
import { helmEngine } from "./helm.js";
import { hydrate, type HydrateResult } from "./hydrate.js";
import { describeWithEngine } from "./testing.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

describeWithEngine("the committed cluster", () =>
  describeWithMirror("chart-packages", "hydrating the committed cluster with the real charts", (mirror) => {
    const charts: ChartResolver = {
      resolve: async (chart) => {
        const dir = path.join(mirror, chart.chart, chart.version);
        if (!existsSync(dir)) throw new Error(`the mirror has no ${chart.chart}/${chart.version}`);
        return { path: dir, digest: null };
      },
    };
    let result: HydrateResult;

    beforeAll(async () => {
      // write: false keeps the repository's dist/ alone; the output is checked in memory.
      result = await hydrate({
        root: repoRoot,
        repoURL: homelab.git.repoURL,
        kubeVersion: homelab.kubernetes.version,
        engine: helmEngine,
        charts,
        write: false,
      });
    }, 300_000);

    const app = (name: string) => {
      const found = result.applications.find((a) => a.plan.name === name);
      if (!found) throw new Error(`no Application ${name}`);
      return found;
    };
    const request = (name: string, apiVersions: string[]): ReleaseRequest => {
      const { plan } = app(name);
      const source = plan.sources.find((s) => s.type === "helm")!;
      if (source.type !== "helm") throw new Error("no chart");
      return {
        id: name,
        chart: path.join(mirror, source.chart, source.version),
        releaseName: source.releaseName,
        namespace: source.namespace,
        values: source.valueFiles.map((f) => f.values),
        kubeVersion: homelab.kubernetes.version,
        apiVersions,
        includeCrds: source.includeCrds,
        isUpgrade: false,
      };
    };

    it("renders all 22 Applications, the 14 with a chart among them (both Traefik instances)", () => {
      expect(result.applications).toHaveLength(22);
      const charted = result.applications.filter((a) => a.plan.sources.some((s) => s.type === "helm"));
      expect(charted.map((a) => a.plan.name)).toEqual(
        expect.arrayContaining(["traefik-public", "traefik-private", "kube-prometheus-stack", "loki", "external-secrets"]),
      );
      expect(charted).toHaveLength(14);
      for (const a of charted) expect(a.objects.length, a.plan.name).toBeGreaterThan(0);
      // Two renders of the same inputs agree for the committed cluster.
      expect(result.findings.filter((f) => f.rule === "hydrate-nondeterministic")).toEqual([]);
    });

    it("installs Traefik's CRDs once: the private instance skips them", () => {
      const crds = (name: string) => app(name).objects.filter((o) => o.record.kind === "CustomResourceDefinition").length;
      expect(crds("traefik-public")).toBeGreaterThan(10);
      expect(crds("traefik-private")).toBe(0);
    });

    it("gives Traefik policy/v1 PodDisruptionBudgets only because the cluster's API versions are passed", async () => {
      const pdb = app("traefik-public").objects.find((o) => o.record.kind === "PodDisruptionBudget")!;
      expect(pdb.record.apiVersion).toBe("policy/v1");
      const [bare] = await helmEngine.renderReleases([request("traefik-public", [])]);
      const bareKinds = bare!.objects.map((o) => parse(o.content) as { apiVersion: string; kind: string }).filter((o) => o.kind === "PodDisruptionBudget");
      expect(bareKinds.map((o) => o.apiVersion)).toEqual(["policy/v1beta1"]);
    });

    it("renders capability-gated ServiceMonitors only with monitoring.coreos.com/v1 in the API list", async () => {
      for (const name of ["loki", "external-secrets"]) {
        const monitors = app(name).objects.filter((o) => o.record.kind === "ServiceMonitor");
        expect(monitors.length, name).toBeGreaterThan(0);
        const withoutMonitoring = result.surface.apiVersions().filter((v) => !v.startsWith("monitoring.coreos.com/"));
        const [bare] = await helmEngine.renderReleases([request(name, withoutMonitoring)]);
        expect(bare!.error).toBeNull();
        const bareMonitors = bare!.objects.filter((o) => (parse(o.content) as { kind: string }).kind === "ServiceMonitor");
        expect(bareMonitors, name).toEqual([]);
      }
    });

    it("derives the cluster's CRDs from what the charts install, not from a list", () => {
      // Every CRD any Application installs is served: its kinds are in the API list.
      const crds = result.applications.flatMap((a) => a.objects.filter((o) => o.record.kind === "CustomResourceDefinition"));
      expect(crds.length).toBeGreaterThan(50);
      for (const crd of crds) {
        const spec = crd.value.spec as { group: string; names: { kind: string }; versions: { name: string; served: boolean }[] };
        for (const version of spec.versions.filter((v) => v.served))
          expect(result.surface.has(`${spec.group}/${version.name}`, spec.names.kind), `${spec.group}/${version.name} ${spec.names.kind}`).toBe(true);
      }
      // Traefik Hub's kinds come only from the Traefik chart, not from @homelab/crds.
      const hub = result.surface.resources.filter((r) => r.group === "hub.traefik.io");
      expect(hub.length).toBeGreaterThan(0);
      for (const r of hub) expect(r.origin).toMatch(/^Application traefik-public traefik\/crds\//);
      expect(result.surface.has("policy/v1beta1", "PodDisruptionBudget")).toBe(false);
    });

    it("writes nothing with write: false", () => {
      expect(result.written).toEqual([]);
    });
  }),
);
