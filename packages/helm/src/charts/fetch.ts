import { ErrorCode, HomelabError } from "@homelab/errors";
import { YamlSource } from "@homelab/yaml";
import { httpGet, redact, type HttpOptions } from "./http.js";
import { sha256Digest } from "./cache.js";
import type { ChartPin } from "./lock.js";

/** The layer of an OCI chart artifact that holds the .tgz (Helm's registry client writes it). */
export const HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
const MANIFEST_TYPES = ["application/vnd.oci.image.manifest.v1+json", "application/vnd.oci.artifact.manifest.v1+json"];

export interface FetchedPackage {
  data: Buffer;
  digest: string;
  /** Where it was downloaded from (credentials redacted). */
  url: string;
}

/**
 * Downloads a chart package from `repository` (a Helm repository or an
 * `oci://` registry); the caller checks its digest against the lock.
 */
export async function downloadChart(pin: ChartPin, repository: string, http: HttpOptions = {}): Promise<FetchedPackage> {
  if (repository.startsWith("oci://")) return downloadOci(pin, repository, http);
  if (/^https?:\/\//.test(repository)) return downloadFromIndex(pin, repository, http);
  throw new HomelabError(ErrorCode.Config, `chart ${pin.chart} ${pin.version}: repository ${JSON.stringify(repository)} is neither http(s):// nor oci://`);
}

interface IndexEntry {
  version?: unknown;
  urls?: unknown;
  digest?: unknown;
}

/** Helm repository: `index.yaml` → the entry's first URL (relative to the repository) → .tgz. */
async function downloadFromIndex(pin: ChartPin, repository: string, http: HttpOptions): Promise<FetchedPackage> {
  const base = repository.endsWith("/") ? repository : `${repository}/`;
  const indexUrl = new URL("index.yaml", base).toString();
  const response = await httpGet(indexUrl, { accept: "application/yaml, text/yaml, */*" }, http);
  if (response.status !== 200) {
    throw new HomelabError(ErrorCode.Remote, `chart ${pin.chart} ${pin.version}: GET ${redact(indexUrl)} answered HTTP ${response.status}`);
  }
  const where = redact(indexUrl);
  const source = YamlSource.parse(response.body.toString("utf8"), where);
  const index = source.nonEmpty()[0]?.value as { entries?: Record<string, IndexEntry[]> } | undefined;
  if (!index || typeof index !== "object" || typeof index.entries !== "object" || index.entries === null) {
    throw new HomelabError(ErrorCode.Remote, `${where} is not a Helm repository index (no entries)`, { position: { file: where } });
  }
  const versions = index.entries[pin.chart];
  if (!Array.isArray(versions)) throw new HomelabError(ErrorCode.Remote, `${where} has no chart named ${pin.chart}`, { position: { file: where } });
  const entry = versions.find((v) => v?.version === pin.version);
  if (!entry) {
    const known = versions
      .map((v) => String(v?.version))
      .slice(0, 5)
      .join(", ");
    throw new HomelabError(ErrorCode.Remote, `${where} has no version ${pin.version} of ${pin.chart} (newest listed: ${known})`, { position: { file: where } });
  }
  const first = Array.isArray(entry.urls) ? entry.urls[0] : undefined;
  if (typeof first !== "string" || first === "") {
    throw new HomelabError(ErrorCode.Remote, `${where}: ${pin.chart} ${pin.version} lists no download URL`, { position: { file: where } });
  }
  // Helm resolves a relative URL against the repository URL, not the index file's.
  const url = new URL(first, base);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new HomelabError(ErrorCode.Remote, `${where}: ${pin.chart} ${pin.version} URL ${redact(url.toString())} is not http(s)`);
  }
  const tgz = await httpGet(url.toString(), { accept: "application/gzip, application/octet-stream, */*" }, http);
  if (tgz.status !== 200) {
    throw new HomelabError(ErrorCode.Remote, `chart ${pin.chart} ${pin.version}: GET ${redact(url.toString())} answered HTTP ${tgz.status}`);
  }
  const digest = sha256Digest(tgz.body);
  if (typeof entry.digest === "string" && entry.digest !== "" && `sha256:${entry.digest.replace(/^sha256:/, "")}` !== digest) {
    throw new HomelabError(
      ErrorCode.ChartInvalid,
      `chart ${pin.chart} ${pin.version} from ${redact(url.toString())} has digest ${digest}, its repository index says sha256:${entry.digest.replace(/^sha256:/, "")}`,
      {
        hint: "the package and its index disagree: a broken mirror or a tampered download; do not use it",
      },
    );
  }
  return { data: tgz.body, digest, url: redact(url.toString()) };
}

/** A registry served over plain HTTP: only loopback, as Helm's --plain-http is meant for. */
function schemeFor(host: string): string {
  return /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(host) ? "http" : "https";
}

/**
 * OCI registry (distribution HTTP API v2): manifest of `<path>/<chart>:<version>`
 * → the Helm chart layer → its blob. Anonymous pulls follow the Bearer token
 * flow a registry asks for in WWW-Authenticate.
 */
