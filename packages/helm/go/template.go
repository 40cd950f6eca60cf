package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"os"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	goyaml "sigs.k8s.io/yaml/goyaml.v2"
)

type templateRequest struct {
	Releases []releaseRequest `json:"releases"`
	// Known names, by digest, the document texts the caller converted earlier
	// (a fixed-point pass or the determinism render gives mostly the same bytes
	// again): their Value is left out, and the caller fills it in.
	Known []string `json:"known"`
}

type releaseRequest struct {
	ID          string           `json:"id"`
	Chart       string           `json:"chart"`
	ReleaseName string           `json:"releaseName"`
	Namespace   string           `json:"namespace"`
	Values      []map[string]any `json:"values"`
	KubeVersion string           `json:"kubeVersion"`
	APIVersions []string         `json:"apiVersions"`
	IncludeCRDs bool             `json:"includeCrds"`
	IsUpgrade   bool             `json:"isUpgrade"`
}

type templateResponse struct {
	Engine  string          `json:"engine"`
	Results []releaseResult `json:"results"`
}

type releaseResult struct {
	ID       string        `json:"id"`
	Objects  []renderedDoc `json:"objects"`
	CRDs     []crdFile     `json:"crds"`
	Warnings []string      `json:"warnings"`
	Error    *releaseError `json:"error"`
}

type renderedDoc struct {
	Template string   `json:"template"`
	Content  string   `json:"content"`
	Hook     []string `json:"hook"`
	// Digest is the sha256 (hex) of Content, the key of Known.
	Digest string `json:"digest"`
	// Value is the document as JSON, converted as Kubernetes clients read YAML
	// (sigs.k8s.io/yaml over go-yaml), so the caller need not parse the YAML
	// again; absent when it does not convert (the caller's parser then names the error).
	Value json.RawMessage `json:"value,omitempty"`
}

type crdFile struct {
	File    string `json:"file"`
	Content string `json:"content"`
	// Digest is the sha256 (hex) of Content, the key of Known.
	Digest string `json:"digest"`
	// Value is the file's one document as JSON (see crdDocumentJSON); absent
	// when the file holds several or does not convert.
	Value json.RawMessage `json:"value,omitempty"`
}

type releaseError struct {
	Message  string  `json:"message"`
	Template *string `json:"template"`
	Line     *int    `json:"line"`
}

func runTemplate(in io.Reader, out io.Writer) error {
	var request templateRequest
	decoder := json.NewDecoder(in)
	decoder.DisallowUnknownFields()
	if err := decoder.Decode(&request); err != nil {
		return fmt.Errorf("template: the request on stdin is not valid JSON of the template protocol: %v", err)
	}
	response := templateResponse{Engine: engineVersion(), Results: make([]releaseResult, 0, len(request.Releases))}
	archives := map[string][]byte{}
	known := make(map[string]bool, len(request.Known))
	for _, digest := range request.Known {
		known[digest] = true
	}
	for _, release := range request.Releases {
		response.Results = append(response.Results, renderRelease(release, archives, known))
	}
	return writeJSON(out, response)
}

