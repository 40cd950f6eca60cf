import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { ensureHelper, runHelper } from "./render.js";

export interface PackagedChart {
  /** `<outDir>/<name>-<version>.tgz` */
  path: string;
  name: string;
  version: string;
}

/** Packages a chart directory as `helm package` does (chartutil.Save). */
export async function packageChart(chartDir: string, outDir: string, options: { timeoutMs?: number } = {}): Promise<PackagedChart> {
  const binary = await ensureHelper();
  const stdout = await runHelper(binary, ["package", path.resolve(chartDir), path.resolve(outDir)], "", { timeoutMs: options.timeoutMs ?? 120_000 });
  return parse<PackagedChart>(stdout, "package");
}

export interface PushedChart {
  /** `host/repo/<name>:<version>` */
  ref: string;
  /** Digest of the OCI manifest. */
  digest: string;
  /** Digest of the chart layer: the sha256 of the .tgz. */
  chartDigest: string;
}

/** Pushes a chart archive to `oci://host/repo` with Helm's own OCI client (plain HTTP only to loopback). */
export async function pushChart(archive: string, target: string, options: { timeoutMs?: number } = {}): Promise<PushedChart> {
  const binary = await ensureHelper();
  const stdout = await runHelper(binary, ["push", path.resolve(archive), target], "", { timeoutMs: options.timeoutMs ?? 120_000 });
  return parse<PushedChart>(stdout, "push");
}

function parse<T>(stdout: string, what: string): T {
  try {
    return JSON.parse(stdout) as T;
  } catch (error) {
    throw new HomelabError(ErrorCode.MissingArtifact, `homelab-helm ${what} answered with something that is not JSON`, { cause: error });
  }
}
