// Regression tests of issue 13 (render half): render writes and deletes only
// inside the repository, only its own files, and survives a crash at any rename.
import { spawn } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { mkdir, mkdtemp, readFile, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HomelabError } from "@homelab/errors";
import { JOURNAL_FILE, recordFile } from "@homelab/layout";
import { recordFixtureText } from "@homelab/layout/testing";
import { digest, nodeRenderFs, readRecords, type RenderFs } from "./output.js";
import { render, renderCheck } from "./render.js";
import { crashStart, crashTarget } from "./testing/crash-child.js";
import { demoComponent, demoConfig } from "./testing/fixtures.js";

let base: string;
let root: string;
let outside: string;
const SENTINEL = "sentinel: must survive\n";

beforeEach(async () => {
  base = realpathSync(await mkdtemp(path.join(tmpdir(), "homelab-safety-")));
  root = path.join(base, "repo");
  outside = path.join(base, "outside");
  await mkdir(root);
  await mkdir(outside);
  await writeFile(path.join(outside, "sentinel.yaml"), SENTINEL);
  await writeFile(path.join(root, "homelab.config.ts"), "// stands in for the user's config\n");
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

/** Every file below `dir`, relative, with content. */
async function tree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else out[child] = await readFile(path.join(dir, child), "utf8");
    }
  };
  await walk("");
  return out;
}

async function failure(promise: Promise<unknown>): Promise<HomelabError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HomelabError);
  return error as HomelabError;
}

async function outsideUntouched(): Promise<void> {
  expect(await tree(outside)).toEqual({ "sentinel.yaml": SENTINEL });
  expect(await readFile(path.join(root, "homelab.config.ts"), "utf8")).toBe("// stands in for the user's config\n");
}

const VALUES = "cluster-platform-apps/demo/values.yaml";

describe("records are input: a tampered record cannot make render delete anything", () => {
  for (const entry of ["../outside/sentinel.yaml", "../../outside/sentinel.yaml", "homelab.config.ts", `${"/".repeat(1)}etc/hostname`]) {
    it(`refuses a record naming ${entry}, and deletes nothing`, async () => {
      await render({ root, config: demoConfig() });
      const record = JSON.parse(await readFile(path.join(root, recordFile("demo")), "utf8"));
      record.files[entry === "/etc/hostname" ? entry : entry] = digest(SENTINEL);
      await writeFile(path.join(root, recordFile("demo")), JSON.stringify(record, null, 2));
      const before = await tree(root);
      const error = await failure(render({ root, config: demoConfig(demoComponent({ secrets: [] })) }));
      expect(error.position?.file).toBe(recordFile("demo"));
      expect(error.message).toContain("render record is invalid");
      expect(await tree(root)).toEqual(before);
      await outsideUntouched();
    });
  }

  it("refuses a record whose component name climbs out", async () => {
    await mkdir(path.join(root, ".homelab/rendered"), { recursive: true });
    await writeFile(
      path.join(root, ".homelab/rendered/x.json"),
      JSON.stringify({ ...JSON.parse(recordFixtureText({ component: "x", layer: "apps" })), component: "../../outside" }),
    );
    const error = await failure(render({ root, config: demoConfig() }));
    expect(error.details.join("\n")).toContain("/component");
    await outsideUntouched();
  });

  it.each([
    ["null", "must be a JSON object, not null"],
    ["{ broken", "not valid JSON"],
  ])("a record holding %s is exit 2 naming the file, not an internal error", async (text, why) => {
    await mkdir(path.join(root, ".homelab/rendered"), { recursive: true });
    await writeFile(path.join(root, ".homelab/rendered/demo.json"), text);
    const error = await failure(render({ root, config: demoConfig() }));
    expect(error.message).toContain(why);
    expect(error.position?.file).toBe(".homelab/rendered/demo.json");
  });
});