// renderRelease renders one release as `helm template` does (cmd/helm/template.go):
// action.Install in client-only dry-run mode. Failures stay in this release's result.
func renderRelease(req releaseRequest, archives map[string][]byte, known map[string]bool) (result releaseResult) {
	result = releaseResult{ID: req.ID, Objects: []renderedDoc{}, CRDs: []crdFile{}, Warnings: []string{}}
	// Helm reports coalesce and dependency warnings through the standard logger;
	// releases render one at a time, so a per-release buffer attributes them.
	var logs bytes.Buffer
	log.SetOutput(&logs)
	log.SetFlags(0)
	defer func() {
		log.SetOutput(os.Stderr)
		if r := recover(); r != nil {
			result.Objects, result.CRDs = []renderedDoc{}, []crdFile{}
			result.Error = toReleaseError(fmt.Errorf("helm panicked: %v", r))
		}
		for _, line := range strings.Split(logs.String(), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				result.Warnings = append(result.Warnings, line)
			}
		}
	}()

	chrt, err := loadChart(req.Chart, archives)
	if err != nil {
		result.Error = toReleaseError(err)
		return result
	}
	switch chrt.Metadata.Type {
	case "", "application":
	default:
		result.Error = toReleaseError(fmt.Errorf("%s charts are not installable", chrt.Metadata.Type))
		return result
	}
	if chrt.Metadata.Deprecated {
		log.Printf("This chart is deprecated")
	}
	if deps := chrt.Metadata.Dependencies; deps != nil {
		if err := action.CheckDependencies(chrt, deps); err != nil {
			result.Error = toReleaseError(fmt.Errorf("the chart package is missing dependencies (a published package carries them in charts/): %w", err))
			return result
		}
	}

	client := action.NewInstall(&action.Configuration{Log: func(string, ...interface{}) {}})
	client.DryRun = true
	client.DryRunOption = "true"
	client.ClientOnly = true
	client.Replace = true // no name check against a cluster
	client.ReleaseName = req.ReleaseName
	client.Namespace = req.Namespace
	client.IsUpgrade = req.IsUpgrade
	// CRDs are returned on their own below, from the same chart.CRDObjects()
	// Helm prints with --include-crds, so they never mix with templates.
	client.IncludeCRDs = false
	client.APIVersions = chartutil.VersionSet(req.APIVersions)
	if req.KubeVersion != "" {
		kubeVersion, err := chartutil.ParseKubeVersion(req.KubeVersion)
		if err != nil {
			result.Error = toReleaseError(fmt.Errorf("invalid kube version '%s': %s", req.KubeVersion, err))
			return result
		}
		client.KubeVersion = kubeVersion
	}

	values := map[string]any{}
	for _, layer := range req.Values {
		values = mergeMaps(values, layer)
	}

	// The CRD files convert while the templates render: they do not depend on
	// the values, and both are CPU work on a machine with more than one core.
	// Every subchart's files convert; which of them the release installs is
	// known once Run has dropped the disabled subcharts (below).
	crds := []crdFile{}
	crdsDone := make(chan struct{})
	if req.IncludeCRDs {
		objects := chrt.CRDObjects()
		crds = make([]crdFile, len(objects))
		go func() {
			defer close(crdsDone)
			parallel(len(objects), func(i int) {
				content := string(objects[i].File.Data)
				crds[i] = crdFile{File: objects[i].Filename, Content: content, Digest: digestOf(content)}
				if !known[crds[i].Digest] {
					crds[i].Value = crdDocumentJSON(content)
				}
			})
		}()
	} else {
		close(crdsDone)
	}
	defer func() { <-crdsDone }()

	rel, err := client.Run(chrt, values)
	if err != nil {
		result.Error = toReleaseError(err)
		return result
	}
	result.Objects = splitManifest(rel.Manifest, known)
	for _, hook := range rel.Hooks {
		events := make([]string, 0, len(hook.Events))
		for _, event := range hook.Events {
			events = append(events, string(event))
		}
		if len(events) == 0 {
			// A hook annotation with no known event still is a hook, not a resource.
			events = append(events, "unknown")
		}
		doc := renderedDoc{Template: hook.Path, Content: hook.Manifest, Hook: events, Digest: digestOf(hook.Manifest)}
		if !known[doc.Digest] {
			doc.Value = documentJSON(hook.Manifest)
		}
		result.Objects = append(result.Objects, doc)
	}
	<-crdsDone
	result.CRDs = installedCRDs(crds, chrt)
	return result
}

// parallel runs f(0) … f(n-1) on as many goroutines as there are CPUs. A
// panic in one item leaves that item as f left it (its value unset, so the
// caller parses the text itself) instead of ending the helper.
func parallel(n int, f func(i int)) {
	workers := runtime.NumCPU()
	if workers > n {
		workers = n
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				func() {
					defer func() { _ = recover() }()
					f(i)
				}()
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}

// loadChart reads a chart directory or archive. Archive bytes are kept for the
// batch (two instances of one chart read it once) and parsed again per release,
// because rendering mutates the loaded chart (disabled dependencies are removed).
func loadChart(path string, archives map[string][]byte) (*chart.Chart, error) {
	if path == "" {
		return nil, fmt.Errorf("no chart given")
	}
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read chart %s: %v", path, err)
	}
	if info.IsDir() {
		return loader.LoadDir(path)
	}
	data, ok := archives[path]
	if !ok {
		if data, err = os.ReadFile(path); err != nil {
			return nil, fmt.Errorf("cannot read chart %s: %v", path, err)
		}
		archives[path] = data
	}
	chrt, err := loader.LoadArchive(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("cannot load chart archive %s: %v", path, err)
	}
	return chrt, nil
}

