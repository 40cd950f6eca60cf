export { MIRROR_ENV, MIRROR_KINDS, REPO_ROOT, defaultMirrorDir, mirrorDir, missingMirrorReason, type MirrorKind } from "./mirrors.js";
