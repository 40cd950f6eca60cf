import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTempGitRepo, startFakeGitHub, unreachableUrl, type FakeGitHub } from "./index.js";

describe("fake GitHub", () => {
  let github: FakeGitHub;
  beforeEach(async () => {
    github = await startFakeGitHub({ token: "test-token-not-a-secret", repo: "o/r" });
  });
  afterEach(async () => {
    await github.close();
  });

  const call = (method: string, path: string, body?: unknown, token = "test-token-not-a-secret") =>
    fetch(`${github.url}${path}`, {
      method,
      headers: { authorization: `token ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it("keeps check runs like GitHub: annotations append across updates", async () => {
    const created = (await (await call("POST", "/repos/o/r/check-runs", { name: "c", head_sha: "abc", status: "in_progress" })).json()) as { id: number };
    const annotation = { path: "a.yaml", start_line: 1, end_line: 1, annotation_level: "warning", message: "m" };
    await call("PATCH", `/repos/o/r/check-runs/${created.id}`, { output: { title: "t", summary: "s", annotations: [annotation] } });
    await call("PATCH", `/repos/o/r/check-runs/${created.id}`, {
      status: "completed",
      conclusion: "success",
      output: { title: "t", summary: "s2", annotations: [annotation] },
    });
    expect(github.checkRuns.map((r) => [r.status, r.conclusion, r.output.summary, r.annotations.length])).toEqual([["completed", "success", "s2", 2]]);
    expect(github.problems).toEqual([]);
  });

  it("rejects what GitHub rejects and records why", async () => {
    const many = Array.from({ length: 51 }, () => ({ path: "a", start_line: 1, end_line: 1, annotation_level: "notice", message: "m" }));
    expect((await call("POST", "/repos/o/r/check-runs", { name: "c", head_sha: "abc", output: { title: "t", summary: "s", annotations: many } })).status).toBe(
      422,
    );
    expect((await call("POST", "/repos/o/r/statuses/abc", { state: "success", description: "d".repeat(141) })).status).toBe(422);
    expect((await call("POST", "/repos/o/r/issues/1/comments", { body: "b" }, "wrong-token-value")).status).toBe(401);
    expect((await call("POST", "/repos/x/y/issues/1/comments", { body: "b" })).status).toBe(404);
    expect(github.problems).toEqual([
      "create check run: 51 annotations in one request, more than 50",
      "create status: description has 141 characters, more than 140",
      "POST /repos/o/r/issues/1/comments: missing or wrong Authorization header",
      "POST /repos/x/y/issues/1/comments: unexpected repository x/y",
    ]);
  });

  it("fails the next matching requests on demand, then recovers", async () => {
    github.failNext({ method: "GET", path: /\/comments$/ }, { status: 502 }, 2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("GET", "/repos/o/r/issues/1/comments")).status);
    expect(statuses).toEqual([502, 502, 200]);
    expect(github.requestsTo({ method: "GET" }).map((r) => r.status)).toEqual([502, 502, 200]);
  });

  it("gives a loopback URL that refuses connections", async () => {
    await expect(fetch(`${await unreachableUrl()}/`)).rejects.toThrow();
  });
});

describe("temporary git repository", () => {
  it("commits with a fixed identity and clock, so SHAs are reproducible", async () => {
    const shas: string[] = [];
    for (let i = 0; i < 2; i++) {
      const repo = await createTempGitRepo();
      try {
        await repo.commit("one", { "a/b.txt": "x\n" });
        shas.push(await repo.commit("two", { "a/b.txt": null, "c.txt": "y\n" }));
        expect((await repo.git("ls-files")).split("\n").filter(Boolean)).toEqual(["c.txt"]);
      } finally {
        await repo.cleanup();
      }
    }
    expect(shas[0]).toMatch(/^[0-9a-f]{40}$/);
    expect(shas[1]).toBe(shas[0]);
  });
});
