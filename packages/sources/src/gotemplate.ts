/**
 * The part of Go's text/template that ApplicationSet templates use here, with
 * Go's semantics: field access on the generator's parameters (`{{.name}}`,
 * `{{.a.b}}`), the trim markers `{{-` and `-}}`, comments, `if` / `else if` /
 * `else` / `end`, and the builtins `eq`, `ne`, `not`, `and`, `or` with string,
 * number and boolean literals; parentheses group a sub-command. Everything
 * else (pipelines, variables, `range`, `with`, Sprig functions) is refused
 * with a clear error instead of being rendered differently from ArgoCD.
 *
 * `missingkey=error` (ArgoCD's goTemplateOptions) makes a missing key an
 * error; without it Go prints `<no value>`.
 */

export class TemplateError extends Error {
  /** 0-based offset of the action in the template text. */
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.name = "TemplateError";
    this.offset = offset;
  }
}

/**
 * Valid Go template that homelab's subset does not evaluate (pipelines,
 * variables, range/with, Sprig functions): ArgoCD renders it, we cannot say
 * what it gives. Not the template's fault, so callers reading a repository
 * leniently skip what holds it rather than refuse the repository.
 */
export class UnsupportedTemplateError extends TemplateError {
  constructor(message: string, offset: number) {
    super(message, offset);
    this.name = "UnsupportedTemplateError";
  }
}

export interface TemplateOptions {
  missingKey: "error" | "default";
}

type Expr =
  | { type: "field"; path: string[]; offset: number }
  | { type: "dot"; offset: number }
  | { type: "literal"; value: string | number | boolean; offset: number }
  | { type: "call"; name: string; args: Expr[]; offset: number };

type Node = { type: "text"; text: string } | { type: "output"; expr: Expr } | { type: "if"; branches: { cond: Expr; body: Node[] }[]; otherwise: Node[] };

interface Action {
  body: string;
  offset: number;
}

type Token = { kind: "text"; text: string } | { kind: "action"; action: Action };

const BUILTINS = new Set(["eq", "ne", "not", "and", "or"]);
const REFUSED_KEYWORDS = new Set(["range", "with", "define", "template", "block", "break", "continue"]);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  let trimNext = false;
  while (pos < source.length) {
    const open = source.indexOf("{{", pos);
    let text = open === -1 ? source.slice(pos) : source.slice(pos, open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, "");
    if (open === -1) {
      if (text) tokens.push({ kind: "text", text });
      break;
    }
    let start = open + 2;
    // `{{- ` trims the whitespace before the action; Go requires the space after the dash.
    const trimBefore = source[start] === "-" && /[ \t\r\n]/.test(source[start + 1] ?? "");
    if (trimBefore) {
      text = text.replace(/[ \t\r\n]+$/, "");
      start += 2;
    }
    if (text) tokens.push({ kind: "text", text });
    const close = findClose(source, start, open);
    let end = close;
    trimNext = false;
    if (source[close - 1] === "-" && /[ \t\r\n]/.test(source[close - 2] ?? "")) {
      trimNext = true;
      end = close - 2;
    }
    tokens.push({ kind: "action", action: { body: source.slice(start, end).trim(), offset: open } });
    pos = close + 2;
  }
  return tokens;
}

/** Index of the `}}` closing the action opened at `open`, skipping string literals. */
function findClose(source: string, from: number, open: number): number {
  let i = from;
  while (i < source.length) {
    const c = source[i];
    if (c === '"') {
      i++;
      while (i < source.length && source[i] !== '"') i += source[i] === "\\" ? 2 : 1;
      i++;
      continue;
    }
    if (c === "`") {
      const endRaw = source.indexOf("`", i + 1);
      if (endRaw === -1) break;
      i = endRaw + 1;
      continue;
    }
    if (source.startsWith("/*", i)) {
      const endComment = source.indexOf("*/", i + 2);
      if (endComment === -1) break;
      i = endComment + 2;
      continue;
    }
    if (source.startsWith("}}", i)) return i;
    i++;
  }
  throw new TemplateError("unclosed action: '{{' without '}}'", open);
}

/** Splits an action body into words: string literals, raw strings, parentheses and bare words. */
function words(action: Action): Word[] {
  const out: Word[] = [];
  const body = action.body;
  let i = 0;
  while (i < body.length) {
    const c = body[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    if (c === '"') {
      i++;
      while (i < body.length && body[i] !== '"') i += body[i] === "\\" ? 2 : 1;
      if (i >= body.length) throw new TemplateError("unterminated string literal", action.offset);
      i++;
    } else if (c === "`") {
      const end = body.indexOf("`", i + 1);
      if (end === -1) throw new TemplateError("unterminated raw string", action.offset);
      i = end + 1;
    } else if (c === "|" || c === "(" || c === ")") {
      i++;
    } else {
      while (i < body.length && !/[\s|()]/.test(body[i]!)) i++;
    }
    out.push({ text: body.slice(start, i), offset: action.offset });
  }
  return out;
}

function parseOperand(word: Word): Expr {
  const { text, offset } = word;
  if (text === ".") return { type: "dot", offset };
  if (text.startsWith(".")) {
    const path = text.slice(1).split(".");
    for (const segment of path) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) throw new TemplateError(`bad field name in "${text}"`, offset);
    }
    return { type: "field", path, offset };
  }
  if (text.startsWith('"')) {
    try {
      return { type: "literal", value: JSON.parse(text) as string, offset };
    } catch {
      throw new UnsupportedTemplateError(`string literal ${text} uses an escape this template subset does not read`, offset);
    }
  }
  if (text.startsWith("`")) return { type: "literal", value: text.slice(1, -1), offset };
  if (text === "true" || text === "false") return { type: "literal", value: text === "true", offset };
  if (/^-?\d+(\.\d+)?$/.test(text)) return { type: "literal", value: Number(text), offset };
  if (text.startsWith("$")) throw new UnsupportedTemplateError(`template variables (${text}) are not supported by homelab`, offset);
  throw new TemplateError(`"${text}" is not a field, literal or supported function`, offset);
}