describe("stale files are deleted only while they still have the recorded digest", () => {
  it("deletes an untouched stale file and keeps an edited one, saying why", async () => {
    await render({ root, config: demoConfig() });
    const secret = "cluster-platform-apps/demo/manifests/externalsecret-demo-db.yaml";
    const cert = "cluster-platform-apps/demo/manifests/certificate-demo-tls.yaml";
    await writeFile(path.join(root, cert), "# my notes\n");
    const result = await render({ root, config: demoConfig(demoComponent({ secrets: [], routes: [] })) });
    expect(result.stale).toContain(secret);
    expect(existsSync(path.join(root, secret))).toBe(false);
    expect(await readFile(path.join(root, cert), "utf8")).toBe("# my notes\n");
    expect(result.kept).toEqual([{ path: cert, reason: expect.stringContaining("edited by hand") }]);
    // Kept and no longer owned: listed as a hand-written file from now on.
    expect(result.unowned).toContain(cert);
    expect(Object.keys((await readRecords(root)).get("demo")!.files)).not.toContain(cert);
  });

  it("--force deletes an edited stale file", async () => {
    await render({ root, config: demoConfig() });
    const cert = "cluster-platform-apps/demo/manifests/certificate-demo-tls.yaml";
    await writeFile(path.join(root, cert), "# my notes\n");
    const result = await render({ root, config: demoConfig(demoComponent({ routes: [] })), handEdits: "force" });
    expect(existsSync(path.join(root, cert))).toBe(false);
    expect(result.overwritten).toContain(cert);
  });
});

describe("hand-edited owned files", () => {
  const changed = () => demoConfig(demoComponent({ instances: [{ name: "demo", values: { replicaCount: 9 } }] }));

  it("are refused by default, listing them, and nothing is written", async () => {
    await render({ root, config: demoConfig() });
    await writeFile(path.join(root, VALUES), "replicaCount: 5\n");
    const before = await tree(root);
    const error = await failure(render({ root, config: changed() }));
    expect(error.code).toBe("RENDER_CONFLICT");
    expect(error.details).toEqual([`${VALUES}: content no longer has the recorded digest`]);
    expect(error.hint).toContain("--force");
    expect(await tree(root)).toEqual(before);
  });

  it("are overwritten with force, and reported", async () => {
    await render({ root, config: demoConfig() });
    await writeFile(path.join(root, VALUES), "replicaCount: 5\n");
    const result = await render({ root, config: changed(), handEdits: "force" });
    expect(result.overwritten).toEqual([VALUES]);
    expect(await readFile(path.join(root, VALUES), "utf8")).toContain("replicaCount: 9");
  });

  it("are kept with keep, the rest rendered, and --check still lists them", async () => {
    await render({ root, config: demoConfig() });
    await writeFile(path.join(root, VALUES), "replicaCount: 5\n");
    const result = await render({ root, config: changed(), handEdits: "keep" });
    expect(result.kept.map((k) => k.path)).toEqual([VALUES]);
    expect(result.handEdited).toEqual([VALUES]);
    expect(await readFile(path.join(root, VALUES), "utf8")).toBe("replicaCount: 5\n");
    expect((await renderCheck({ root, config: changed() })).changed).toContain(VALUES);
  });

  it("an unchanged render over an edited file is still refused (the edit would be lost on the next change)", async () => {
    await render({ root, config: demoConfig() });
    await writeFile(path.join(root, VALUES), "replicaCount: 5\n");
    expect((await failure(render({ root, config: demoConfig() }))).code).toBe("RENDER_CONFLICT");
  });
});

