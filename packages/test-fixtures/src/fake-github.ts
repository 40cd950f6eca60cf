import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A fake of the part of the GitHub REST API the pull-request report uses: a
 * real HTTP server on 127.0.0.1 that keeps state like GitHub does (check runs
 * with their appended annotations, issue comments, commit statuses), enforces
 * GitHub's documented limits, records every request and can be told to fail
 * the next matching requests (502, 403, secondary rate limit, ...).
 *
 * A request GitHub would reject gets the status GitHub would answer, and the
 * reason is also pushed to `problems`, so a test can assert `problems` is empty.
 */

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/repos/o/r/check-runs`. */
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body (undefined when there was none). */
  body: any;
  rawBody: string;
  /** The status the fake answered. */
  status: number;
}

export interface FakeCheckRun {
  id: number;
  name: string;
  head_sha: string;
  status: string;
  conclusion: string | null;
  output: { title?: string; summary?: string; text?: string };
  /** Every annotation received, in order, across create and updates (GitHub appends them). */
  annotations: any[];
}

export interface FakeComment {
  id: number;
  issue: number;
  body: string;
  user: { login: string };
}

export interface FakeStatus {
  sha: string;
  state: string;
  context: string;
  description?: string;
  target_url?: string;
}

export interface FailureSpec {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface RequestMatcher {
  method?: string;
  /** Exact path or a pattern tested against the path. */
  path?: string | RegExp;
}

export interface FakeGitHubOptions {
  /** The token requests must carry (`Authorization: token …` or `bearer …`); others get 401. */
  token: string;
  /** `owner/name`; requests for another repository get 404. */
  repo: string;
  /** Login of the user the token belongs to (the author of comments it creates). */
  login?: string;
}

export interface FakeGitHub {
  /** Base URL to give the client, e.g. `http://127.0.0.1:43123`. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Requests GitHub would have rejected, with the reason. */
  readonly problems: string[];
  readonly checkRuns: FakeCheckRun[];
  readonly comments: FakeComment[];
  readonly statuses: FakeStatus[];
  /** Answers the next `times` requests matching `match` with `failure` instead of handling them. */
  failNext(match: RequestMatcher, failure: FailureSpec, times?: number): void;
  /**
   * Accepts the next `times` (default: every) requests matching `match` and never answers them: a GitHub
   * that hangs. The connections stay open until `close()`.
   */
  hang(match?: RequestMatcher, times?: number): void;
  /** Adds a comment as if someone (by default another user) had written it. */
  seedComment(issue: number, body: string, login?: string): FakeComment;
  /** Recorded requests matching the matcher. */
  requestsTo(match: RequestMatcher): RecordedRequest[];
  close(): Promise<void>;
}

export const GITHUB_LIMITS = {
  annotationsPerRequest: 50,
  checkOutputChars: 65_535,
  commentChars: 65_536,
  statusDescriptionChars: 140,
} as const;

const ANNOTATION_LEVELS = new Set(["notice", "warning", "failure"]);
const CONCLUSIONS = new Set(["action_required", "cancelled", "failure", "neutral", "success", "skipped", "stale", "timed_out"]);
const STATUS_STATES = new Set(["error", "failure", "pending", "success"]);

