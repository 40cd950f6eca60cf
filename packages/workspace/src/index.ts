export { MIRROR_ENV, MIRROR_KINDS, REPO_ROOT, defaultMirrorDir, mirrorDir, missingMirrorReason, type MirrorKind } from "./mirrors.js";
export { NO_AUTO_BUILD_ENV, ensureBuilt, type BuildNeed, type EnsureBuiltOptions } from "./ensure-built.js";
export { CACHE_DIR_ENV, hashTree, keepNewest, openGeneration, statTree, workspaceCacheDir, writableCacheDir, writeFileAtomic } from "./cache.js";
