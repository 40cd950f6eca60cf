import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempGitRepo, type TempGitRepo } from "@homelab/test-fixtures";
import { main } from "../main.js";
import { objectDiffOf } from "../object-diff.js";

const REPO_URL = "https://git.example.invalid/cluster.git";

/** A root Application syncing a folder of manifests, as a hand-written GitOps repo has it. */
const APP = () => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: whoami
  namespace: argocd
spec:
  project: default
  source:
    repoURL: ${REPO_URL}
    targetRevision: main
    path: cluster-workload-apps/whoami
  destination:
    server: https://kubernetes.default.svc
    namespace: whoami
`;
const deployment = (replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: whoami
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: whoami}
  template:
    metadata:
      labels: {app: whoami}
    spec:
      containers:
        - name: whoami
          image: docker.io/traefik/whoami:v1.10.3
`;
const service = `apiVersion: v1
kind: Service
metadata:
  name: whoami
spec:
  selector: {app: whoami}
  ports:
    - {name: http, port: 80}
`;

let repo: TempGitRepo;
beforeEach(async () => {
  repo = await createTempGitRepo("cli-diff-");
  await repo.commit("base", {
    "homelab.config.ts": "export default {};\n",
    "apps-root-config/applications/whoami.yaml": APP(),
    "cluster-workload-apps/whoami/deployment.yaml": deployment(1),
    "cluster-workload-apps/whoami/service.yaml": service,
  });
});
afterEach(async () => {
  await repo.cleanup();
});

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { cwd: repo.dir, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("homelab diff", () => {
  it("prints the objects each Application changes between the base and the working tree, exit 1", async () => {
    await repo.write({ "cluster-workload-apps/whoami/deployment.yaml": deployment(2), "cluster-workload-apps/whoami/service.yaml": null });
    const { code, stdout, stderr } = await run(["diff", "--root", repo.dir, "--repo-url", REPO_URL]);
    // Charts are hydrated when Helm's engine is there; otherwise stderr says they were left out.
    expect(stderr === "" || stderr.startsWith("diff: charts' objects left out")).toBe(true);
    expect(code).toBe(1);
    expect(stdout).toContain("whoami (whoami): changed, 0 added, 1 changed, 1 removed");
    expect(stdout).toContain("  ~ apps/Deployment whoami/whoami");
    expect(stdout).toContain("      spec.replicas");
    expect(stdout).toContain("-  replicas: 1");
    expect(stdout).toContain("+  replicas: 2");
    expect(stdout).toContain("  - Service whoami/whoami");
    // The temporary worktree is gone, and git no longer lists it.
    expect((await repo.git("worktree", "list")).trim().split("\n")).toHaveLength(1);
  });

  it("compares with --base and reports no change with exit 0; json for scripts", async () => {
    const first = (await repo.git("rev-parse", "HEAD")).trim();
    await repo.commit("more replicas", { "cluster-workload-apps/whoami/deployment.yaml": deployment(3) });
    const same = await run(["diff", "--root", repo.dir, "--repo-url", REPO_URL]);
    expect(same).toMatchObject({ code: 0 });
    expect(same.stdout).toContain("No rendered object changes.");
    const json = await run(["diff", "--root", repo.dir, "--repo-url", REPO_URL, "--base", first, "--format", "json"]);
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { base: string; applications: { application: string; objects: { paths: string[] }[] }[] };
    expect(parsed.base).toBe(first);
    expect(parsed.applications.map((a) => [a.application, a.objects.map((o) => o.paths)])).toEqual([["whoami", [["spec.replicas"]]]]);
  });

  it("diffs two commits for the PR report", async () => {
    const base = (await repo.git("rev-parse", "HEAD")).trim();
    const head = await repo.commit("scale", { "cluster-workload-apps/whoami/deployment.yaml": deployment(4) });
    const diffs = await objectDiffOf({ root: repo.dir, base, head }, { repoURL: REPO_URL });
    expect(diffs.map((d) => [d.application, d.objects.map((o) => [o.change, o.kind, o.paths])])).toEqual([
      ["whoami", [["changed", "apps/Deployment", ["spec.replicas"]]]],
    ]);
    expect(await objectDiffOf({ root: repo.dir, base: head, head }, { repoURL: REPO_URL })).toEqual([]);
  });

  it("names an unknown revision with exit 2", async () => {
    const { code, stderr } = await run(["diff", "--root", repo.dir, "--repo-url", REPO_URL, "--base", "no-such-ref"]);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown git revision "no-such-ref"');
    expect(existsSync(path.join(repo.dir, "base"))).toBe(false);
  });
});
