// `homelab render` at the exit point: broken records, folders in the way and
// conflicting flags are exit 2 with the file named, never exit 70.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../main.js";

// Inside the repository (.tmp/ is ignored) so the temp config resolves @homelab/* packages.
const TMP = fileURLToPath(new URL("../../../../.tmp/", import.meta.url));
let repo: string;

async function run(argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, { cwd: repo, env: {}, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

beforeEach(async () => {
  await mkdir(TMP, { recursive: true });
  repo = await mkdtemp(path.join(TMP, "render-cli-"));
  await writeFile(path.join(repo, "homelab.config.ts"), 'import { homelab } from "@homelab/cluster";\nexport default { cluster: homelab, components: [] };\n');
});
afterEach(async () => {
  await rm(repo, { recursive: true, force: true });
});

describe("homelab render", () => {
  it("--root naming a folder without homelab.config.ts gives exit 2 naming it (found by the main() property test)", async () => {
    await mkdir(path.join(repo, "elsewhere"));
    const result = await run(["render", "--root", "elsewhere"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("no homelab.config.ts in elsewhere");
    expect(result.stderr).not.toContain("internal error");
  });

  it.each([
    ["null", "render record must be a JSON object, not null"],
    ['{"component": "x", "files": {"../../etc/passwd": "sha256:0"}}', "render record is invalid"],
  ])("a record holding %s gives exit 2 naming the record", async (text, message) => {
    await mkdir(path.join(repo, ".homelab/rendered"), { recursive: true });
    await writeFile(path.join(repo, ".homelab/rendered/x.json"), text);
    const result = await run(["render"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(".homelab/rendered/x.json");
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain("internal error");
  });

  it("a records folder replaced by a file gives exit 2 naming it", async () => {
    await mkdir(path.join(repo, ".homelab"), { recursive: true });
    await writeFile(path.join(repo, ".homelab/rendered"), "oops\n");
    const result = await run(["render"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(".homelab/rendered is a file");
  });

  it("refuses --force with --keep", async () => {
    const result = await run(["render", "--force", "--keep"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("homelab: --force and --keep exclude each other; --force overwrites hand edits, --keep keeps them\n");
  });
});