type Word = { text: string; offset: number };

/** A command (`fn arg...` or one operand); parenthesized sub-commands are operands. */
function parseExpr(ws: Word[], offset: number): Expr {
  if (ws.length === 0) throw new TemplateError("empty action", offset);
  const variable = ws.find((w) => w.text.startsWith("$"));
  if (variable) throw new UnsupportedTemplateError(`template variables (${variable.text}) are not supported by homelab`, offset);
  const pipe = ws.find((w) => w.text === "|");
  if (pipe) throw new UnsupportedTemplateError('"|" (pipelines) is not supported by homelab\'s template subset', offset);
  let i = 0;
  const command = (closing: boolean): Expr => {
    const items: (Expr | Word)[] = [];
    while (i < ws.length) {
      const word = ws[i]!;
      if (word.text === ")") {
        if (!closing) throw new TemplateError('unexpected ")"', offset);
        i++;
        return build(items);
      }
      i++;
      if (word.text === "(") items.push(command(true));
      else items.push(word);
    }
    if (closing) throw new TemplateError('unclosed "("', offset);
    return build(items);
  };
  const build = (items: (Expr | Word)[]): Expr => {
    if (items.length === 0) throw new TemplateError("empty command", offset);
    const operand = (item: Expr | Word): Expr => ("type" in item ? item : parseOperand(item));
    const head = items[0]!;
    if (!("type" in head) && /^[A-Za-z_][A-Za-z0-9_]*$/.test(head.text) && head.text !== "true" && head.text !== "false") {
      if (!BUILTINS.has(head.text)) {
        throw new UnsupportedTemplateError(`function "${head.text}" is not supported by homelab (supported: ${[...BUILTINS].join(", ")})`, offset);
      }
      return { type: "call", name: head.text, args: items.slice(1).map(operand), offset };
    }
    if (items.length > 1) throw new TemplateError("only a function takes arguments", offset);
    return operand(head);
  };
  return command(false);
}

/** Parses a template; errors carry the offset of the offending action. */
export function parseTemplate(source: string): Node[] {
  const tokens = tokenize(source);
  let index = 0;

  function block(terminators: Set<string>): { nodes: Node[]; stop: { word: string; action: Action; rest: Word[] } | undefined } {
    const nodes: Node[] = [];
    while (index < tokens.length) {
      const token = tokens[index++]!;
      if (token.kind === "text") {
        nodes.push({ type: "text", text: token.text });
        continue;
      }
      const action = token.action;
      if (action.body.startsWith("/*")) {
        if (!action.body.endsWith("*/")) throw new TemplateError("unclosed comment", action.offset);
        continue;
      }
      const ws = words(action);
      const first = ws[0]?.text;
      if (first !== undefined && terminators.has(first)) return { nodes, stop: { word: first, action, rest: ws.slice(1) } };
      if (first === "end" || first === "else") throw new TemplateError(`unexpected {{${first}}}`, action.offset);
      if (first !== undefined && REFUSED_KEYWORDS.has(first)) {
        throw new UnsupportedTemplateError(`{{${first}}} is not supported by homelab's template subset`, action.offset);
      }
      if (first === "if") {
        nodes.push(ifNode(ws.slice(1), action));
        continue;
      }
      nodes.push({ type: "output", expr: parseExpr(ws, action.offset) });
    }
    return { nodes, stop: undefined };
  }

  function ifNode(condWords: Word[], action: Action): Node {
    const branches: { cond: Expr; body: Node[] }[] = [];
    let cond = parseExpr(condWords, action.offset);
    for (;;) {
      const { nodes, stop } = block(new Set(["else", "end"]));
      if (!stop) throw new TemplateError("{{if}} without {{end}}", action.offset);
      branches.push({ cond, body: nodes });
      if (stop.word === "end") return { type: "if", branches, otherwise: [] };
      if (stop.rest[0]?.text === "if") {
        cond = parseExpr(stop.rest.slice(1), stop.action.offset);
        continue;
      }
      if (stop.rest.length > 0) throw new UnsupportedTemplateError(`{{else ${stop.rest.map((w) => w.text).join(" ")}}} is not supported`, stop.action.offset);
      const tail = block(new Set(["end"]));
      if (!tail.stop) throw new TemplateError("{{else}} without {{end}}", stop.action.offset);
      return { type: "if", branches, otherwise: tail.nodes };
    }
  }

  const { nodes } = block(new Set());
  return nodes;
}

