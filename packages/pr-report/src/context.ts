import { readFile } from "node:fs/promises";
import { ErrorCode, HomelabError } from "@homelab/errors";

/** What a GitHub Actions job tells a step through its environment and event file. */
export interface ActionsContext {
  /** `owner/name`. */
  repo?: string;
  pr?: number;
  /** The commit to report on: the PR head (not the merge commit), or the pushed commit. */
  sha?: string;
  base?: string;
  head?: string;
  apiUrl?: string;
  /** Link to the workflow run, where the report artifact and job summary are. */
  runUrl?: string;
  stepSummary?: string;
}

const ZERO_SHA = /^0+$/;

/**
 * Reads GITHUB_* variables and the event payload (pull_request: number, head
 * and base SHAs; push: before/after), then NX_BASE/NX_HEAD (set by
 * nrwl/nx-set-shas) as the base/head fallback. Outside Actions it returns
 * whatever is set, usually nothing.
 */
export async function actionsContext(env: Readonly<Record<string, string | undefined>>): Promise<ActionsContext> {
  const context: ActionsContext = {};
  // The webhook payload GitHub wrote; every field used below is checked before use.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let event: any;
  if (env.GITHUB_EVENT_PATH) {
    let text: string | undefined;
    try {
      text = await readFile(env.GITHUB_EVENT_PATH, "utf8");
    } catch {
      // A missing event file (local runs with partial env) just means no event data.
    }
    if (text !== undefined) {
      try {
        event = JSON.parse(text);
      } catch (error) {
        throw new HomelabError(ErrorCode.Syntax, `GitHub event file is not valid JSON: ${(error as Error).message}`, {
          position: { file: env.GITHUB_EVENT_PATH },
        });
      }
    }
  }
  if (env.GITHUB_REPOSITORY) context.repo = env.GITHUB_REPOSITORY;
  if (env.GITHUB_API_URL) context.apiUrl = env.GITHUB_API_URL;
  if (env.GITHUB_STEP_SUMMARY) context.stepSummary = env.GITHUB_STEP_SUMMARY;
  if (env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID) {
    context.runUrl = `${env.GITHUB_SERVER_URL.replace(/\/+$/, "")}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`;
  }
  const pr = event?.pull_request;
  if (pr && typeof pr === "object") {
    if (Number.isInteger(pr.number)) context.pr = pr.number;
    if (typeof pr.head?.sha === "string") context.sha = context.head = pr.head.sha;
    if (typeof pr.base?.sha === "string") context.base = pr.base.sha;
  } else if (event && typeof event.after === "string") {
    context.sha = context.head = event.after;
    if (typeof event.before === "string" && !ZERO_SHA.test(event.before)) context.base = event.before;
  }
  if (context.sha === undefined && env.GITHUB_SHA !== undefined) context.sha = env.GITHUB_SHA;
  if (context.base === undefined && env.NX_BASE !== undefined) context.base = env.NX_BASE;
  if (context.head === undefined && env.NX_HEAD !== undefined) context.head = env.NX_HEAD;
  return context;
}
