import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { ensureBuilt } from "@homelab/workspace";
import { buildCommand, goDir, helperPath } from "./artifacts.js";
import { buildHelper, helperIsCurrent } from "./build.js";

/** One release to render, as `helm template <releaseName> <chart> -n <namespace> -f ... --kube-version ... --api-versions ...`. */
export interface ReleaseRequest {
  /** The caller's key for this release; echoed in its result. */
  id: string;
  /** A chart archive (.tgz) or chart directory. */
  chart: string;
  releaseName: string;
  namespace: string;
  /**
   * Value layers merged in order like `-f` files: maps merge recursively, a
   * later layer wins, and a null removes the key from the chart's defaults.
   */
  values: readonly Record<string, unknown>[];
  /** Capabilities.KubeVersion, e.g. "1.35.4". */
  kubeVersion: string;
  /** Capabilities.APIVersions beyond Helm's built-ins: "group/version" and "group/version/Kind". */
  apiVersions: readonly string[];
  /** Return the charts' crds/ files (`--include-crds`). */
  includeCrds: boolean;
  /** Set .Release.IsUpgrade instead of .Release.IsInstall. */
  isUpgrade?: boolean;
}

/** One rendered document, from the template that produced it. */
export interface RenderedObject {
  /** `<chart>/templates/x.yaml`, or `<chart>/charts/<sub>/templates/x.yaml`. */
  template: string;
  /** The YAML of one document, as Helm wrote it. */
  content: string;
  /** The `helm.sh/hook` events of a hook (Helm's rel.Hooks), null for a plain resource. */
  hook: string[] | null;
  /**
   * The document converted as Kubernetes clients read YAML (sigs.k8s.io/yaml:
   * YAML 1.1 over go-yaml), null for an empty one; absent when the helper could
   * not convert it (several documents, invalid YAML), which the caller then parses itself.
   */
  value?: unknown;
}

export interface CrdFile {
  /** `<chart>/crds/x.yaml` (or under a subchart); one file may hold several documents. */
  file: string;
  content: string;
  /**
   * The file's document converted as RenderedObject.value is (a leading `---`
   * line skipped); absent when it holds several documents or does not convert.
   */
  value?: unknown;
}

export interface RenderError {
  message: string;
  /** The template named in Helm's error, when it names one. */
  template: string | null;
  /** The template line, when Helm's error gives it (never a line of rendered text). */
  line: number | null;
}

export interface ReleaseResult {
  id: string;
  /** Resources in Helm's install order, then hooks in Helm's order (as `helm template` prints them). */
  objects: RenderedObject[];
  crds: CrdFile[];
  /** Helm's warnings for this release (deprecated chart, coalesce conflicts, ...). */
  warnings: string[];
  /** Set when this release failed; the other releases of the batch are unaffected. */
  error: RenderError | null;
}

export interface RenderOptions {
  signal?: AbortSignal;
  /** Kill the helper after this long; default 5 minutes per batch. */
  timeoutMs?: number;
  /** Where the one-line "building" message goes when the helper must be built first; default stderr. */
  log?: (line: string) => void;
  /**
   * Documents converted by earlier batches of the same run, by the sha256 of
   * their text: the helper does not convert these again, their values come
   * from here, and this batch's conversions are added. A value is a function
   * of the text alone, so results are the same with or without it.
   */
  converted?: Map<string, unknown>;
}

/** What the helper sends: each document also carries the sha256 of its text (the key of `known`). */
type Digested<T> = T & { digest?: string };
interface TemplateResponse {
  engine: string;
  results: (Omit<ReleaseResult, "objects" | "crds"> & { objects: Digested<RenderedObject>[]; crds: Digested<CrdFile>[] })[];
}

const defaultTimeoutMs = 5 * 60_000;

/** `helm.sh/helm/v3@v3.22.0`: the engine the helper is built from, read from its go.mod (part of any cache key). */
export function engineVersion(): string {
  const goMod = readFileSync(path.join(goDir, "go.mod"), "utf8");
  const match = /^\s*(?:require\s+)?helm\.sh\/helm\/v3\s+(v\S+)/m.exec(goMod);
  if (!match) throw new HomelabError(ErrorCode.MissingArtifact, "packages/helm/go/go.mod does not require helm.sh/helm/v3");
  return `helm.sh/helm/v3@${match[1]}`;
}

let building: Promise<unknown> | undefined;

/**
 * The helper's path. A missing helper is built through the package's cached Nx
 * `build` target (as every first-use Go build here is); one built from older Go
 * sources is rebuilt in place, once per process.
 */
export async function ensureHelper(log: (line: string) => void = (line) => process.stderr.write(`${line}\n`)): Promise<string> {
  if (helperIsCurrent()) return helperPath;
  if (!existsSync(helperPath)) {
    ensureBuilt({ project: "@homelab/helm", outputs: [helperPath], what: "the Helm helper" }, { log: (text) => process.stderr.write(text) });
    if (!existsSync(helperPath)) {
      throw new HomelabError(ErrorCode.MissingArtifact, "the Helm helper packages/helm/build/homelab-helm is not built", { hint: `run \`${buildCommand}\`` });
    }
    if (helperIsCurrent()) return helperPath;
  }
  building ??= buildHelper({ log }).finally(() => (building = undefined));
  await building;
  return helperPath;
}