type Value = unknown;

function evaluate(expr: Expr, data: Value, options: TemplateOptions): Value {
  switch (expr.type) {
    case "dot":
      return data;
    case "literal":
      return expr.value;
    case "field": {
      let current = data;
      for (const segment of expr.path) {
        if (current === null || typeof current !== "object" || Array.isArray(current)) {
          throw new TemplateError(`can't evaluate field ${segment} in type ${goType(current)}`, expr.offset);
        }
        if (!Object.hasOwn(current, segment)) {
          if (options.missingKey === "error") throw new TemplateError(`map has no entry for key "${segment}"`, expr.offset);
          return undefined;
        }
        current = (current as Record<string, unknown>)[segment];
      }
      return current;
    }
    case "call":
      return call(expr, data, options);
  }
}

function call(expr: Extract<Expr, { type: "call" }>, data: Value, options: TemplateOptions): Value {
  const args = expr.args;
  const value = (i: number) => evaluate(args[i]!, data, options);
  switch (expr.name) {
    case "not":
      if (args.length !== 1) throw new TemplateError("wrong number of args for not: want 1", expr.offset);
      return !truth(value(0));
    case "and": {
      if (args.length < 1) throw new TemplateError("wrong number of args for and: want at least 1", expr.offset);
      let last: Value;
      for (let i = 0; i < args.length; i++) {
        last = value(i);
        if (!truth(last)) return last;
      }
      return last;
    }
    case "or": {
      if (args.length < 1) throw new TemplateError("wrong number of args for or: want at least 1", expr.offset);
      let last: Value;
      for (let i = 0; i < args.length; i++) {
        last = value(i);
        if (truth(last)) return last;
      }
      return last;
    }
    case "eq": {
      if (args.length < 2) throw new TemplateError("missing argument for comparison", expr.offset);
      const left = value(0);
      for (let i = 1; i < args.length; i++) if (equal(left, value(i), expr.offset)) return true;
      return false;
    }
    case "ne":
      if (args.length !== 2) throw new TemplateError("wrong number of args for ne: want 2", expr.offset);
      return !equal(value(0), value(1), expr.offset);
  }
  throw new TemplateError(`function "${expr.name}" not defined`, expr.offset);
}

function equal(a: Value, b: Value, offset: number): boolean {
  const basic = (v: Value) => typeof v === "string" || typeof v === "number" || typeof v === "boolean";
  if (!basic(a) || !basic(b)) throw new TemplateError(`incompatible types for comparison: ${goType(a)} and ${goType(b)}`, offset);
  if (typeof a !== typeof b) throw new TemplateError(`incompatible types for comparison: ${goType(a)} and ${goType(b)}`, offset);
  return a === b;
}

/** Go's template truth: false, 0, nil and empty strings, slices and maps are false. */
function truth(v: Value): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

function goType(v: Value): string {
  if (v === undefined || v === null) return "<nil>";
  if (typeof v === "string") return "string";
  if (typeof v === "number") return "float64";
  if (typeof v === "boolean") return "bool";
  if (Array.isArray(v)) return "[]interface {}";
  return "map[string]interface {}";
}

/** How Go's fmt prints the JSON-decoded values a generator hands the template. */
function print(v: Value, offset: number, options: TemplateOptions): string {
  if (v === undefined) {
    if (options.missingKey === "error") throw new TemplateError("no value", offset);
    return "<no value>";
  }
  if (v === null) return "<nil>";
  if (typeof v === "string") return v;
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
    throw new TemplateError(`printing the number ${v} as Go does is not supported; quote it in the generator`, offset);
  }
  throw new TemplateError(`printing a ${goType(v)} is not supported; reference a string field`, offset);
}

function execute(nodes: Node[], data: Value, options: TemplateOptions, out: string[]): void {
  for (const node of nodes) {
    if (node.type === "text") out.push(node.text);
    else if (node.type === "output") out.push(print(evaluate(node.expr, data, options), node.expr.offset, options));
    else {
      const branch = node.branches.find((b) => truth(evaluate(b.cond, data, options)));
      execute(branch ? branch.body : node.otherwise, data, options, out);
    }
  }
}

export function renderGoTemplate(source: string, data: Value, options: TemplateOptions): string {
  if (!source.includes("{{")) return source;
  const out: string[] = [];
  execute(parseTemplate(source), data, options, out);
  return out.join("");
}

/**
 * ArgoCD's fasttemplate mode (goTemplate: false): `{{ key }}` is replaced by
 * the parameter's string, unknown keys stay as written.
 */
export function renderFastTemplate(source: string, params: Readonly<Record<string, unknown>>): string {
  return source.replace(/\{\{\s*([^{}\s]+)\s*\}\}/g, (whole, key: string) => {
    if (!Object.hasOwn(params, key)) return whole;
    const value = params[key];
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}