function matches(match: RequestMatcher, method: string, path: string): boolean {
  if (match.method && match.method.toUpperCase() !== method) return false;
  if (typeof match.path === "string" && match.path !== path) return false;
  if (match.path instanceof RegExp && !match.path.test(path)) return false;
  return true;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Starts the fake on an ephemeral loopback port. Close it in `afterEach`. */
export async function startFakeGitHub(options: FakeGitHubOptions): Promise<FakeGitHub> {
  const login = options.login ?? "github-actions[bot]";
  const requests: RecordedRequest[] = [];
  const problems: string[] = [];
  const checkRuns: FakeCheckRun[] = [];
  const comments: FakeComment[] = [];
  const statuses: FakeStatus[] = [];
  const failures: { match: RequestMatcher; failure: FailureSpec; remaining: number }[] = [];
  let nextId = 1000;
  let port = 0;

  const checkOutput = (where: string, output: any): string | undefined => {
    if (output === undefined) return undefined;
    if (typeof output.title !== "string" || typeof output.summary !== "string") return `${where}: output needs title and summary`;
    for (const field of ["summary", "text"] as const) {
      if (typeof output[field] === "string" && output[field].length > GITHUB_LIMITS.checkOutputChars) {
        return `${where}: output.${field} has ${output[field].length} characters, more than ${GITHUB_LIMITS.checkOutputChars}`;
      }
    }
    const annotations = output.annotations ?? [];
    if (!Array.isArray(annotations)) return `${where}: output.annotations is not an array`;
    if (annotations.length > GITHUB_LIMITS.annotationsPerRequest) {
      return `${where}: ${annotations.length} annotations in one request, more than ${GITHUB_LIMITS.annotationsPerRequest}`;
    }
    for (const a of annotations) {
      if (
        typeof a.path !== "string" ||
        !Number.isInteger(a.start_line) ||
        !Number.isInteger(a.end_line) ||
        !ANNOTATION_LEVELS.has(a.annotation_level) ||
        typeof a.message !== "string"
      ) {
        return `${where}: malformed annotation ${JSON.stringify(a)}`;
      }
    }
    return undefined;
  };

  type Reply = { status: number; body?: unknown; headers?: Record<string, string> };
  type Handler = (params: string[], body: any, query: URLSearchParams, base: string) => Reply | string;
  const routes: { method: string; pattern: RegExp; handler: Handler }[] = [
    {
      method: "POST",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/check-runs$/,
      handler: (_p, body) => {
        if (typeof body?.name !== "string" || typeof body?.head_sha !== "string") return "create check run: name and head_sha are required";
        if (body.conclusion !== undefined && !CONCLUSIONS.has(body.conclusion)) return `create check run: bad conclusion ${body.conclusion}`;
        const problem = checkOutput("create check run", body.output);
        if (problem) return problem;
        const run: FakeCheckRun = {
          id: nextId++,
          name: body.name,
          head_sha: body.head_sha,
          status: body.conclusion ? "completed" : (body.status ?? "queued"),
          conclusion: body.conclusion ?? null,
          output: { title: body.output?.title, summary: body.output?.summary, text: body.output?.text },
          annotations: [...(body.output?.annotations ?? [])],
        };
        checkRuns.push(run);
        return {
          status: 201,
          body: {
            id: run.id,
            name: run.name,
            head_sha: run.head_sha,
            status: run.status,
            conclusion: run.conclusion,
            html_url: `https://github.invalid/runs/${run.id}`,
          },
        };
      },
    },
    {
      method: "PATCH",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/check-runs\/(\d+)$/,
      handler: (p, body) => {
        const run = checkRuns.find((r) => r.id === Number(p[1]));
        if (!run) return { status: 404, body: { message: "Not Found" } };
        if (body?.conclusion !== undefined && !CONCLUSIONS.has(body.conclusion)) return `update check run: bad conclusion ${body.conclusion}`;
        if (body?.status === "completed" && body.conclusion === undefined && run.conclusion === null) return "update check run: completed needs a conclusion";
        const problem = checkOutput("update check run", body?.output);
        if (problem) return problem;
        if (body.status) run.status = body.status;
        if (body.conclusion) {
          run.conclusion = body.conclusion;
          run.status = "completed";
        }
        if (body.output) {
          run.output = { title: body.output.title, summary: body.output.summary, text: body.output.text ?? run.output.text };
          run.annotations.push(...(body.output.annotations ?? []));
        }
        return { status: 200, body: { id: run.id, status: run.status, conclusion: run.conclusion } };
      },
    },
    {
      method: "GET",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/,
      // Paginated like GitHub (per_page default 30, max 100) with a Link header, so clients must follow it.
      handler: (p, _body, query, base) => {
        const all = comments.filter((c) => c.issue === Number(p[1])).map((c) => ({ id: c.id, body: c.body, user: c.user }));
        const perPage = Math.min(100, Number(query.get("per_page") ?? 30) || 30);
        const page = Math.max(1, Number(query.get("page") ?? 1) || 1);
        const last = Math.max(1, Math.ceil(all.length / perPage));
        const headers: Record<string, string> = {};
        if (page < last) {
          headers.link = `<${base}/repos/${p[0]}/issues/${p[1]}/comments?per_page=${perPage}&page=${page + 1}>; rel="next", <${base}/repos/${p[0]}/issues/${p[1]}/comments?per_page=${perPage}&page=${last}>; rel="last"`;
        }
        return { status: 200, body: all.slice((page - 1) * perPage, page * perPage), headers };
      },
    },
    {
      method: "POST",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/issues\/(\d+)\/comments$/,
      handler: (p, body) => {
        if (typeof body?.body !== "string") return "create comment: body is required";
        if (body.body.length > GITHUB_LIMITS.commentChars)
          return `create comment: body has ${body.body.length} characters, more than ${GITHUB_LIMITS.commentChars}`;
        const comment: FakeComment = { id: nextId++, issue: Number(p[1]), body: body.body, user: { login } };
        comments.push(comment);
        return { status: 201, body: comment };
      },
    },
    {
      method: "PATCH",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/issues\/comments\/(\d+)$/,
      handler: (p, body) => {
        const comment = comments.find((c) => c.id === Number(p[1]));
        if (!comment) return { status: 404, body: { message: "Not Found" } };
        if (typeof body?.body !== "string") return "update comment: body is required";
        if (body.body.length > GITHUB_LIMITS.commentChars)
          return `update comment: body has ${body.body.length} characters, more than ${GITHUB_LIMITS.commentChars}`;
        comment.body = body.body;
        return { status: 200, body: comment };
      },
    },
    {
      method: "POST",
      pattern: /^\/repos\/([^/]+\/[^/]+)\/statuses\/([0-9a-f]+)$/,
      handler: (p, body) => {
        if (!STATUS_STATES.has(body?.state)) return `create status: bad state ${body?.state}`;
        if (typeof body.description === "string" && body.description.length > GITHUB_LIMITS.statusDescriptionChars) {
          return `create status: description has ${body.description.length} characters, more than ${GITHUB_LIMITS.statusDescriptionChars}`;
        }
        const status: FakeStatus = {
          sha: p[1]!,
          state: body.state,
          context: body.context ?? "default",
          description: body.description,
          target_url: body.target_url,
        };
        statuses.push(status);
        return { status: 201, body: status };
      },
    },
  ];

  const answer = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    response.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
    response.end(body === undefined ? "" : JSON.stringify(body));
  };

  const hangs: { match: RequestMatcher; remaining: number }[] = [];
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = (request.method ?? "GET").toUpperCase();
    const rawBody = await readBody(request);
    let body: any;
    try {
      body = rawBody ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const recorded: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body,
      rawBody,
      status: 0,
    };
    requests.push(recorded);
    const reply = (status: number, payload: unknown, headers?: Record<string, string>) => {
      recorded.status = status;
      answer(response, status, payload, headers);
    };

    const hung = hangs.find((h) => h.remaining > 0 && matches(h.match, method, url.pathname));
    if (hung) {
      hung.remaining -= 1;
      return;
    }
    const failure = failures.find((f) => f.remaining > 0 && matches(f.match, method, url.pathname));
    if (failure) {
      failure.remaining -= 1;
      reply(failure.failure.status, failure.failure.body ?? { message: `injected ${failure.failure.status}` }, failure.failure.headers);
      return;
    }
    const auth = request.headers.authorization ?? "";
    if (auth !== `token ${options.token}` && auth !== `bearer ${options.token}` && auth !== `Bearer ${options.token}`) {
      problems.push(`${method} ${url.pathname}: missing or wrong Authorization header`);
      reply(401, { message: "Bad credentials" });
      return;
    }
    if (rawBody && body === undefined) {
      problems.push(`${method} ${url.pathname}: body is not JSON`);
      reply(400, { message: "Problems parsing JSON" });
      return;
    }
    for (const route of routes) {
      const found = route.method === method ? route.pattern.exec(url.pathname) : null;
      if (!found) continue;
      if (found[1] !== options.repo) {
        problems.push(`${method} ${url.pathname}: unexpected repository ${found[1]}`);
        reply(404, { message: "Not Found" });
        return;
      }
      const result = route.handler(found.slice(1), body, url.searchParams, `http://127.0.0.1:${port}`);
      if (typeof result === "string") {
        problems.push(result);
        reply(422, { message: "Validation Failed", errors: [result] });
      } else {
        reply(result.status, result.body, result.headers);
      }
      return;
    }
    problems.push(`${method} ${url.pathname}: no such endpoint in the fake`);
    reply(404, { message: "Not Found" });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    problems,
    checkRuns,
    comments,
    statuses,
    failNext(match, failure, times = 1) {
      failures.push({ match, failure, remaining: times });
    },
    hang(match = {}, times = Number.POSITIVE_INFINITY) {
      hangs.push({ match, remaining: times });
    },
    seedComment(issue, body, author = "someone-else") {
      const comment: FakeComment = { id: nextId++, issue, body, user: { login: author } };
      comments.push(comment);
      return comment;
    },
    requestsTo(match) {
      return requests.filter((r) => matches(match, r.method, r.path));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A loopback URL nothing listens on: a port that was just bound and released,
 * so connecting is refused immediately (no waiting for a timeout).
 */
export async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
