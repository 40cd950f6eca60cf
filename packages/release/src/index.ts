export { addChangeset, type AddChangesetOptions, type AddedChangeset } from "./add.js";
export {
  createChangelog,
  githubRepoFromUrl,
  prFromMessage,
  type ChangelogChangeset,
  type ChangelogDependency,
  type ChangelogFunctions,
  type ChangelogOptions,
} from "./changelog.js";
export { CHANGESET_FOLDER, changesetsInRange, isChangesetFile, parseChangeset, type BumpType, type Changeset } from "./changesets.js";
export {
  addChangesetCommand,
  changesetGate,
  formatGate,
  formatGateAnnotations,
  type Coverage,
  type GateComponent,
  type GateOptions,
  type GateResult,
} from "./gate.js";
export { formatTags, releaseTags, type ReleaseTag, type TagOptions, type TagResult } from "./tag.js";
export { findPackage, tagName, workspacePackages, workspacePackagesAt, type WorkspacePackage } from "./workspace.js";