describe("symlinks and files in the way", () => {
  it("refuses a layer folder symlinked outside the repository, naming the link", async () => {
    await symlink(outside, path.join(root, "cluster-platform-apps"));
    const error = await failure(render({ root, config: demoConfig() }));
    expect(error.code).toBe("PATH_OUTSIDE");
    expect(error.message).toContain('through the symlink "cluster-platform-apps"');
    await outsideUntouched();
  });

  it("refuses a component folder symlinked outside after a first render", async () => {
    await render({ root, config: demoConfig() });
    await rm(path.join(root, "cluster-platform-apps/demo"), { recursive: true });
    await symlink(outside, path.join(root, "cluster-platform-apps/demo"));
    const error = await failure(render({ root, config: demoConfig() }));
    expect(error.message).toContain('symlink "cluster-platform-apps/demo"');
    await outsideUntouched();
  });

  it("refuses a symlinked records folder and a dangling link", async () => {
    await mkdir(path.join(root, ".homelab"));
    await symlink(outside, path.join(root, ".homelab/rendered"));
    expect((await failure(render({ root, config: demoConfig() }))).message).toContain('".homelab/rendered"');
    await rm(path.join(root, ".homelab/rendered"));
    await symlink(path.join(outside, "missing"), path.join(root, "apps-root-config"));
    expect((await failure(render({ root, config: demoConfig() }))).message).toContain("symlink to a missing target");
    await outsideUntouched();
  });

  it("names a rendered folder replaced by a regular file (exit 2, not an internal error)", async () => {
    await render({ root, config: demoConfig() });
    await rm(path.join(root, "cluster-platform-apps"), { recursive: true });
    await writeFile(path.join(root, "cluster-platform-apps"), "oops\n");
    const error = await failure(render({ root, config: demoConfig() }));
    expect(error.message).toContain('"cluster-platform-apps" is a file, not a folder');
    expect(error.position?.file).toBe("cluster-platform-apps");
  });

  it("names a folder standing where render writes a file", async () => {
    await mkdir(path.join(root, VALUES), { recursive: true });
    const error = await failure(render({ root, config: demoConfig() }));
    expect(error.message).toContain(`${VALUES} is a directory`);
  });
});

describe("names and hosts are validated before they become paths or Traefik rules", () => {
  const withManifest = (metadata: Record<string, unknown>, kind = "ConfigMap") =>
    demoConfig(demoComponent({ instances: [{ name: "demo", values: {}, manifests: [{ apiVersion: "v1", kind, metadata } as never] }] }));

  it.each([
    [{ name: "../../../outside/x" }, "ConfigMap", 'metadata.name "../../../outside/x"'],
    [{ name: "a/b" }, "ConfigMap", 'metadata.name "a/b"'],
    [{ name: "x" }, "../Secret", 'kind "../Secret"'],
    [{ name: "x", namespace: "n".repeat(70) }, "ConfigMap", "at most 63 characters (has 70)"],
    [{ name: "UPPER" }, "ConfigMap", 'metadata.name "UPPER"'],
  ])("refuses %j of kind %s naming component, object and field", async (metadata, kind, field) => {
    const error = await failure(render({ root, config: withManifest(metadata, kind) }));
    expect(error.code).toBe("CONFIG");
    expect(error.details.join("\n")).toContain("component demo, instance demo");
    expect(error.details.join("\n")).toContain(field);
    expect(await tree(root)).toEqual({ "homelab.config.ts": "// stands in for the user's config\n" });
    await outsideUntouched();
  });

  it("refuses a 70-character namespace in the model", async () => {
    const error = await failure(render({ root, config: demoConfig(demoComponent({ namespace: "n".repeat(70) })) }));
    expect(error.details.join("\n")).toContain("at most 63 characters");
  });

  it.each([
    ["bad_host..x!", "host"],
    ["a.example.com`) || PathPrefix(`/", "host"],
    ["UPPER.example.com", "host"],
  ])("refuses the route host %j", async (host, field) => {
    const config = demoConfig(demoComponent({ routes: [{ name: "demo", exposure: "public", host, auth: "none", service: { name: "demo", port: 80 } }] }));
    const error = await failure(render({ root, config }));
    expect(error.details.join("\n")).toContain(`component demo, route "demo": ${field} ${JSON.stringify(host)}`);
  });

  it("refuses a 70-character namespace on a route's service", async () => {
    const config = demoConfig(
      demoComponent({ routes: [{ name: "demo", exposure: "public", auth: "none", service: { name: "demo", port: 80, namespace: "n".repeat(70) } }] }),
    );
    expect((await failure(render({ root, config }))).details.join("\n")).toContain('component demo, route "demo": service.namespace');
  });

  it("refuses a path prefix that would break out of the rule, and accepts a wildcard host", async () => {
    const route = { name: "demo", exposure: "public" as const, auth: "none" as const, service: { name: "demo", port: 80 } };
    const bad = demoConfig(demoComponent({ routes: [{ ...route, pathPrefix: "/x`) || Host(`evil" }] }));
    expect((await failure(render({ root, config: bad }))).details.join("\n")).toContain("pathPrefix");
    await render({ root, config: demoConfig(demoComponent({ routes: [{ ...route, host: "*.apps.example.com", pathPrefix: "/api" }] })) });
    const rule = await readFile(path.join(root, "cluster-platform-apps/demo/manifests/ingressroute-demo.yaml"), "utf8");
    expect(rule).toContain("Host(`*.apps.example.com`) && PathPrefix(`/api`)");
  });
});

