/**
 * What leaves the process: secrets replaced, terminal control characters
 * made visible. The CLI's one exit point and pr-report apply these; nothing
 * else writes to a terminal.
 */

/** Replaces secrets in text before it is printed, logged or written. */
export type Redactor = (text: string) => string;

export const REDACTED = "***";

/**
 * Tokens recognisable without knowing them: GitHub's documented prefixes
 * (classic `ghp_`/`gho_`/`ghu_`/`ghs_`/`ghr_` and fine-grained `github_pat_`).
 */
const TOKEN_PATTERNS: readonly RegExp[] = [/\bgh[pousr]_[A-Za-z0-9]{20,}\b/g, /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g];

/** Environment variables whose values are secrets wherever they appear. */
export function isSecretEnvName(name: string): boolean {
  return name === "GITHUB_TOKEN" || name === "GH_TOKEN" || name === "GH_ENTERPRISE_TOKEN" || (/^HOMELAB_/.test(name) && /TOKEN|SECRET|PASSWORD|KEY/.test(name));
}

/** The known secret values of an environment (see {@link isSecretEnvName}). */
export function secretsFromEnv(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.entries(env)
    .filter(([name, value]) => isSecretEnvName(name) && typeof value === "string" && value !== "")
    .map(([, value]) => value!);
}

/** Values given to a `--token` (or `--*-token`) flag, as `--token X` or `--token=X`. */
export function secretsFromArgs(argv: readonly string[]): string[] {
  const out: string[] = [];
  argv.forEach((arg, i) => {
    const inline = /^--(?:[\w-]*-)?token=(.+)$/.exec(arg);
    if (inline) out.push(inline[1]!);
    else if (/^--(?:[\w-]*-)?token$/.test(arg) && argv[i + 1] !== undefined) out.push(argv[i + 1]!);
  });
  return out;
}

/**
 * Every occurrence of each known secret (of any length: a 4-character token is
 * still a token) and of every token-shaped string becomes `***`. Longer
 * secrets go first so one that contains another is replaced whole.
 */
export function redactor(secrets: readonly (string | undefined)[]): Redactor {
  const list = [...new Set(secrets.filter((s): s is string => typeof s === "string" && s.length > 0))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const secret of list) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, REDACTED);
    return out;
  };
}

// C0 controls except tab and newline, DEL, and C1 controls (U+0080–U+009F, which some terminals also obey).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** Terminal control characters (ESC sequences, CR, BEL, C1) as visible `\xNN` escapes; `\n` and `\t` stay. */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}