/** The helper's stdin for `homelab-helm template` (the bench feeds it to the helper as hydrate does). */
export function templateRequest(requests: readonly ReleaseRequest[], known: Iterable<string> = []): string {
  return JSON.stringify({
    known: [...known],
    releases: requests.map((r) => ({
      id: r.id,
      chart: path.resolve(r.chart),
      releaseName: r.releaseName,
      namespace: r.namespace,
      values: r.values,
      kubeVersion: r.kubeVersion,
      apiVersions: r.apiVersions,
      includeCrds: r.includeCrds,
      isUpgrade: r.isUpgrade ?? false,
    })),
  });
}

/**
 * Renders a batch of releases with Helm's own engine in one helper process.
 * Results come back in request order; a chart that fails to render fails only
 * its own result. Throws only when the helper itself cannot run or answer.
 */
export async function renderReleases(requests: readonly ReleaseRequest[], options: RenderOptions = {}): Promise<ReleaseResult[]> {
  if (requests.length === 0) return [];
  const ids = new Set<string>();
  for (const request of requests) {
    if (ids.has(request.id)) throw new HomelabError(ErrorCode.Usage, `renderReleases: release id "${request.id}" appears twice in one batch`);
    ids.add(request.id);
  }
  const binary = await ensureHelper(options.log);
  const stdout = await runHelper(binary, ["template"], templateRequest(requests, options.converted?.keys()), options);
  let response: TemplateResponse;
  try {
    response = JSON.parse(stdout) as TemplateResponse;
  } catch (error) {
    throw new HomelabError(ErrorCode.MissingArtifact, "the Helm helper answered with something that is not JSON", {
      hint: `rebuild it: \`${buildCommand} -- --force\``,
      cause: error,
    });
  }
  const expected = engineVersion();
  if (response.engine !== expected) {
    throw new HomelabError(ErrorCode.MissingArtifact, `the Helm helper was built from ${response.engine}, go.mod pins ${expected}`, {
      hint: `rebuild it: \`${buildCommand} -- --force\``,
    });
  }
  const byId = new Map(response.results.map((result) => [result.id, result]));
  return requests.map((request) => {
    const result = byId.get(request.id);
    if (!result) throw new HomelabError(ErrorCode.MissingArtifact, `the Helm helper returned no result for release "${request.id}"`);
    for (const doc of [...result.objects, ...result.crds]) withValue(doc, options.converted);
    return result;
  });
}

/** The document as callers see it: its digest dropped, its value from `converted` when the helper left it out as known. */
function withValue(doc: Digested<RenderedObject | CrdFile>, converted: Map<string, unknown> | undefined): void {
  const { digest } = doc;
  delete doc.digest;
  if (digest === undefined || converted === undefined) return;
  if (doc.value !== undefined) converted.set(digest, doc.value);
  else if (converted.has(digest)) doc.value = converted.get(digest);
}

/**
 * Runs the helper with `input` on stdin and returns stdout. Exit code 2 is the
 * helper's own one-line error; a timeout or an abort kills it.
 */
export function runHelper(binary: string, args: readonly string[], input: string, options: RenderOptions = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new HomelabError(ErrorCode.Usage, "helm rendering was cancelled"));
      return;
    }
    const child = spawn(binary, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let settled = false;
    const finish = (error: Error | undefined, value?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (error) {
        child.kill("SIGKILL");
        reject(error);
      } else resolve(value ?? "");
    };
    const timer = setTimeout(
      () => finish(new HomelabError(ErrorCode.ChartInvalid, `homelab-helm ${args[0]} did not finish within ${Math.round(timeoutMs / 1000)} s`)),
      timeoutMs,
    );
    const onAbort = () => finish(new HomelabError(ErrorCode.Usage, "helm rendering was cancelled"));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => err.push(chunk));
    child.on("error", (error) =>
      finish(new HomelabError(ErrorCode.MissingArtifact, `cannot run ${binary}: ${error.message}`, { hint: `run \`${buildCommand}\``, cause: error })),
    );
    // EPIPE when the helper exits early is reported through its exit code instead.
    child.stdin.on("error", () => {});
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString("utf8").trim();
      if (code === 0) finish(undefined, Buffer.concat(out).toString("utf8"));
      else if (code === 2) finish(new HomelabError(ErrorCode.ChartInvalid, stderr || `homelab-helm ${args[0]} failed`));
      else
        finish(
          new HomelabError(ErrorCode.MissingArtifact, `homelab-helm ${args[0]} exited with ${signal ?? `code ${code}`}`, {
            details: stderr ? stderr.split("\n").slice(0, 20) : [],
          }),
        );
    });
    child.stdin.end(input);
  });
}
