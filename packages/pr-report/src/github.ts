import { retry } from "@octokit/plugin-retry";
import { throttling } from "@octokit/plugin-throttling";
import { Octokit } from "@octokit/rest";
import Bottleneck from "bottleneck";
import { LIMITS, COMMENT_MARKER, checkSummary, checkText, commentBody, headline } from "./markdown.js";
import type { Report } from "./model.js";
import type { Redactor } from "./redact.js";

/** Where and as whom to publish. The token only ever goes into the Authorization header. */
export interface GitHubTarget {
  token: string;
  /** REST API base URL, e.g. https://api.github.com or a loopback fake in tests. */
  apiUrl: string;
  owner: string;
  repo: string;
  /** The commit the check run or status is attached to (a PR's head SHA, not the merge commit). */
  sha: string;
  /** Pull request number; no comment is written without one. */
  pr: number | null;
  checkName: string;
  /** Link for the commit status (the workflow run). */
  targetUrl: string | null;
}

export interface GitHubClientOptions {
  /**
   * Milliseconds one "second" of back-off lasts: the retry plugin waits
   * retryCount² of them, the throttling plugin Retry-After of them and spaces
   * writes by 1 (comments by 3). Tests make it tiny. Default 1000.
   */
  delayUnitMs?: number;
  /** Retries after 5xx or network errors (default 3) and after rate limits (default 2). */
  retries?: number;
  /**
   * Milliseconds one request attempt may take, answer body included, before it
   * is aborted and counts as a network error (retried, then GitHub is treated
   * as unreachable). Default {@link DEFAULT_REQUEST_TIMEOUT_MS}.
   */
  timeoutMs?: number;
}

/** Per attempt. With 3 retries backing off 1, 4 and 9 s, a GitHub that never answers costs at most ~1 min. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** A Retry-After above this is not waited for: the report is in the files already, a CI job should not sit for an hour. */
const MAX_RETRY_AFTER_S = 60;

export interface PublishOutcome {
  checkRun: { id: number; annotationRequests: number; annotations: number; conclusion: string } | null;
  status: { state: string; description: string } | null;
  comment: { id: number; action: "created" | "updated" } | null;
  /** What went wrong talking to GitHub; never fatal for the report. */
  problems: string[];
  /** The result reached GitHub: a completed check run or a final commit status, and the PR comment when there is a PR. */
  published: boolean;
}

/**
 * fetch with a deadline per attempt (AbortSignal.timeout): a server that
 * accepts the connection and never answers is a network error after
 * `timeoutMs`, not a hang.
 */
export function fetchWithTimeout(timeoutMs: number, fetchImpl: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init = {}) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return fetchImpl(input, { ...init, signal }).catch((error: unknown) => {
      if (deadline.aborted) throw new Error(`no answer within ${timeoutMs} ms`, { cause: error });
      throw error;
    });
  };
}

export interface Publisher {
  /** Creates the check run `in_progress`; falls back to a pending commit status when checks are denied. */
  start(): Promise<void>;
  /** Completes the check run (or sets the status) and writes the comment. */
  finish(report: Report): Promise<PublishOutcome>;
  /** Completes a started check run as failed when the report itself failed. */
  abort(message: string): Promise<void>;
}

interface RequestErrorLike {
  status?: number;
  response?: { status: number; data?: { message?: string } };
  message?: string;
  request?: { method?: string; url?: string };
}

function describe(error: unknown, redact: Redactor): string {
  const e = error as RequestErrorLike;
  const what = e.request ? `${e.request.method ?? ""} ${new URL(e.request.url ?? "/", "http://x").pathname}` : "request";
  if (e.response) return redact(`${what}: HTTP ${e.response.status}: ${e.response.data?.message ?? e.message ?? ""}`.trim());
  return redact(`${what}: ${e.message ?? String(error)} (GitHub unreachable)`);
}

