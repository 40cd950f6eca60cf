package tplreads

import (
	"sort"
	"strings"
	"testing"
)

func analyse(t *testing.T, c *Chart) (reads map[string]string, open map[string]string) {
	t.Helper()
	res, err := Analyse(c)
	if err != nil {
		t.Fatal(err)
	}
	reads, open = map[string]string{}, map[string]string{}
	for _, r := range res.Reads {
		reads[strings.Join(r.Path, ".")] = r.At
	}
	for _, o := range res.Open {
		open[strings.Join(o.Path, ".")] = o.Why
	}
	return reads, open
}

func keys(m map[string]string) []string {
	out := []string{}
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func expect(t *testing.T, what string, m map[string]string, want ...string) {
	t.Helper()
	for _, w := range want {
		if _, ok := m[w]; !ok {
			t.Errorf("%s: missing %q in %v", what, w, keys(m))
		}
	}
}

func refuse(t *testing.T, what string, m map[string]string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if _, ok := m[w]; ok {
			t.Errorf("%s: unexpected %q", what, w)
		}
	}
}

func TestBindingsAndFunctions(t *testing.T) {
	reads, open := analyse(t, &Chart{Name: "demo", Templates: map[string]string{
		"templates/_helpers.tpl": `{{- define "demo.name" -}}{{ .Values.nameOverride | default .Chart.Name }}{{- end -}}
{{- define "demo.render" -}}{{ tpl (.value | toYaml) .context }}{{- end -}}
{{- define "demo.port" -}}{{ .svc.port }}{{- end -}}`,
		"templates/deploy.yaml": `name: {{ include "demo.name" . }}
{{- with .Values.image }}
image: {{ .repository }}:{{ .tag }}
{{- end }}
{{- $svc := .Values.service }}
type: {{ $svc.type }}
port: {{ include "demo.port" (dict "svc" $svc "root" $) }}
{{- range $k, $v := .Values.env }}
- {{ $k }}: {{ $v.value }}
{{- end }}
{{ include "demo.render" (dict "value" .Values.extra "context" $) }}
{{- if hasKey .Values.probe "path" }}{{ index .Values "probe" "port" }}{{ dig "deep" "key" "x" .Values.nested }}{{ get .Values.map "k" }}{{ end }}
{{- with $.Values.nodeSelector }}{{ toYaml . | nindent 2 }}{{ end }}
checksum: {{ toYaml .Values.config | sha256sum }}
{{- if .Values.flag }}on{{ end }}`,
	}})
	expect(t, "reads", reads, "nameOverride", "image.repository", "image.tag", "service.type", "service.port", "env", "extra",
		"probe.path", "probe.port", "nested.deep.key", "map.k", "nodeSelector", "config", "flag")
	expect(t, "open", open, "env", "extra", "nodeSelector")
	refuse(t, "open", open, "image", "service", "config", "flag", "probe", "nested")
	if reads["image.repository"] != "templates/deploy.yaml:3" {
		t.Errorf("position of image.repository: %q", reads["image.repository"])
	}
}

func TestSubchartsGlobalsAndConditions(t *testing.T) {
	reads, open := analyse(t, &Chart{Name: "parent", Templates: map[string]string{
		"templates/a.yaml": `{{ .Values.global.domain }}`,
	}, Dependencies: []Dependency{{Name: "child", Alias: "kid", Condition: "kid.enabled", Tags: []string{"extras"}}},
		Subcharts: map[string]*Chart{"kid": {Name: "child", Templates: map[string]string{
			"templates/b.yaml": `{{ .Values.replicas }}{{ .Values.global.imageRegistry }}{{ toYaml .Values.podLabels }}`,
		}}}})
	expect(t, "reads", reads, "global.domain", "kid.replicas", "global.imageRegistry", "kid.enabled", "tags.extras")
	refuse(t, "reads", reads, "kid.global.imageRegistry")
	expect(t, "open", open, "kid.podLabels")
	if reads["kid.replicas"] != "charts/kid/templates/b.yaml:1" {
		t.Errorf("subchart position: %q", reads["kid.replicas"])
	}
}