// mergeMaps merges value layers as `helm template -f a -f b` does
// (helm.sh/helm/v3/pkg/cli/values.mergeMaps, unexported there): maps merge
// recursively, anything else in a later layer wins, and nulls are kept so the
// chart's coalesce deletes those keys from the defaults.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if v, ok := v.(map[string]any); ok {
			if bv, ok := out[k]; ok {
				if bv, ok := bv.(map[string]any); ok {
					out[k] = mergeMaps(bv, v)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

// Helm joins the sorted manifests as "---\n# Source: <template>\n<document>\n"
// (pkg/action/action.go renderResources); each document is already a single one.
var sourceHeader = regexp.MustCompile(`(?m)^---\n# Source: (.*)\n`)

func splitManifest(manifest string, known map[string]bool) []renderedDoc {
	docs := []renderedDoc{}
	matches := sourceHeader.FindAllStringSubmatchIndex(manifest, -1)
	for i, match := range matches {
		end := len(manifest)
		if i+1 < len(matches) {
			end = matches[i+1][0]
		}
		content := strings.TrimSuffix(manifest[match[1]:end], "\n")
		docs = append(docs, renderedDoc{Template: manifest[match[2]:match[3]], Content: content})
	}
	parallel(len(docs), func(i int) {
		docs[i].Digest = digestOf(docs[i].Content)
		if !known[docs[i].Digest] {
			docs[i].Value = documentJSON(docs[i].Content)
		}
	})
	return docs
}

func digestOf(content string) string {
	sum := sha256.Sum256([]byte(content))
	return hex.EncodeToString(sum[:])
}

// installedCRDs keeps the files `helm template --include-crds` prints: the
// chart's CRDObjects once Run has processed its dependencies, so a subchart
// disabled by its condition or tags installs none (action.go renderResources).
func installedCRDs(converted []crdFile, chrt *chart.Chart) []crdFile {
	installed := map[string]bool{}
	for _, object := range chrt.CRDObjects() {
		installed[object.Filename] = true
	}
	out := make([]crdFile, 0, len(converted))
	for _, file := range converted {
		if installed[file.File] {
			out = append(out, file)
		}
	}
	return out
}

// documentJSON converts one rendered document as sigs.k8s.io/yaml's YAMLToJSON
// does (the same go-yaml decoder, the same key conversion), but keeping the
// keys in document order; nil when it is not exactly one YAML document that
// converts (several documents, invalid YAML, duplicate keys, a value JSON
// cannot hold), so the caller parses it itself and reports the problem.
func documentJSON(content string) json.RawMessage {
	// The document as `helm template` prints it: a final block scalar keeps its line break.
	return yamlDocumentJSON(content + "\n")
}

// yamlDocumentJSON converts text that is exactly one YAML document, as is.
func yamlDocumentJSON(text string) json.RawMessage {
	if hasDocumentMarker(text) {
		return nil
	}
	var doc any
	if err := goyaml.Unmarshal([]byte(text), &orderedDocument{&doc}); err != nil {
		return nil
	}
	var out bytes.Buffer
	if err := writeOrderedJSON(&out, doc); err != nil {
		return nil
	}
	return out.Bytes()
}

// crdDocumentJSON converts a crds/ file as documentJSON converts a template's
// document. Such files often open with a "---" line (after a licence comment);
// that one leading marker, alone on its line, starts the file's only document.
// Converting here, natively, spares the caller parsing megabytes of CRD YAML.
func crdDocumentJSON(content string) json.RawMessage {
	if m := leadingMarker.FindStringIndex(content); m != nil {
		content = content[m[1]:]
	}
	// The file's own bytes, as the caller would parse them (no line break added).
	return yamlDocumentJSON(content)
}

// Blank and comment lines, then a bare document marker (a comment may follow it).
var leadingMarker = regexp.MustCompile(`^(?:[ \t]*(?:#[^\n]*)?\n)*---[ \t]*(?:#[^\n]*)?\n`)

// orderedDocument decodes nested mappings as MapSlice (go-yaml keeps the
// slice type for every mapping below one), so key order survives.
type orderedDocument struct{ value *any }

func (d *orderedDocument) UnmarshalYAML(unmarshal func(any) error) error {
	var mapping goyaml.MapSlice
	if err := unmarshal(&mapping); err == nil {
		*d.value = mapping
		return nil
	}
	return unmarshal(d.value)
}

func writeOrderedJSON(out *bytes.Buffer, value any) error {
	switch v := value.(type) {
	case goyaml.MapSlice:
		out.WriteByte('{')
		seen := make(map[string]bool, len(v))
		for i, item := range v {
			key, err := jsonKey(item.Key)
			if err != nil {
				return err
			}
			if seen[key] {
				return fmt.Errorf("duplicate key %q", key)
			}
			seen[key] = true
			if i > 0 {
				out.WriteByte(',')
			}
			encoded, _ := json.Marshal(key)
			out.Write(encoded)
			out.WriteByte(':')
			if err := writeOrderedJSON(out, item.Value); err != nil {
				return err
			}
		}
		out.WriteByte('}')
	case []any:
		out.WriteByte('[')
		for i, item := range v {
			if i > 0 {
				out.WriteByte(',')
			}
			if err := writeOrderedJSON(out, item); err != nil {
				return err
			}
		}
		out.WriteByte(']')
	case nil, string, bool, int, int64, uint64, float64:
		encoded, err := json.Marshal(v)
		if err != nil {
			return err
		}
		out.Write(encoded)
	default:
		return fmt.Errorf("unsupported value of type %T", value)
	}
	return nil
}

// jsonKey is sigs.k8s.io/yaml's conversion of a YAML key to a JSON one.
func jsonKey(key any) (string, error) {
	switch k := key.(type) {
	case string:
		return k, nil
	case int:
		return strconv.Itoa(k), nil
	case int64:
		return strconv.FormatInt(k, 10), nil
	case float64:
		s := strconv.FormatFloat(k, 'g', -1, 32)
		switch s {
		case "+Inf":
			s = ".inf"
		case "-Inf":
			s = "-.inf"
		case "NaN":
			s = ".nan"
		}
		return s, nil
	case bool:
		return strconv.FormatBool(k), nil
	}
	return "", fmt.Errorf("unsupported map key of type %T", key)
}

// hasDocumentMarker tells whether a line starts with a document marker
// (`---` or `...` followed by white space or the end), as (?m)^(---|\.\.\.)(\s|$)
// would, by scanning line starts: a regexp over megabytes of CRD YAML was a
// sixth of a render. YAMLToJSON would read only the first document.
func hasDocumentMarker(text string) bool {
	for start := 0; start < len(text); {
		line := text[start:]
		if strings.HasPrefix(line, "---") || strings.HasPrefix(line, "...") {
			if len(line) == 3 || strings.IndexByte(" \t\n\f\r", line[3]) >= 0 {
				return true
			}
		}
		next := strings.IndexByte(line, '\n')
		if next < 0 {
			return false
		}
		start += next + 1
	}
	return false
}

var (
	// "execution error at (chart/templates/x.yaml:12:3): ...", "parse error at (chart/templates/x.yaml:12): ...",
	// "template: chart/templates/x.yaml:12:3: executing ..."
	templateLine = regexp.MustCompile(`([A-Za-z0-9_.@\-]+(?:/[A-Za-z0-9_.@\-]+)*/templates/[A-Za-z0-9_.@\-/]+):(\d+)`)
	// "YAML parse error on chart/templates/x.yaml: ..." (the line there is of the rendered text, not the template)
	yamlError = regexp.MustCompile(`YAML parse error on ([^\s:]+):`)
	// "parse error in (chart/templates/x.yaml): ..."
	templateOnly = regexp.MustCompile(`error in \(([^()\s]+)\)`)
)

func toReleaseError(err error) *releaseError {
	message := err.Error()
	out := &releaseError{Message: message}
	if m := templateLine.FindStringSubmatch(message); m != nil {
		template := m[1]
		line, _ := strconv.Atoi(m[2])
		out.Template, out.Line = &template, &line
	} else if m := yamlError.FindStringSubmatch(message); m != nil {
		template := m[1]
		out.Template = &template
	} else if m := templateOnly.FindStringSubmatch(message); m != nil {
		template := m[1]
		out.Template = &template
	}
	return out
}