describe("crash recovery", () => {
  /** A file system that dies at the k-th rename: that rename and every later operation fail, as after a kill. */
  function crashingAt(k: number, op: "rename" | "rm" = "rename"): { fs: RenderFs; renames: () => number; removals: () => number } {
    let renames = 0;
    let removals = 0;
    let dead = false;
    const guard =
      <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        if (dead) throw new Error("process killed");
        return fn(...args);
      };
    const fs: RenderFs = {
      readFile: guard(nodeRenderFs.readFile),
      writeFile: guard(nodeRenderFs.writeFile),
      rm: guard(async (file: string) => {
        removals += 1;
        if (op === "rm" && removals === k) {
          dead = true;
          throw new Error("process killed");
        }
        await nodeRenderFs.rm(file);
      }),
      mkdir: guard(nodeRenderFs.mkdir),
      readdir: guard(nodeRenderFs.readdir),
      rmdir: guard(nodeRenderFs.rmdir),
      kind: guard(nodeRenderFs.kind),
      rename: guard(async (from: string, to: string) => {
        renames += 1;
        if (op === "rename" && renames === k) {
          dead = true;
          throw new Error("process killed");
        }
        await nodeRenderFs.rename(from, to);
      }),
    };
    return { fs, renames: () => renames, removals: () => removals };
  }

  const v1 = crashStart;
  // v2 changes files, removes a manifest (a delete) and a component (a prune).
  const v2 = crashTarget;

  async function cleanRender(): Promise<Record<string, string>> {
    const clean = path.join(base, "clean");
    await mkdir(clean);
    await render({ root: clean, config: v1() });
    await render({ root: clean, config: v2() });
    const files = await tree(clean);
    await rm(clean, { recursive: true, force: true });
    return files;
  }

  it("completes a render killed at any rename: for every k the tree equals a clean render and no staging file remains", async () => {
    const expected = await cleanRender();
    // Count the renames of an uninterrupted run to cover every one of them.
    const probe = path.join(base, "probe");
    await mkdir(probe);
    await render({ root: probe, config: v1() });
    const counting = crashingAt(Number.POSITIVE_INFINITY);
    await render({ root: probe, config: v2(), fs: counting.fs });
    const total = counting.renames();
    expect(total).toBeGreaterThan(3);
    for (let k = 1; k <= total; k += 1) {
      await rm(root, { recursive: true, force: true });
      await mkdir(root);
      await render({ root, config: v1() });
      const crash = crashingAt(k);
      const error = await failure(render({ root, config: v2(), fs: crash.fs }));
      expect(error.code, `k=${k}`).toBe("IO");
      // The first rename publishes the journal itself: before it, the old output stands and only staging files are left.
      expect(existsSync(path.join(root, JOURNAL_FILE)), `k=${k}`).toBe(k > 1);
      const result = await render({ root, config: v2() });
      expect(result.recovered, `k=${k}`).toBe(k > 1);
      const files = await tree(root);
      expect(
        Object.keys(files).filter((f) => f.includes(".homelab-tmp-")),
        `k=${k}`,
      ).toEqual([]);
      const { "homelab.config.ts": _config, ...rendered } = files;
      expect(rendered, `k=${k}`).toEqual(expected);
    }
  });

  it("completes a render killed at any delete (stale files, the pruned record, the journal)", async () => {
    const expected = await cleanRender();
    const probe = path.join(base, "probe-rm");
    await mkdir(probe);
    await render({ root: probe, config: v1() });
    const counting = crashingAt(Number.POSITIVE_INFINITY, "rm");
    await render({ root: probe, config: v2(), fs: counting.fs });
    const total = counting.removals();
    expect(total).toBeGreaterThan(2);
    for (let k = 1; k <= total; k += 1) {
      await rm(root, { recursive: true, force: true });
      await mkdir(root);
      await render({ root, config: v1() });
      await failure(render({ root, config: v2(), fs: crashingAt(k, "rm").fs }));
      await render({ root, config: v2() });
      const files = await tree(root);
      expect(
        Object.keys(files).filter((f) => f.includes(".homelab-tmp-") || f === JOURNAL_FILE),
        `k=${k}`,
      ).toEqual([]);
      const { "homelab.config.ts": _config, ...rendered } = files;
      expect(rendered, `k=${k}`).toEqual(expected);
    }
  });

  it("completes a render process killed with SIGKILL after its journal, and takes over its lock", async () => {
    const expected = await cleanRender();
    await render({ root, config: v1() });
    const flag = path.join(base, "paused");
    const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(new URL("./testing/crash-child.ts", import.meta.url))], {
      env: { ...process.env, HOMELAB_CRASH_CHILD_ROOT: root, HOMELAB_TEST_PAUSE_BEFORE_RENAMES: flag },
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    const deadline = Date.now() + 30_000;
    while (!existsSync(flag)) {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error("the child render never reached its pause");
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(existsSync(path.join(root, JOURNAL_FILE))).toBe(true);
    expect(existsSync(path.join(root, ".homelab/render.lock"))).toBe(true);
    const result = await render({ root, config: v2() });
    expect(result.recovered).toBe(true);
    const { "homelab.config.ts": _config, ...rendered } = await tree(root);
    expect(rendered).toEqual(expected);
  });

  it("serialises concurrent renders of different components (Nx runs render tasks in parallel)", async () => {
    const both = crashStart();
    const results = await Promise.all([render({ root, config: both, components: ["demo"] }), render({ root, config: both, components: ["other"] })]);
    expect(results.every((r) => r.written > 0)).toBe(true);
    expect([...(await readRecords(root)).keys()].sort()).toEqual(["demo", "other"]);
    expect(existsSync(path.join(root, ".homelab/render.lock"))).toBe(false);
    const { "homelab.config.ts": _config, ...files } = await tree(root);
    const clean = path.join(base, "clean-both");
    await mkdir(clean);
    await render({ root: clean, config: both });
    expect(files).toEqual(await tree(clean));
  });

  it("refuses a tampered journal that points outside render's folders", async () => {
    await mkdir(path.join(root, ".homelab"), { recursive: true });
    await writeFile(
      path.join(root, JOURNAL_FILE),
      JSON.stringify({ journalVersion: 1, pid: 1, renames: [], deletes: [{ path: "homelab.config.ts", digest: digest("x") }] }),
    );
    const error = await failure(render({ root, config: demoConfig() }));
    expect(error.position?.file).toBe(JOURNAL_FILE);
    await outsideUntouched();
  });

  it("--check reports an interrupted render instead of comparing a half-written tree", async () => {
    await render({ root, config: v1() });
    await failure(render({ root, config: v2(), fs: crashingAt(2).fs }));
    expect((await failure(renderCheck({ root, config: v2() }))).message).toContain("interrupted render");
  });
});
