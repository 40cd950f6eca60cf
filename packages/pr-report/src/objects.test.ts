import { describe, expect, it } from "vitest";
import { changedPaths, formatObjectDiffText, objectDiff, type ApplicationObjects, type SnapshotObject } from "./objects.js";
import { commentBody, checkText } from "./markdown.js";
import type { Report } from "./model.js";
import { NO_FINDINGS } from "./findings.js";

const deployment = (args: string[], replicas = 2): SnapshotObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  namespace: "traefik",
  name: "traefik-public",
  value: {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "traefik-public", namespace: "traefik", labels: { app: "traefik" } },
    spec: {
      replicas,
      template: {
        spec: {
          containers: [
            { name: "sidecar", image: "s:1" },
            { name: "traefik", image: "traefik:v3.6.1", args },
          ],
        },
      },
    },
  },
});
const service = (port: number): SnapshotObject => ({
  apiVersion: "v1",
  kind: "Service",
  namespace: "traefik",
  name: "traefik-metrics",
  value: { apiVersion: "v1", kind: "Service", metadata: { name: "traefik-metrics", namespace: "traefik" }, spec: { ports: [{ name: "metrics", port }] } },
});
const app = (objects: SnapshotObject[], application = "traefik-public"): ApplicationObjects => ({ application, component: "traefik", objects });

describe("objectDiff", () => {
  it("is empty when nothing ArgoCD compares changed (status and server fields ignored)", () => {
    const a = deployment(["--a"]);
    const b = structuredClone(a);
    (b.value.metadata as Record<string, unknown>).resourceVersion = "7";
    b.value.status = { readyReplicas: 2 };
    expect(objectDiff([app([a])], [app([b])])).toEqual([]);
  });

  it("names added, removed and changed objects with the changed field paths and a YAML diff", () => {
    const [diff] = objectDiff([app([deployment(["--a"]), service(9100)])], [app([deployment(["--a", "--b"], 3)])]);
    expect(diff).toMatchObject({ application: "traefik-public", component: "traefik", change: "changed" });
    expect(diff!.objects.map((o) => [o.change, o.kind, o.name, o.paths])).toEqual([
      ["changed", "apps/Deployment", "traefik-public", ["spec.replicas", "spec.template.spec.containers[name=traefik].args"]],
      ["removed", "Service", "traefik-metrics", []],
    ]);
    const changed = diff!.objects[0]!;
    expect(changed.patch).toContain("-  replicas: 2");
    expect(changed.patch).toContain("+  replicas: 3");
    expect(changed.patch).toContain("+            - --b");
    expect(changed.additions).toBe(2);
    expect(changed.deletions).toBe(1);
    expect(diff!.objects[1]!.deletions).toBeGreaterThan(3);
  });

  it("compares lists of named items by name, other lists by position", () => {
    expect(
      changedPaths(
        {
          c: [
            { name: "a", v: 1 },
            { name: "b", v: 1 },
          ],
        },
        {
          c: [
            { name: "b", v: 2 },
            { name: "a", v: 1 },
          ],
        },
      ),
    ).toEqual(["c[name=b].v"]);
    expect(changedPaths({ args: ["x", "y"] }, { args: ["x", "z"] })).toEqual(["args[1]"]);
    expect(changedPaths({ args: ["x"] }, { args: ["x", "z"] })).toEqual(["args"]);
    expect(changedPaths({ m: { "a.b/c": "1" } }, { m: { "a.b/c": "2" } })).toEqual(['m["a.b/c"]']);
  });

  it("reports a new and a removed Application whole", () => {
    const diffs = objectDiff([app([service(1)], "old")], [app([service(1)], "new")]);
    expect(diffs.map((d) => [d.application, d.change, d.objects.map((o) => o.change)])).toEqual([
      ["new", "added", ["added"]],
      ["old", "removed", ["removed"]],
    ]);
  });

  it("prints a terminal summary", () => {
    const text = formatObjectDiffText(objectDiff([app([deployment(["--a"])])], [app([deployment(["--a"], 3)])]));
    expect(text).toContain("traefik-public (traefik): changed, 0 added, 1 changed, 0 removed");
    expect(text).toContain("  ~ apps/Deployment traefik/traefik-public");
    expect(text).toContain("      spec.replicas");
    expect(formatObjectDiffText([])).toBe("No rendered object changes.\n");
  });
});

describe("the object diff in the PR comment and check run", () => {
  const objects = objectDiff([app([deployment(["--a"])])], [app([deployment(["--a"], 3), service(9100)])]);
  const report = (extra: Partial<Report> = {}): Report => ({
    base: "a".repeat(40),
    head: "b".repeat(40),
    components: [
      {
        component: "traefik",
        package: "@homelab/component-traefik",
        layer: "critical",
        change: "changed",
        base: { version: "0.1.0", chart: null },
        head: { version: "0.1.0", chart: null },
        chartChanged: false,
        versionChanged: false,
        files: [
          {
            path: "cluster-critical-apps/traefik/public/values.yaml",
            status: "changed",
            additions: 1,
            deletions: 1,
            patch: "diff --git a/x b/x\n@@ -1 +1 @@\n-replicas: 2\n+replicas: 3",
          },
        ],
        additions: 1,
        deletions: 1,
        reasons: ["rendered output"],
        errors: 0,
        warnings: 0,
        waivers: 0,
      },
    ],
    findings: NO_FINDINGS,
    exitCode: 0,
    conclusion: "success",
    fullReportAt: "the pr-report artifact",
    objects,
    ...extra,
  });

  it("shows the objects beside the rendered files", () => {
    const body = commentBody(report());
    expect(body).toContain("2 objects change");
    expect(body).toContain("- `traefik-public` (changed): 1 added, 1 changed, 0 removed");
    expect(body).toContain("✏️ changed `apps/Deployment traefik/traefik-public`: `spec.replicas`");
    expect(body).toContain("➕ added `Service traefik/traefik-metrics`");
    expect(body).toContain("+  replicas: 3");
    expect(body.indexOf("Objects ArgoCD will change")).toBeLessThan(body.indexOf("**Rendered files**"));
    expect(checkText(report())).toContain("✏️ changed `apps/Deployment traefik/traefik-public`");
  });

  it("keeps the object list and says what was cut when the diffs do not fit", () => {
    const full = commentBody(report()).length;
    const body = commentBody(report(), full - 50);
    expect(body.length).toBeLessThanOrEqual(full - 50);
    expect(body).toContain("Truncated");
    expect(body).toContain("_Diff left out to fit the comment._");
    expect(body).toContain("➕ added `Service traefik/traefik-metrics`");
    expect(body).not.toContain("+  replicas: 3");
  });

  it("is unchanged without an object diff", () => {
    expect(commentBody(report({ objects: null }))).not.toContain("Objects ArgoCD will change");
  });
});
