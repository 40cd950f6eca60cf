import type { DocInfo, WaiverDecl } from "./model.js";

/** A finding before waivers: what it is, where it is, what it belongs to. */
export interface RawViolation {
  rule: string;
  severity: "error" | "warning";
  code: string;
  file: string;
  index: number;
  line: number;
  column: number;
  message: string;
  info: DocInfo;
}

/** A rule's finding placed at its line: the one way policy and reference findings become raw violations. */
export function rawViolation(
  f: { rule: string; severity: "error" | "warning"; code: string; file: string; index: number },
  at: { line: number; column: number },
  message: string,
  info: DocInfo,
): RawViolation {
  return { rule: f.rule, severity: f.severity, code: f.code, file: f.file, index: f.index, line: at.line, column: at.column, message, info };
}

export interface AppliedWaiver {
  rule: string;
  component: string | null;
  reason: string;
  expires: string;
  /** Where the waiver is declared. */
  declaredIn: string;
  /** The findings it covers: file:line message. */
  covers: { file: string; line: number; message: string }[];
}

/** `*` within a segment, `**` across segments, like .gitignore paths. */
function globToRegExp(glob: string): RegExp {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      out += ".*";
      i++;
      if (glob[i + 1] === "/") i++;
    } else if (c === "*") out += "[^/]*";
    else if (c === "?") out += "[^/]";
    else out += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${out}$`);
}

export function matches(waiver: WaiverDecl, v: RawViolation, repoFile: string): boolean {
  if (waiver.rule !== v.rule) return false;
  if (waiver.component !== null && waiver.component !== v.info.component) return false;
  const m = waiver.match;
  if (m.kind !== undefined && m.kind !== v.info.kind) return false;
  if (m.name !== undefined && m.name !== v.info.name) return false;
  if (m.namespace !== undefined && m.namespace !== v.info.namespace) return false;
  if (m.instance !== undefined && m.instance !== v.info.instance) return false;
  if (m.file !== undefined) {
    const re = globToRegExp(m.file);
    // Render records name files from the repository root; hand-written waivers from the checked directory.
    if (!re.test(v.file) && !re.test(repoFile)) return false;
  }
  return true;
}

/** Expired after the last day it names (UTC). */
export function isExpired(waiver: WaiverDecl, now: Date): boolean {
  return now.toISOString().slice(0, 10) > waiver.expires;
}