func TestRecursiveTemplatesTerminate(t *testing.T) {
	_, open := analyse(t, &Chart{Name: "rec", Templates: map[string]string{
		"templates/a.yaml": `{{- define "walk" }}{{ range $k, $v := . }}{{ if kindIs "map" $v }}{{ include "walk" $v }}{{ else }}{{ $v }}{{ end }}{{ end }}{{ end }}{{ include "walk" .Values.tree }}`,
	}})
	expect(t, "open", open, "tree")
}

func TestParseErrorNamesFileAndLine(t *testing.T) {
	_, err := Analyse(&Chart{Name: "bad", Templates: map[string]string{"templates/x.yaml": "a\n{{ .Values.a "}})
	pe, ok := err.(*ParseError)
	if !ok || pe.File != "templates/x.yaml" || pe.Line != 2 {
		t.Fatalf("got %#v", err)
	}
}

func TestHelmAndSprigNames(t *testing.T) {
	names := FuncNames()
	for _, n := range []string{"include", "tpl", "required", "toYaml", "fromYaml", "lookup", "dict", "dig", "printf", "index", "sha256sum"} {
		if names[n] == nil {
			t.Errorf("missing function %q", n)
		}
	}
}

func TestConstantKeysFromLists(t *testing.T) {
	reads, open := analyse(t, &Chart{Name: "c", Templates: map[string]string{
		"templates/a.yaml": `{{ range (list "crd" "ingress") }}{{ get (get $.Values.providers .) "enabled" }}{{ end }}`,
	}})
	expect(t, "reads", reads, "providers.crd.enabled", "providers.ingress.enabled")
	refuse(t, "open", open, "providers")
}

func TestMapsOfMapsAndComputedDictKeys(t *testing.T) {
	reads, open := analyse(t, &Chart{Name: "demo", Templates: map[string]string{
		// grafana's dashboards.<provider>.<name>.json: ranged level by level, the entries read key by key.
		"templates/dashboards.yaml": `{{- range $provider, $dashboards := .Values.dashboards }}
{{- range $key, $value := $dashboards }}{{ $key }}: {{ $value.json }}{{ end }}
{{- end }}`,
		// authentik's env walk: each nested map passed on under a computed dict key, any depth.
		"templates/_env.tpl": `{{- define "demo.env" -}}{{- range $k, $v := .values -}}
{{- if kindIs "map" $v -}}{{- range $sk, $sv := $v -}}{{- include "demo.env" (dict "values" (dict (printf "%s__%s" $k $sk) $sv)) -}}{{- end -}}
{{- else -}}{{ $k }}={{ $v }}{{- end -}}{{- end -}}{{- end -}}`,
		"templates/env.yaml": `{{ include "demo.env" (dict "values" .Values.env) }}`,
	}})
	expect(t, "reads", reads, "dashboards.*.*.json")
	refuse(t, "reads", reads, "dashboards.*.json")
	expect(t, "open", open, "dashboards", "dashboards.*", "env", "env.*", "env.*.*")
	res, err := Analyse(&Chart{Name: "demo", Templates: map[string]string{"templates/env.yaml": `{{ range $k, $v := .Values.a }}{{ range $k2, $v2 := $v }}{{ range $k3, $v3 := $v2 }}{{ range $v3 }}{{ . }}{{ end }}{{ end }}{{ end }}{{ end }}`}})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range res.Open {
		// Past maxStars levels the walk is folded: its depth is unknown, and the open says so.
		if want := stars(o.Path) >= maxStars; o.Folded != want {
			t.Errorf("open %v: folded %v, want %v", o.Path, o.Folded, want)
		}
	}
	if len(res.Open) == 0 || !res.Open[len(res.Open)-1].Folded {
		t.Errorf("the deepest open of a 4-level walk is folded: %v", res.Open)
	}
}
