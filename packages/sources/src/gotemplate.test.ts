import { describe, expect, it } from "vitest";
import { TemplateError, renderFastTemplate, renderGoTemplate } from "./gotemplate.js";

const strict = { missingKey: "error" } as const;
const lax = { missingKey: "default" } as const;

describe("renderGoTemplate", () => {
  it("substitutes fields and nested fields", () => {
    expect(renderGoTemplate("app-{{.name}}/{{ .a.b }}", { name: "x", a: { b: "y" } }, strict)).toBe("app-x/y");
  });

  it("trims whitespace around {{- and -}} as Go does", () => {
    const text = 'a\n  {{- if eq .instance "private" }}\nB\n{{- end }}\nc';
    expect(renderGoTemplate(text, { instance: "private" }, strict)).toBe("a\nB\nc");
    expect(renderGoTemplate(text, { instance: "public" }, strict)).toBe("a\nc");
    expect(renderGoTemplate("x {{- 3 -}} y", {}, strict)).toBe("x3y");
  });

  it("evaluates else if / else branches and the boolean builtins", () => {
    const text = '{{if eq .v "a"}}A{{else if and .on (ne .v "c")}}B{{else}}C{{end}}';
    expect(renderGoTemplate(text, { v: "a", on: true }, strict)).toBe("A");
    expect(renderGoTemplate(text, { v: "b", on: true }, strict)).toBe("B");
    expect(renderGoTemplate(text, { v: "b", on: false }, strict)).toBe("C");
    expect(renderGoTemplate("{{if not .list}}empty{{end}}", { list: [] }, strict)).toBe("empty");
    expect(renderGoTemplate('{{if eq .v "x" "y"}}in{{end}}', { v: "y" }, strict)).toBe("in");
  });

  it("fails on a missing key with missingkey=error, prints <no value> without", () => {
    expect(() => renderGoTemplate("{{.nope}}", { name: "x" }, strict)).toThrow('map has no entry for key "nope"');
    expect(renderGoTemplate("{{.nope}}", { name: "x" }, lax)).toBe("<no value>");
  });

  it("refuses what ArgoCD would render with Sprig or other actions", () => {
    expect(() => renderGoTemplate("{{ .name | upper }}", { name: "x" }, strict)).toThrow(TemplateError);
    expect(() => renderGoTemplate("{{ upper .name }}", { name: "x" }, strict)).toThrow(/function "upper" is not supported/);
    expect(() => renderGoTemplate("{{ range .list }}x{{ end }}", { list: [] }, strict)).toThrow(/range/);
    expect(() => renderGoTemplate("{{ $x := 1 }}", {}, strict)).toThrow(/variables|not a field/);
    expect(() => renderGoTemplate("{{ .name ", { name: "x" }, strict)).toThrow(/unclosed/);
    expect(() => renderGoTemplate("{{ if .a }}x", { a: true }, strict)).toThrow(/without \{\{end\}\}/);
  });

  it("compares like Go: different types are an error, not false", () => {
    expect(() => renderGoTemplate('{{ if eq .n "1" }}x{{ end }}', { n: 1 }, strict)).toThrow(/incompatible types/);
  });

  it("reports the offset of the failing action", () => {
    try {
      renderGoTemplate("abc {{.missing}}", {}, strict);
      expect.unreachable();
    } catch (error) {
      expect((error as TemplateError).offset).toBe(4);
    }
  });
});

describe("renderFastTemplate", () => {
  it("replaces known parameters and leaves unknown ones as written", () => {
    expect(renderFastTemplate("{{name}}-{{ other }}", { name: "a" })).toBe("a-{{ other }}");
  });
});
