export { git, listFiles, mergeBase, resolveCommit, showFile } from "./plumbing.js";
export { readRecordsAt, renderedDiff, type ChartRef, type ComponentChange, type ComponentDiff, type FileDiff, type RecordSnapshot } from "./rendered.js";
