import { parser } from "@prometheus-io/lezer-promql";

/** One label matcher of a vector selector, as written. */
export interface Matcher {
  label: string;
  op: "=" | "!=" | "=~" | "!~";
  value: string;
}

/** One vector selector (`metric{label="x"}`) of an expression. */
export interface VectorSelector {
  /** Metric name, or null when the selector names none (`{job="x"}`) or names it by a regex. */
  metric: string | null;
  matchers: Matcher[];
  /** Offsets in the expression, for messages. */
  text: string;
}

export interface ParsedExpr {
  selectors: VectorSelector[];
  /** Offset of the first syntax error, or null when the expression parses. */
  error: number | null;
}

const OPS: Record<string, Matcher["op"]> = { EqlSingle: "=", Neq: "!=", EqlRegex: "=~", NeqRegex: "!~" };

/**
 * A PromQL string literal: double or single quotes with Go escapes, or a raw
 * backtick string. JSON handles the double-quoted form exactly.
 */
function unquote(literal: string): string {
  if (literal.startsWith("`")) return literal.slice(1, -1);
  const body = literal.slice(1, -1);
  const doubled = literal.startsWith("'") ? body.replace(/\\'/g, "'").replace(/"/g, '\\"') : body;
  try {
    return JSON.parse(`"${doubled}"`) as string;
  } catch {
    return body;
  }
}

/**
 * The vector selectors of a PromQL expression, with their label matchers,
 * parsed by Prometheus's own grammar (@prometheus-io/lezer-promql) rather
 * than by regular expressions: `by (job)` or `on(namespace)` are not matchers.
 */
export function parsePromql(expr: string): ParsedExpr {
  const tree = parser.parse(expr);
  const selectors: VectorSelector[] = [];
  let error: number | null = null;
  tree.iterate({
    enter(node) {
      if (node.type.isError && error === null) error = node.from;
    },
  });
  tree.iterate({
    enter(node) {
      if (node.name !== "VectorSelector") return;
      let metric: string | null = null;
      const matchers: Matcher[] = [];
      const cursor = node.node.cursor();
      if (cursor.firstChild()) {
        do {
          if (cursor.name === "Identifier") metric = expr.slice(cursor.from, cursor.to);
          if (cursor.name !== "LabelMatchers") continue;
          const matcher = cursor.node.cursor();
          if (!matcher.firstChild()) continue;
          do {
            if (!/LabelMatcher$/.test(matcher.name)) continue;
            let label: string | null = null;
            let op: Matcher["op"] | null = null;
            let value: string | null = null;
            const part = matcher.node.cursor();
            if (part.firstChild()) {
              do {
                if (part.name === "LabelName" || part.name === "QuotedLabelName")
                  label = part.name === "LabelName" ? expr.slice(part.from, part.to) : unquote(expr.slice(part.from, part.to));
                else if (part.name === "MatchOp") op = OPS[part.node.firstChild?.name ?? ""] ?? null;
                else if (part.name === "StringLiteral") value = unquote(expr.slice(part.from, part.to));
              } while (part.nextSibling());
            }
            // `{"metric_name"}` (QuotedLabelMatcher without op) names the metric.
            if (label !== null && op === null && value === null && matcher.name === "QuotedLabelMatcher") metric = label;
            else if (label !== null && op !== null && value !== null) {
              if (label === "__name__" && op === "=") metric = value;
              else matchers.push({ label, op, value });
            }
          } while (matcher.nextSibling());
        } while (cursor.nextSibling());
      }
      selectors.push({ metric, matchers, text: expr.slice(node.from, node.to) });
      return false;
    },
  });
  return { selectors, error };
}

/** Prometheus regex matchers are RE2 and fully anchored. */
export function matcherHolds(matcher: Matcher, value: string): boolean {
  switch (matcher.op) {
    case "=":
      return value === matcher.value;
    case "!=":
      return value !== matcher.value;
    case "=~":
    case "!~": {
      let re: RegExp;
      try {
        re = new RegExp(`^(?:${matcher.value})$`, "s");
      } catch {
        // A regex JavaScript cannot read (RE2-only syntax): do not claim it matches nothing.
        return true;
      }
      return re.test(value) === (matcher.op === "=~");
    }
  }
}

export const formatMatcher = (m: Matcher): string => `${m.label}${m.op}${JSON.stringify(m.value)}`;
