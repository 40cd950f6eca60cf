import { readFile } from "node:fs/promises";
import path from "node:path";
import { HomelabError, UsageError } from "@homelab/errors";
import { createTempGitRepo, type TempGitRepo } from "@homelab/test-fixtures";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addChangeset } from "./add.js";
import { formatGateAnnotations } from "./gate.js";
import { createChangelog, githubRepoFromUrl, prFromMessage } from "./changelog.js";
import { isChangesetFile, parseChangeset } from "./changesets.js";
import { findPackage, workspacePackages, workspacePackagesAt } from "./workspace.js";
import { workspaceFiles } from "./testing.js";

let repo: TempGitRepo;
beforeEach(async () => {
  repo = await createTempGitRepo("homelab-release-unit-");
  await repo.write(workspaceFiles());
});
afterEach(async () => {
  await repo.cleanup();
});

describe("changeset files", () => {
  it("parses front matter and summary", () => {
    expect(parseChangeset(".changeset/a-b.md", '---\n"@homelab/component-alpha": minor\n"@homelab/core": patch\n---\n\nLine one.\nLine two.\n')).toEqual({
      id: "a-b",
      file: ".changeset/a-b.md",
      summary: "Line one.\nLine two.",
      releases: [
        { name: "@homelab/component-alpha", type: "minor" },
        { name: "@homelab/core", type: "patch" },
      ],
    });
  });

  it("a malformed changeset is a HomelabError naming the file", () => {
    let error: unknown;
    try {
      parseChangeset(".changeset/bad.md", '---\n"@homelab/component-alpha": huge\n---\n\nx\n');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(HomelabError);
    expect((error as HomelabError).position).toEqual({ file: ".changeset/bad.md", line: 1 });
    expect((error as HomelabError).message).toBe('changeset: invalid version type "huge" for package "@homelab/component-alpha".');
  });

  it("only .changeset/<id>.md files are changesets", () => {
    expect(isChangesetFile(".changeset/brave-owls-sing.md")).toBe(true);
    expect(isChangesetFile(".changeset/README.md")).toBe(false);
    expect(isChangesetFile(".changeset/config.json")).toBe(false);
    expect(isChangesetFile("docs/.changeset/x.md")).toBe(false);
  });
});

describe("workspace packages", () => {
  it("are read alike from the working tree and from a commit, and found by component, package or folder", async () => {
    const commit = await repo.commit("workspace");
    const fromTree = await workspacePackages(repo.dir);
    expect(await workspacePackagesAt(repo.dir, commit)).toEqual(fromTree);
    expect(fromTree.map((p) => [p.name, p.component, p.dir])).toEqual([
      ["@homelab/component-alpha", "alpha", "packages/components/alpha"],
      ["@homelab/component-beta", "beta", "packages/components/beta"],
      ["@homelab/core", null, "packages/core"],
    ]);
    for (const ref of ["alpha", "@homelab/component-alpha", "packages/components/alpha", "./packages/components/alpha/package.json"]) {
      expect(findPackage(fromTree, ref)?.name, ref).toBe("@homelab/component-alpha");
    }
    expect(findPackage(fromTree, "gamma")).toBeUndefined();
  });
});

describe("addChangeset", () => {
  it("writes a changeset changesets can read, and never overwrites one", async () => {
    const first = await addChangeset({
      root: repo.dir,
      packages: ["alpha", "@homelab/core", "packages/components/alpha"],
      bump: "minor",
      summary: "Chart demo 1.3.0",
    });
    expect(first).toEqual({
      id: "chart-demo-1-3-0",
      file: ".changeset/chart-demo-1-3-0.md",
      releases: [
        { name: "@homelab/component-alpha", type: "minor" },
        { name: "@homelab/core", type: "minor" },
      ],
    });
    const text = await readFile(path.join(repo.dir, first.file), "utf8");
    expect(parseChangeset(first.file, text).releases).toEqual(first.releases);
    const second = await addChangeset({ root: repo.dir, packages: ["beta"], bump: "patch", summary: "Chart demo 1.3.0" });
    expect(second.file).toBe(".changeset/chart-demo-1-3-0-2.md");
  });

  it("rejects unknown packages and empty summaries as usage errors", async () => {
    await expect(addChangeset({ root: repo.dir, packages: ["gamma"], bump: "patch", summary: "x" })).rejects.toBeInstanceOf(UsageError);
    await expect(addChangeset({ root: repo.dir, packages: ["alpha"], bump: "patch", summary: "  " })).rejects.toBeInstanceOf(UsageError);
  });
});

describe("changelog", () => {
  it("reads PR numbers from GitHub's squash and merge titles, and repositories from remotes", () => {
    expect(prFromMessage("Traefik: private IngressClass (#12)")).toBe(12);
    expect(prFromMessage("Merge pull request #34 from me/branch")).toBe(34);
    expect(prFromMessage("fix #5 in values")).toBeNull();
    expect(githubRepoFromUrl("git@github.com:example/homelab.git")).toBe("example/homelab");
    expect(githubRepoFromUrl("https://github.com/example/homelab\n")).toBe("example/homelab");
    expect(githubRepoFromUrl("https://gitlab.example/x/y.git")).toBeNull();
  });

  it("finds the PR of a branch commit from the merge commit that brought it in, with the repository from origin", async () => {
    await repo.commit("base");
    await repo.git("checkout", "--quiet", "-b", "feature");
    const commit = await repo.commit("add a changeset");
    await repo.git("checkout", "--quiet", "main");
    await repo.git("merge", "--quiet", "--no-ff", "-m", "Merge pull request #56 from me/feature", "feature");
    await repo.git("remote", "add", "origin", "git@github.com:example/homelab.git");
    const changelog = createChangelog({ cwd: repo.dir, env: {} });
    expect(await changelog.getReleaseLine({ id: "x", summary: "Summary", commit }, "patch", null)).toBe(
      `- [#56](https://github.com/example/homelab/pull/56) [\`${commit.slice(0, 7)}\`](https://github.com/example/homelab/commit/${commit}) Summary`,
    );
    const offline = createChangelog({ cwd: "/nonexistent-dir-for-test", env: {} });
    expect(await offline.getReleaseLine({ id: "x", summary: "Summary", commit }, "patch", null)).toBe(`- ${commit.slice(0, 7)}: Summary`);
    expect(await offline.getReleaseLine({ id: "x", summary: "No commit" }, "patch", null)).toBe("- No commit");
    expect(await offline.getDependencyReleaseLine([], [{ name: "@homelab/core", newVersion: "0.2.0" }], null)).toBe(
      "- Updated dependencies\n  - @homelab/core@0.2.0",
    );
  });
});

describe("formatGateAnnotations", () => {
  it("one ::error:: per uncovered component and unknown package, with newlines and % escaped as workflow commands need", () => {
    const uncovered = {
      component: "traefik",
      package: "@homelab/component-traefik",
      change: "changed" as const,
      files: 2,
      covered: false,
      by: null,
      changesets: [],
      reason: "rendered output changed (2 files)\n100% new",
    };
    const text = formatGateAnnotations({
      ok: false,
      base: "a".repeat(40),
      head: "b".repeat(40),
      components: [uncovered],
      uncovered: [uncovered],
      changesets: [],
      unknownPackages: [{ changeset: "x", file: ".changeset/x.md", name: "@homelab/nope" }],
    });
    expect(text).toBe(
      [
        "::error title=changeset missing: traefik::rendered output changed (2 files)%0A100%25 new. Add one: npx changeset (select @homelab/component-traefik)",
        "::error file=.changeset/x.md,line=1,title=unknown package in changeset::@homelab/nope is no workspace package",
        "",
      ].join("\n"),
    );
  });
});
