/**
 * Findings as the stages after check read them: the one parser of
 * `homelab check --format json` (written by formatJson in ./format.ts) and of
 * an in-memory CheckResult, which has the same shape. Consumers (the PR
 * report) import this rather than re-validating the JSON themselves.
 */
import path from "node:path";
import { ErrorCode, HomelabError } from "@homelab/errors";
import { readNamedFile } from "@homelab/yaml";

/** check itself reports errors and warnings; `info` is accepted from other producers of the same JSON. */
export type FindingSeverity = "error" | "warning" | "info";

export interface Finding {
  rule: string;
  severity: FindingSeverity;
  component: string | null;
  /** Repository-relative path (the checked dir's prefix applied); null for a finding about no file. */
  file: string | null;
  line: number | null;
  column?: number;
  message: string;
  /** Sub-check of the rule, when the producer names one. */
  code?: string;
}

/** A waiver that covered findings, as the report lists it. */
export interface FindingWaiver {
  rule: string;
  component: string | null;
  reason: string;
  expires: string | null;
  file: string | null;
  line: number | null;
}

export interface Findings {
  violations: Finding[];
  waivers: FindingWaiver[];
  /** Where they came from, for the report (file names, `check(dir)`). */
  sources: string[];
}

export const NO_FINDINGS: Findings = { violations: [], waivers: [], sources: [] };

/** 1 when any error-severity finding remains (waived findings are not violations), else 0. */
export function findingsExitCode(findings: Findings): 0 | 1 {
  return findings.violations.some((v) => v.severity === "error") ? 1 : 0;
}

export function mergeFindings(all: readonly Findings[]): Findings {
  return {
    violations: all.flatMap((f) => f.violations),
    waivers: all.flatMap((f) => f.waivers),
    sources: all.flatMap((f) => f.sources),
  };
}

function bad(source: string, what: string): HomelabError {
  return new HomelabError(ErrorCode.Syntax, `findings: ${what}`, {
    position: { file: source },
    hint: "pass the output of `homelab check --format json`",
  });
}

function optionalString(value: unknown, source: string, where: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") throw bad(source, `${where} must be a string`);
  return value;
}

function optionalLine(value: unknown, source: string, where: string): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isInteger(value) || (value as number) < 1) throw bad(source, `${where} must be a positive integer`);
  return value as number;
}

function joinFile(prefix: string, file: string | null): string | null {
  if (file === null) return null;
  return prefix ? path.posix.normalize(`${prefix}/${file}`) : file;
}

/**
 * Validates the check JSON shape: `{"violations":[{rule,severity,component,file,line,message}], "summary":{...}}`
 * plus applied waivers (`waivers` or `appliedWaivers`). `fileBase` is the checked
 * directory relative to the repository root, because check reports files relative to it.
 */
export function parseFindings(data: unknown, source: string, fileBase = ""): Findings {
  if (typeof data !== "object" || data === null || !Array.isArray((data as { violations?: unknown }).violations)) {
    throw bad(source, "expected an object with a `violations` array");
  }
  const raw = data as { violations: unknown[]; waivers?: unknown; appliedWaivers?: unknown };
  const violations = raw.violations.map((item, i): Finding => {
    const where = `violations[${i}]`;
    if (typeof item !== "object" || item === null) throw bad(source, `${where} must be an object`);
    const v = item as Record<string, unknown>;
    if (typeof v.rule !== "string" || v.rule === "") throw bad(source, `${where}.rule must be a non-empty string`);
    if (v.severity !== "error" && v.severity !== "warning" && v.severity !== "info") {
      throw bad(source, `${where}.severity must be error, warning or info, not ${JSON.stringify(v.severity)}`);
    }
    if (typeof v.message !== "string") throw bad(source, `${where}.message must be a string`);
    const column = optionalLine(v.column, source, `${where}.column`);
    const code = optionalString(v.code, source, `${where}.code`);
    return {
      rule: v.rule,
      severity: v.severity,
      component: optionalString(v.component, source, `${where}.component`),
      file: joinFile(fileBase, optionalString(v.file, source, `${where}.file`)),
      line: optionalLine(v.line, source, `${where}.line`),
      ...(column === null ? {} : { column }),
      message: v.message,
      ...(code === null ? {} : { code }),
    };
  });
  const waiverList = raw.waivers ?? raw.appliedWaivers ?? [];
  if (!Array.isArray(waiverList)) throw bad(source, "`waivers` must be an array");
  const waivers = waiverList.map((item, i): FindingWaiver => {
    const where = `waivers[${i}]`;
    if (typeof item !== "object" || item === null) throw bad(source, `${where} must be an object`);
    const w = item as Record<string, unknown>;
    if (typeof w.rule !== "string") throw bad(source, `${where}.rule must be a string`);
    // check says where a waiver is declared as `declaredIn: "path:line"`, relative to the repository root.
    const declared = typeof w.declaredIn === "string" ? /^(.*?)(?::(\d+))?$/.exec(w.declaredIn) : null;
    return {
      rule: w.rule,
      component: optionalString(w.component, source, `${where}.component`),
      reason: optionalString(w.reason, source, `${where}.reason`) ?? "",
      expires: optionalString(w.expires, source, `${where}.expires`),
      file: declared ? declared[1]! : joinFile(fileBase, optionalString(w.file, source, `${where}.file`)),
      line: declared?.[2] ? Number(declared[2]) : optionalLine(w.line, source, `${where}.line`),
    };
  });
  return { violations, waivers, sources: [source] };
}

/** Reads one `homelab check --format json` file. */
export async function readFindingsFile(file: string, fileBase = ""): Promise<Findings> {
  // The one input loader: a FIFO or a folder named as the findings file is an error naming it, never a hang.
  const text = readNamedFile(file, { display: file });
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    // V8 names the offset ("at position 123"); turn it into a line for the user.
    const offset = /position (\d+)/.exec((error as Error).message)?.[1];
    const line = offset === undefined ? undefined : text.slice(0, Number(offset)).split("\n").length;
    throw new HomelabError(ErrorCode.Syntax, `findings file is not valid JSON: ${(error as Error).message}`, {
      position: line === undefined ? { file } : { file, line },
    });
  }
  return parseFindings(data, file, fileBase);
}
