import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseRenderRecord, recordFile } from "@homelab/layout";
import { renderedDiff } from "@homelab/git";
import { createTempGitRepo, type TempGitRepo } from "@homelab/test-fixtures";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { changesetGate, formatGate } from "./gate.js";
import { releaseTags } from "./tag.js";
import { renderWorkspace, runChangeset, workspaceFiles } from "./testing.js";

let repo: TempGitRepo;

async function version(name: string): Promise<string> {
  return JSON.parse(await readFile(path.join(repo.dir, "packages/components", name, "package.json"), "utf8")).version;
}

/** base: the workspace rendered at 0.1.0. */
async function baseCommit(): Promise<string> {
  await repo.write(workspaceFiles());
  await renderWorkspace(repo.dir);
  return repo.commit("base");
}

/** A source change to alpha, re-rendered: only alpha's rendered output differs. */
async function changeAlpha(): Promise<string> {
  await repo.write({ "packages/components/alpha/values.json": `${JSON.stringify({ replicaCount: 3 })}\n` });
  await renderWorkspace(repo.dir);
  return repo.commit("alpha: three replicas");
}

beforeEach(async () => {
  repo = await createTempGitRepo("homelab-release-");
});
afterEach(async () => {
  await repo.cleanup();
});

describe("the changeset gate", () => {
  it("fails when a component's rendered output changes without a changeset, naming it and the command", async () => {
    const base = await baseCommit();
    const head = await changeAlpha();
    const result = await changesetGate({ root: repo.dir, base, head });
    expect(result.ok).toBe(false);
    expect(result.components.map((c) => c.component)).toEqual(["alpha"]);
    expect(result.uncovered).toEqual([
      {
        component: "alpha",
        package: "@homelab/component-alpha",
        change: "changed",
        files: 1,
        covered: false,
        by: null,
        changesets: [],
        reason: "rendered output changed (1 file) without a changeset for @homelab/component-alpha",
      },
    ]);
    expect(formatGate(result)).toBe(
      [
        `changesets: 1 component changed without a changeset (${base.slice(0, 12)}..${head.slice(0, 12)}):`,
        "  alpha (@homelab/component-alpha): rendered output changed (1 file) without a changeset for @homelab/component-alpha",
        "    add one: npx changeset  (select @homelab/component-alpha, describe the change)",
        '  or, without prompts: npx homelab release changeset alpha --bump patch --summary "<what changed>"',
        "",
      ].join("\n"),
    );
  });

  it("passes when a changeset in the range bumps the component", async () => {
    const base = await baseCommit();
    await changeAlpha();
    const head = await repo.commit("changeset", { ".changeset/alpha-replicas.md": '---\n"@homelab/component-alpha": minor\n---\n\nThree replicas.\n' });
    const result = await changesetGate({ root: repo.dir, base, head });
    expect(result.ok).toBe(true);
    expect(result.components).toEqual([
      {
        component: "alpha",
        package: "@homelab/component-alpha",
        change: "changed",
        files: 1,
        covered: true,
        by: "changeset",
        changesets: ["alpha-replicas"],
        reason: null,
      },
    ]);
    expect(formatGate(result)).toContain("  alpha: changeset (alpha-replicas)");
  });

  it("does not count a changeset for another component, nor one with bump type none", async () => {
    const base = await baseCommit();
    await changeAlpha();
    const head = await repo.commit("changesets", {
      ".changeset/beta.md": '---\n"@homelab/component-beta": patch\n---\n\nBeta.\n',
      ".changeset/alpha-none.md": '---\n"@homelab/component-alpha": none\n---\n\nNothing.\n',
    });
    const result = await changesetGate({ root: repo.dir, base, head });
    expect(result.ok).toBe(false);
    expect(result.uncovered.map((c) => c.reason)).toEqual([`its changeset (alpha-none) bumps @homelab/component-alpha by "none", which releases nothing`]);
  });

  it("reports a changeset naming a package that does not exist", async () => {
    const base = await baseCommit();
    const head = await repo.commit("typo", { ".changeset/typo.md": '---\n"@homelab/component-alfa": patch\n---\n\nTypo.\n' });
    const result = await changesetGate({ root: repo.dir, base, head });
    expect(result.ok).toBe(false);
    expect(result.unknownPackages).toEqual([{ changeset: "typo", file: ".changeset/typo.md", name: "@homelab/component-alfa" }]);
    expect(formatGate(result)).toContain('.changeset/typo.md names "@homelab/component-alfa", which is no workspace package');
  });

  it("compares from the merge base: main moving on does not count against the branch", async () => {
    const base = await baseCommit();
    await repo.git("checkout", "--quiet", "-b", "feature");
    const head = await repo.commit("docs only", { "docs.md": "hello\n" });
    await repo.git("checkout", "--quiet", "main");
    const main = await changeAlpha();
    await repo.git("checkout", "--quiet", "feature");
    expect((await changesetGate({ root: repo.dir, base: main, head })).ok).toBe(true);
    expect((await changesetGate({ root: repo.dir, base: main, head, mergeBase: false })).ok).toBe(false);
    expect(base).not.toBe(main);
  });
});

