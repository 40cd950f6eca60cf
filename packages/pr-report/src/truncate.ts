/**
 * Visible truncation. GitHub rejects over-long check output and comments, and
 * tools that cut silently are what users of diff previews complain about most:
 * whatever is cut is named, and the reader is told where the full report is.
 */

export interface Section {
  /** Names the section in the truncation note, e.g. a component name. */
  label: string;
  full: string;
  /** A shorter stand-in used when `full` does not fit (e.g. the diff replaced by its stats). */
  short?: string;
}

export interface FitOptions {
  head: string;
  sections: readonly Section[];
  tail?: string;
  limit: number;
  /** The note shown when something was cut: `shortened` kept their short form, `dropped` were left out. */
  note(cut: { shortened: string[]; dropped: string[] }): string;
}

/** Lists names, at most `max`, then "and N more", so the note itself stays small. */
export function nameList(names: readonly string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``);
  return names.length > max ? `${shown.join(", ")} and ${names.length - max} more` : shown.join(", ");
}

/**
 * Cuts `text` to `limit` characters at a line boundary and appends `note`.
 * The last resort when even the structured fit cannot stay under the limit.
 */
export function clip(text: string, limit: number, note: string): string {
  if (text.length <= limit) return text;
  const room = Math.max(0, limit - note.length - 2);
  let cut = text.slice(0, room);
  const newline = cut.lastIndexOf("\n");
  if (newline > room / 2) cut = cut.slice(0, newline);
  return `${cut}\n\n${note}`.slice(0, limit);
}

/**
 * Keeps sections whole in order while they fit, then falls back to their short
 * form, then drops them, always leaving room for the short forms of the
 * sections after and for the note; the note goes right after the head so a
 * reader sees it first.
 */
export function fitSections(options: FitOptions): string {
  const { head, sections, limit } = options;
  const tail = options.tail ?? "";
  const whole = head + sections.map((s) => s.full).join("") + tail;
  if (whole.length <= limit) return whole;

  const worstNote = options.note({ shortened: [], dropped: sections.map((s) => s.label) }).length + 4;
  let budget = limit - head.length - tail.length - worstNote;
  const shortLength = sections.map((s) => (s.short ?? "").length);
  const restShort = (from: number) => shortLength.slice(from).reduce((a, b) => a + b, 0);
  const kept: string[] = [];
  const shortened: string[] = [];
  const dropped: string[] = [];
  sections.forEach((section, i) => {
    const reserve = restShort(i + 1);
    if (section.full.length + reserve <= budget) {
      kept.push(section.full);
      budget -= section.full.length;
    } else if (section.short !== undefined && section.short.length + reserve <= budget) {
      kept.push(section.short);
      budget -= section.short.length;
      shortened.push(section.label);
    } else {
      dropped.push(section.label);
    }
  });
  const note = options.note({ shortened, dropped });
  const text = `${head}${note}\n\n${kept.join("")}${tail}`;
  return clip(text, limit, note);
}

/** A code fence longer than any backtick run in `content`, so content cannot close it. */
export function fence(content: string, info = ""): string {
  const longest = Math.max(2, ...[...content.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = "`".repeat(longest + 1);
  return `${ticks}${info}\n${content}\n${ticks}`;
}