/** A response arrived (as opposed to a refused connection, DNS failure, reset). */
function answered(error: unknown): boolean {
  return (error as RequestErrorLike).response !== undefined;
}

function isForbidden(error: unknown): boolean {
  return (error as RequestErrorLike).response?.status === 403;
}

const PluggedOctokit = Octokit.plugin(retry, throttling);
type Client = InstanceType<typeof PluggedOctokit>;

export function createClient(target: GitHubTarget, options: GitHubClientOptions, warn: (message: string) => void): Client {
  const unit = options.delayUnitMs ?? 1000;
  const retries = options.retries ?? 3;
  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const again = retryCount < 2 && retryAfter <= MAX_RETRY_AFTER_S;
    warn(`GitHub ${kind} on ${request.method} ${request.url}; ${again ? `retrying after ${retryAfter}s` : `giving up (retry after ${retryAfter}s)`}`);
    return again;
  };
  return new PluggedOctokit({
    auth: target.token,
    baseUrl: target.apiUrl.replace(/\/+$/, ""),
    userAgent: "homelab-pr-report",
    request: { fetch: fetchWithTimeout(options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS) },
    // Octokit's own logging would print request details; route it through the redacting warn.
    // Failed requests are reported once each through `problems`; octokit's per-attempt error lines would repeat them.
    log: { debug: () => {}, info: () => {}, warn: (m: string) => warn(String(m)), error: () => {} },
    // Not `request.retries`: the retry plugin would then retry every error, 403 and 422 included.
    retry: { retryAfterBaseValue: unit, retries },
    throttle: {
      retryAfterBaseValue: unit,
      fallbackSecondaryRateRetryAfter: 60,
      // Per-client limiters: the plugin's defaults are process-wide and space writes by whole seconds.
      write: new Bottleneck.Group({ maxConcurrent: 1, minTime: unit }),
      notifications: new Bottleneck.Group({ maxConcurrent: 1, minTime: 3 * unit }),
      onRateLimit: onLimit("rate limit"),
      onSecondaryRateLimit: onLimit("secondary rate limit"),
    },
  }) as Client;
}

const LEVEL = { error: "failure", warning: "warning", info: "notice" } as const;

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: "failure" | "warning" | "notice";
  title: string;
  message: string;
}

/** Findings with a file become annotations at file:line (line 1 when the finding has none). */
export function annotationsOf(report: Report): Annotation[] {
  return report.findings.violations
    .filter((v) => v.file)
    .map((v) => ({
      path: v.file!,
      start_line: v.line ?? 1,
      end_line: v.line ?? 1,
      annotation_level: LEVEL[v.severity],
      title: `${v.rule}${v.component ? ` (${v.component})` : ""}`.slice(0, 255),
      message: v.message.slice(0, 60_000),
    }));
}

/** A commit status description: GitHub allows 140 characters. */
export function statusDescription(report: Report): string {
  const text = headline(report).replace(/^[^a-z]+/i, "");
  return text.length <= LIMITS.statusDescription ? text : `${text.slice(0, LIMITS.statusDescription - 1)}…`;
}