describe("a release: changeset version, re-render, tags", () => {
  it("bumps exactly the named component, stamps only its rendered files, passes the gate and tags it", async () => {
    const base = await baseCommit();
    const first = await releaseTags({ root: repo.dir });
    expect(first.created.map((t) => t.tag)).toEqual(["@homelab/core@0.1.0", "alpha@0.1.0", "beta@0.1.0"]);

    await changeAlpha();
    const merged = await repo.commit("Three replicas for alpha (#7)", {
      ".changeset/alpha-replicas.md": '---\n"@homelab/component-alpha": minor\n---\n\nThree replicas.\n',
    });
    expect((await changesetGate({ root: repo.dir, base, head: merged })).ok).toBe(true);

    // The release PR: the real `changeset version`, offline (no GitHub repository known), then render.
    await runChangeset(repo, ["version"]);
    expect(await version("alpha")).toBe("0.2.0");
    expect(await version("beta")).toBe("0.1.0");
    const core = JSON.parse(await readFile(path.join(repo.dir, "packages/core/package.json"), "utf8"));
    expect(core.version).toBe("0.1.0");
    const betaManifest = JSON.parse(await readFile(path.join(repo.dir, "packages/components/beta/package.json"), "utf8"));
    expect(betaManifest.dependencies["@homelab/component-alpha"]).toBe("*");
    expect(await repo.git("status", "--porcelain")).toBe(
      [" D .changeset/alpha-replicas.md", " M packages/components/alpha/package.json", "?? packages/components/alpha/CHANGELOG.md", ""].join("\n"),
    );
    const changelog = await readFile(path.join(repo.dir, "packages/components/alpha/CHANGELOG.md"), "utf8");
    expect(changelog).toBe(`# @homelab/component-alpha\n\n## 0.2.0\n\n### Minor Changes\n\n- ${merged.slice(0, 7)}: Three replicas.\n`);

    await renderWorkspace(repo.dir);
    const release = await repo.commit("Release components");

    // The version stamp follows: every file of alpha changes, nothing of beta does.
    const diffs = await renderedDiff({ root: repo.dir, base: merged, head: release });
    const alpha = diffs.find((d) => d.component === "alpha")!;
    const beta = diffs.find((d) => d.component === "beta")!;
    expect(beta.change).toBe("unchanged");
    expect(alpha.versionChanged).toBe(true);
    expect(alpha.head?.version).toBe("0.2.0");
    const alphaFiles = Object.keys(parseRenderRecord(await readFile(path.join(repo.dir, recordFile("alpha")), "utf8"), recordFile("alpha")).files).sort();
    expect(alpha.files.map((f) => f.path)).toEqual(alphaFiles);
    const changedLines = alpha.files.flatMap((f) => f.patch.split("\n").filter((l) => /^[+-][^+-]/.test(l)));
    expect(changedLines.every((l) => l.includes("0.1.0") || l.includes("0.2.0"))).toBe(true);
    const everything = (await repo.git("diff", "--name-only", merged, release)).trim().split("\n").sort();
    expect(everything).toEqual(
      [
        ".changeset/alpha-replicas.md",
        ".homelab/rendered/alpha.json",
        ...alphaFiles,
        "packages/components/alpha/CHANGELOG.md",
        "packages/components/alpha/package.json",
      ].sort(),
    );

    // The release commit passes the gate on its own: the version bump releases alpha.
    const gate = await changesetGate({ root: repo.dir, base: merged, head: release });
    expect(gate.ok).toBe(true);
    expect(gate.components.map((c) => [c.component, c.by])).toEqual([["alpha", "version bump"]]);

    // On merge: one new tag, for alpha's new version, on the release commit; a rerun creates none.
    const tags = await releaseTags({ root: repo.dir });
    expect(tags.created).toEqual([{ tag: "alpha@0.2.0", package: "@homelab/component-alpha", component: "alpha", version: "0.2.0" }]);
    expect(tags.existing.map((t) => t.tag)).toEqual(["@homelab/core@0.1.0", "beta@0.1.0"]);
    expect((await repo.git("rev-list", "-n", "1", "alpha@0.2.0")).trim()).toBe(release);
    expect((await repo.git("rev-list", "-n", "1", "alpha@0.1.0")).trim()).toBe(base);
    expect((await releaseTags({ root: repo.dir })).created).toEqual([]);
  });

  it("links the pull request and commit when the GitHub repository is known", async () => {
    await baseCommit();
    const merged = await repo.commit("Three replicas for alpha (#7)", {
      ".changeset/alpha-replicas.md": '---\n"@homelab/component-alpha": patch\n---\n\nThree replicas.\nSecond line.\n',
    });
    await runChangeset(repo, ["version"], { GITHUB_REPOSITORY: "example/homelab", GITHUB_SERVER_URL: "https://github.example.invalid" });
    const changelog = await readFile(path.join(repo.dir, "packages/components/alpha/CHANGELOG.md"), "utf8");
    const url = "https://github.example.invalid/example/homelab";
    expect(changelog).toBe(
      `# @homelab/component-alpha\n\n## 0.1.1\n\n### Patch Changes\n\n- [#7](${url}/pull/7) [\`${merged.slice(0, 7)}\`](${url}/commit/${merged}) Three replicas.\n  Second line.\n`,
    );
  });

  it("pushes the created tags to a remote", async () => {
    await baseCommit();
    const remote = await createTempGitRepo("homelab-release-remote-");
    try {
      await remote.git("config", "receive.denyCurrentBranch", "ignore");
      const result = await releaseTags({ root: repo.dir, push: remote.dir });
      expect(result.pushed).toBe(remote.dir);
      expect((await remote.git("tag", "--list")).trim().split("\n")).toEqual(["@homelab/core@0.1.0", "alpha@0.1.0", "beta@0.1.0"]);
      const dry = await releaseTags({ root: repo.dir, dryRun: true });
      expect(dry.created).toEqual([]);
    } finally {
      await remote.cleanup();
    }
  });
});
