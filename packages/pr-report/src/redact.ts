/** Replaces secrets in text before it is printed, logged or written. */
export type Redactor = (text: string) => string;

/**
 * Every occurrence of each secret becomes `***`. The token never reaches a
 * report on purpose; this is the second line of defence for error messages and
 * anything a library might echo.
 */
export function redactor(secrets: readonly (string | undefined)[]): Redactor {
  // Short values would blank out ordinary words; real tokens are long.
  const list = secrets.filter((s): s is string => typeof s === "string" && s.length >= 8);
  if (list.length === 0) return (text) => text;
  return (text) => list.reduce((out, secret) => out.split(secret).join("***"), text);
}