export function createPublisher(target: GitHubTarget, options: GitHubClientOptions, redact: Redactor, warn: (message: string) => void): Publisher {
  const client = createClient(target, options, (m) => warn(redact(m)));
  const repo = { owner: target.owner, repo: target.repo };
  const problems: string[] = [];
  let checkRunId: number | null = null;
  let checksDenied = false;
  /** Once GitHub did not answer at all, further calls would only wait through the same retries. */
  let unreachable = false;

  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
    if (unreachable) return undefined;
    try {
      return await call();
    } catch (error) {
      if (!answered(error)) unreachable = true;
      problems.push(`${what}: ${describe(error, redact)}`);
      throw error;
    }
  };

  const setStatus = async (state: "pending" | "success" | "failure" | "error", description: string) => {
    await attempt("commit status", () =>
      client.rest.repos.createCommitStatus({
        ...repo,
        sha: target.sha,
        state,
        context: target.checkName,
        description,
        ...(target.targetUrl ? { target_url: target.targetUrl } : {}),
      }),
    );
  };

  return {
    async start() {
      try {
        const created = await attempt("create check run", () =>
          client.rest.checks.create({ ...repo, name: target.checkName, head_sha: target.sha, status: "in_progress", started_at: new Date().toISOString() }),
        );
        if (created) checkRunId = created.data.id;
      } catch (error) {
        if (isForbidden(error)) {
          checksDenied = true;
          warn("the token cannot write check runs; reporting a commit status instead");
          await setStatus("pending", "homelab policy is running").catch(() => {});
        }
      }
    },

    async abort(message) {
      const text = redact(message);
      if (checkRunId !== null) {
        await attempt("fail check run", () =>
          client.rest.checks.update({
            ...repo,
            check_run_id: checkRunId!,
            status: "completed",
            conclusion: "failure",
            output: { title: "pr-report failed", summary: text.slice(0, LIMITS.checkOutput) },
          }),
        ).catch(() => {});
      } else if (checksDenied) {
        await setStatus("error", text.slice(0, LIMITS.statusDescription)).catch(() => {});
      }
    },

    async finish(report) {
      const outcome: PublishOutcome = { checkRun: null, status: null, comment: null, problems, published: false };
      const conclusion = report.conclusion;
      if (checkRunId !== null) {
        const annotations = annotationsOf(report);
        const output = { title: headline(report), summary: checkSummary(report), text: checkText(report) };
        const batches: Annotation[][] = [];
        for (let i = 0; i < annotations.length; i += LIMITS.annotationsPerRequest) batches.push(annotations.slice(i, i + LIMITS.annotationsPerRequest));
        if (batches.length === 0) batches.push([]);
        try {
          // GitHub appends annotations on every update; the last batch completes the run.
          for (const [i, batch] of batches.entries()) {
            const last = i === batches.length - 1;
            await attempt("update check run", () =>
              client.rest.checks.update({
                ...repo,
                check_run_id: checkRunId!,
                output: { ...output, ...(batch.length ? { annotations: batch } : {}) },
                ...(last ? { status: "completed" as const, conclusion, completed_at: new Date().toISOString() } : {}),
              }),
            );
          }
          outcome.checkRun = { id: checkRunId, annotationRequests: annotations.length ? batches.length : 0, annotations: annotations.length, conclusion };
        } catch (error) {
          if (isForbidden(error)) checksDenied = true;
        }
      }
      if (checksDenied) {
        const description = statusDescription(report);
        try {
          await setStatus(conclusion === "success" ? "success" : "failure", description);
          outcome.status = { state: conclusion === "success" ? "success" : "failure", description };
        } catch {
          // Recorded in problems; the files still carry the report.
        }
      }
      if (target.pr !== null) {
        try {
          const body = commentBody(report);
          const comments = await attempt("list comments", () =>
            client.paginate(client.rest.issues.listComments, { ...repo, issue_number: target.pr!, per_page: 100 }),
          );
          if (comments) {
            const existing = comments.find((c) => typeof c.body === "string" && c.body.startsWith(COMMENT_MARKER));
            if (existing) {
              await attempt("update comment", () => client.rest.issues.updateComment({ ...repo, comment_id: existing.id, body }));
              outcome.comment = { id: existing.id, action: "updated" };
            } else {
              const created = await attempt("create comment", () => client.rest.issues.createComment({ ...repo, issue_number: target.pr!, body }));
              if (created) outcome.comment = { id: created.data.id, action: "created" };
            }
          }
        } catch {
          // Recorded in problems.
        }
      }
      outcome.published = (outcome.checkRun !== null || outcome.status !== null) && (target.pr === null || outcome.comment !== null);
      return outcome;
    },
  };
}
