export { createTempGitRepo, runGit, type TempGitRepo } from "./git-repo.js";
export {
  GITHUB_LIMITS,
  startFakeGitHub,
  unreachableUrl,
  type FailureSpec,
  type FakeCheckRun,
  type FakeComment,
  type FakeGitHub,
  type FakeGitHubOptions,
  type FakeStatus,
  type RecordedRequest,
  type RequestMatcher,
} from "./fake-github.js";
