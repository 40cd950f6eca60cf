import { ErrorCode, HomelabError } from "@homelab/errors";

export interface HttpOptions {
  /** Per attempt, including the body; default 30 s. */
  timeoutMs?: number;
  /** Further attempts after a network error, a 5xx or a 429; default 2. */
  retries?: number;
  /** Largest body accepted; default 128 MiB. */
  maxBytes?: number;
  /** Base of the exponential back-off between attempts; default 250 ms. */
  backoffMs?: number;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL after redirects. */
  url: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 128 * 1024 * 1024;

/** Shown instead of the URL's credentials, so no token reaches an error message. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = "***";
      parsed.password = "";
    }
    return parsed.toString();
  } catch {
    return "<invalid URL>";
  }
}

/**
 * GET with a deadline per attempt and a bounded retry of transient failures.
 * Any status is returned (the caller decides); only transport errors throw.
 */
export async function httpGet(url: string, headers: Record<string, string>, options: HttpOptions = {}): Promise<HttpResponse> {
  const retries = options.retries ?? 2;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const backoff = options.backoffMs ?? 250;
  let last: unknown;
  for (let attempt = 0; attempt <= retries; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, backoff * 2 ** (attempt - 1)));
    options.signal?.throwIfAborted();
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([deadline, options.signal]) : deadline;
    try {
      const response = await fetch(url, { headers, signal, redirect: "follow" });
      const body = await readBody(response, options.maxBytes ?? DEFAULT_MAX_BYTES, url);
      if ((response.status >= 500 || response.status === 429) && attempt < retries) {
        last = new Error(`HTTP ${response.status}`);
        continue;
      }
      return { status: response.status, headers: response.headers, body, url: response.url || url };
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (error instanceof HomelabError) throw error;
      last = deadline.aborted ? new Error(`no answer within ${timeoutMs < 10_000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1000)} s`}`) : error;
    }
  }
  const reason = last instanceof Error ? (last.cause instanceof Error ? `${last.message}: ${last.cause.message}` : last.message) : String(last);
  throw new HomelabError(ErrorCode.Remote, `GET ${redact(url)} failed after ${retries + 1} attempt(s): ${reason}`, {
    hint: "check the network, or work offline from the chart cache (HOMELAB_OFFLINE=1) after `npx homelab charts fetch`",
  });
}

async function readBody(response: Response, maxBytes: number, url: string): Promise<Buffer> {
  const length = Number(response.headers.get("content-length") ?? "0");
  if (length > maxBytes) {
    await response.body?.cancel();
    throw new HomelabError(ErrorCode.Remote, `GET ${redact(url)}: the response is ${length} bytes, more than the ${maxBytes} accepted`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (response.body) {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      if (size > maxBytes) throw new HomelabError(ErrorCode.Remote, `GET ${redact(url)}: the response is more than the ${maxBytes} bytes accepted`);
      chunks.push(Buffer.from(chunk));
    }
  }
  return Buffer.concat(chunks);
}