async function downloadOci(pin: ChartPin, repository: string, http: HttpOptions): Promise<FetchedPackage> {
  const rest = repository.slice("oci://".length).replace(/\/+$/, "");
  const slash = rest.indexOf("/");
  const host = slash === -1 ? rest : rest.slice(0, slash);
  const prefix = slash === -1 ? "" : rest.slice(slash + 1);
  if (!host || /[\s@]/.test(host))
    throw new HomelabError(ErrorCode.Config, `chart ${pin.chart}: ${JSON.stringify(repository)} is not an oci://host/path reference`);
  const name = prefix ? `${prefix}/${pin.chart}` : pin.chart;
  // OCI tags cannot hold "+": Helm pushes 1.0.0+build as 1.0.0_build.
  const tag = pin.version.replaceAll("+", "_");
  const registry = `${schemeFor(host)}://${host}`;
  const auth = new TokenAuth();
  const manifestUrl = `${registry}/v2/${name}/manifests/${encodeURIComponent(tag)}`;
  const manifestResponse = await auth.get(manifestUrl, { accept: MANIFEST_TYPES.join(", ") }, http);
  if (manifestResponse.status === 404) {
    throw new HomelabError(ErrorCode.Remote, `chart ${pin.chart} ${pin.version} is not in ${repository} (no manifest ${name}:${tag})`);
  }
  if (manifestResponse.status !== 200) {
    throw new HomelabError(ErrorCode.Remote, `chart ${pin.chart} ${pin.version}: GET ${manifestUrl} answered HTTP ${manifestResponse.status}`);
  }
  let manifest: { layers?: { mediaType?: string; digest?: string; size?: number }[] };
  try {
    manifest = JSON.parse(manifestResponse.body.toString("utf8")) as typeof manifest;
  } catch {
    throw new HomelabError(ErrorCode.Remote, `chart ${pin.chart} ${pin.version}: the manifest at ${manifestUrl} is not JSON`);
  }
  const layer = manifest.layers?.find((l) => l.mediaType === HELM_CHART_LAYER);
  if (!layer || typeof layer.digest !== "string" || !/^sha256:[0-9a-f]{64}$/.test(layer.digest)) {
    throw new HomelabError(
      ErrorCode.Remote,
      `chart ${pin.chart} ${pin.version}: the manifest at ${manifestUrl} has no ${HELM_CHART_LAYER} layer (not a Helm chart)`,
    );
  }
  const blobUrl = `${registry}/v2/${name}/blobs/${layer.digest}`;
  const blob = await auth.get(blobUrl, { accept: HELM_CHART_LAYER }, http);
  if (blob.status !== 200) throw new HomelabError(ErrorCode.Remote, `chart ${pin.chart} ${pin.version}: GET ${blobUrl} answered HTTP ${blob.status}`);
  const digest = sha256Digest(blob.body);
  if (digest !== layer.digest) {
    throw new HomelabError(
      ErrorCode.ChartInvalid,
      `chart ${pin.chart} ${pin.version}: the blob from ${repository} has digest ${digest}, its manifest says ${layer.digest}`,
    );
  }
  return { data: blob.body, digest, url: blobUrl };
}

/** Registry token auth (https://distribution.github.io/distribution/spec/auth/token/), anonymous. */
class TokenAuth {
  private token: string | undefined;

  async get(url: string, headers: Record<string, string>, http: HttpOptions) {
    const withToken = () => (this.token ? { ...headers, authorization: `Bearer ${this.token}` } : headers);
    const first = await httpGet(url, withToken(), http);
    if (first.status !== 401) return first;
    const challenge = parseBearer(first.headers.get("www-authenticate") ?? "");
    if (!challenge) return first;
    const tokenUrl = new URL(challenge.realm);
    if (challenge.service) tokenUrl.searchParams.set("service", challenge.service);
    if (challenge.scope) tokenUrl.searchParams.set("scope", challenge.scope);
    const answer = await httpGet(tokenUrl.toString(), { accept: "application/json" }, http);
    if (answer.status !== 200) {
      throw new HomelabError(ErrorCode.Remote, `the registry's token service ${redact(challenge.realm)} refused an anonymous token (HTTP ${answer.status})`);
    }
    let body: { token?: unknown; access_token?: unknown };
    try {
      body = JSON.parse(answer.body.toString("utf8")) as typeof body;
    } catch {
      throw new HomelabError(ErrorCode.Remote, `the registry's token service ${redact(challenge.realm)} answered something that is not JSON`);
    }
    const token = typeof body.token === "string" ? body.token : typeof body.access_token === "string" ? body.access_token : undefined;
    if (!token) throw new HomelabError(ErrorCode.Remote, `the registry's token service ${redact(challenge.realm)} gave no token`);
    this.token = token;
    return httpGet(url, withToken(), http);
  }
}

/** `Bearer realm="...",service="...",scope="..."` */
export function parseBearer(header: string): { realm: string; service?: string; scope?: string } | undefined {
  const match = /^\s*Bearer\s+(.*)$/i.exec(header);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  for (const m of match[1]!.matchAll(/(\w+)="([^"]*)"/g)) params[m[1]!.toLowerCase()] = m[2]!;
  if (!params.realm || !/^https?:\/\//.test(params.realm)) return undefined;
  return { realm: params.realm, ...(params.service ? { service: params.service } : {}), ...(params.scope ? { scope: params.scope } : {}) };
}
