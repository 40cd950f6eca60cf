import path from "node:path";
import { fileURLToPath } from "node:url";
import { check, formatResult, type CheckResult, type Violation } from "@homelab/check";
import { describe, expect, it } from "vitest";
import type { HydrateResult } from "@homelab/hydrate";
import { hydrateReport, resultFor, runTasks, type HomelabTask } from "./run.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

const violation = (component: string | null, severity: "error" | "warning", rule = "route-tls"): Violation => ({
  rule,
  severity,
  component,
  file: `x/${component ?? "none"}.yaml`,
  line: 1,
  column: 1,
  message: "m",
  code: "c",
});

describe("resultFor", () => {
  const whole: CheckResult = {
    dir: "/repo",
    violations: [violation("a", "error"), violation("b", "warning"), violation(null, "warning", "waiver")],
    waivers: [
      { rule: "r", component: "a", reason: "x", expires: "2999-01-01", declaredIn: "w:1", covers: [{ file: "f", line: 1, message: "m" }] },
      { rule: "r", component: "b", reason: "x", expires: "2999-01-01", declaredIn: "w:2", covers: [] },
    ],
    skipped: [],
    rules: [],
    summary: { files: 3, documents: 4, errors: 1, warnings: 2, waived: 1, skipped: 0, byRule: {} },
    exitCode: 1,
  };

  it("keeps a component's findings and the component-less ones, and recomputes the exit code", () => {
    const a = resultFor(whole, "a");
    expect(a.violations.map((v) => v.component)).toEqual(["a", null]);
    expect(a.summary).toMatchObject({ errors: 1, warnings: 1, waived: 1, files: 3, byRule: { "route-tls": 1, waiver: 1 } });
    expect(a.exitCode).toBe(1);
    const b = resultFor(whole, "b");
    expect(b.violations.map((v) => v.component)).toEqual(["b", null]);
    expect(b.waivers.map((w) => w.declaredIn)).toEqual(["w:2"]);
    expect(b.summary).toMatchObject({ errors: 0, warnings: 2, waived: 0 });
    expect(b.exitCode).toBe(0);
  });
});

describe("hydrateReport", () => {
  // The parts of a hydrate result a task's report reads.
  const app = (component: string, name: string, objects: number) => ({ plan: { component, name }, objects: Array.from({ length: objects }, () => ({})) });
  const finding = (application: string, severity: "error" | "warning") => ({
    rule: "hydrate-nondeterministic",
    severity,
    application,
    message: "differs between two renders",
    file: `dist/hydrated/${application}/index.json`,
    line: 3,
  });
  const result = {
    engine: "helm v3",
    applications: [app("argocd", "argocd", 40), app("argocd", "argocd-init", 3), app("loki", "loki", 12)],
    findings: [finding("argocd-init", "error"), finding("loki", "warning")],
  } as unknown as HydrateResult;

  it("gives each task its own Applications and findings; only an error finding fails it", () => {
    const argocd = hydrateReport(result, "argocd");
    expect(argocd.success).toBe(false);
    expect(argocd.terminalOutput).toContain("hydrate: argocd: 2 Application(s) with helm v3\n");
    expect(argocd.terminalOutput).toMatch(/ {2}argocd-init +3 object\(s\)\n/);
    expect(argocd.terminalOutput).toContain("dist/hydrated/argocd-init/index.json:3: error hydrate-nondeterministic: argocd-init:");
    expect(argocd.terminalOutput).not.toContain("loki");
    const loki = hydrateReport(result, "loki");
    expect(loki.success).toBe(true);
    expect(loki.terminalOutput).toContain("warning hydrate-nondeterministic: loki:");
  });
});

describe("runTasks on this workspace", () => {
  it("gives each policy task what `homelab check --component C --no-schema` reports", async () => {
    const components = ["metallb", "traefik", "bookmarks"];
    const tasks: HomelabTask[] = components.map((component) => ({ id: `${component}:policy`, target: "policy", component }));
    const results = new Map<string, { success: boolean; terminalOutput: string }>();
    for await (const { task, result } of runTasks(tasks, { root })) results.set(task, result);
    expect([...results.keys()].sort()).toEqual(tasks.map((t) => t.id).sort());
    for (const component of components) {
      const alone = await check({ dir: root, components: [component], schema: false, policy: true });
      expect(results.get(`${component}:policy`)).toEqual({ success: alone.exitCode === 0, terminalOutput: formatResult(alone, "text") });
    }
  }, 60_000);

  it("does not hydrate, validate or check policies after a failed render: each task says why", async () => {
    const tasks: HomelabTask[] = [
      { id: "nope:render", target: "render", component: "nope" },
      { id: "nope:hydrate", target: "hydrate", component: "nope" },
      { id: "metallb:validate", target: "validate", component: "metallb" },
    ];
    const results = new Map<string, { success: boolean; terminalOutput: string }>();
    for await (const { task, result } of runTasks(tasks, { root })) results.set(task, result);
    expect(results.get("nope:hydrate")).toEqual({ success: false, terminalOutput: "hydrate: not run, rendering nope failed\n" });
    // Every validate reads every component's hydrated folder: a failed hydrate blocks them all.
    expect(results.get("metallb:validate")).toEqual({ success: false, terminalOutput: "validate: not run, hydrating nope failed\n" });
  }, 60_000);

  it("fails a task whose component is unknown, with the CLI's message", async () => {
    const results = [];
    for await (const r of runTasks([{ id: "nope:render", target: "render", component: "nope" }], { root })) results.push(r);
    expect(results).toHaveLength(1);
    expect(results[0]!.result.success).toBe(false);
    expect(results[0]!.result.terminalOutput).toContain("unknown component(s): nope");
  }, 60_000);
});
