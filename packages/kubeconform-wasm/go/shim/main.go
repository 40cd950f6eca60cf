// Command shim exposes kubeconform's validator package to a WebAssembly host
// (GOOS=wasip1, built with -buildmode=c-shared so the module stays loaded
// between calls). The host writes a request into memory obtained from
// kc_alloc, calls kc_configure or kc_validate, and reads the JSON answer at the
// pointer/length packed into the returned uint64.
//
// Schemas are read through WASI preopened directories: the host maps every
// schema location to a guest path, so the module never touches the network.
package main

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"github.com/yannh/kubeconform/pkg/cache"
	"github.com/yannh/kubeconform/pkg/resource"
	"github.com/yannh/kubeconform/pkg/validator"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"sigs.k8s.io/yaml"
)

type config struct {
	KubernetesVersion string   `json:"kubernetesVersion"`
	Strict            bool     `json:"strict"`
	SchemaLocations   []string `json:"schemaLocations"`
	SkipKinds         []string `json:"skipKinds"`
}

type finding struct {
	File       int                         `json:"file"`
	Document   int                         `json:"document"`
	Start      int                         `json:"start"`
	End        int                         `json:"end"`
	Item       int                         `json:"item"` // index in a kind: List, -1 otherwise
	Status     string                      `json:"status"`
	Kind       string                      `json:"kind,omitempty"`
	APIVersion string                      `json:"apiVersion,omitempty"`
	Name       string                      `json:"name,omitempty"`
	Err        string                      `json:"err,omitempty"`
	Errors     []validator.ValidationError `json:"errors,omitempty"`
}

type answer struct {
	Error    string    `json:"error,omitempty"`
	Findings []finding `json:"findings"`
	Valid    int       `json:"valid"`
	Skipped  int       `json:"skipped"`
	Empty    int       `json:"empty"`
}

var (
	// input and output stay referenced here so the collector keeps them alive
	// while the host reads or writes them (Go's heap does not move).
	input  []byte
	output []byte
	val    validator.Validator
	cfg    config
)

//go:wasmexport kc_alloc
func kcAlloc(size uint32) uint32 {
	input = make([]byte, size+1) // +1: never a zero-length slice, so &input[0] is valid
	return uint32(uintptr(unsafe.Pointer(&input[0])))
}

//go:wasmexport kc_configure
func kcConfigure(size uint32) uint64 {
	cfg = config{}
	if err := json.Unmarshal(input[:size], &cfg); err != nil {
		return reply(answer{Error: "bad configuration: " + err.Error()})
	}
	skip := map[string]struct{}{}
	for _, k := range cfg.SkipKinds {
		skip[k] = struct{}{}
	}
	v, err := validator.New(cfg.SchemaLocations, validator.Opts{
		KubernetesVersion: cfg.KubernetesVersion,
		Strict:            cfg.Strict,
		SkipKinds:         skip,
	})
	if err != nil {
		return reply(answer{Error: err.Error()})
	}
	val = v
	return reply(answer{Findings: []finding{}})
}

// kc_validate reads a batch: u32 file count, then per file u32 length and the
// bytes of the file (little endian).
//
//go:wasmexport kc_validate
func kcValidate(size uint32) uint64 {
	if val == nil {
		return reply(answer{Error: "kc_configure was not called"})
	}
	data := input[:size]
	if len(data) < 4 {
		return reply(answer{Error: "truncated batch"})
	}
	count := int(binary.LittleEndian.Uint32(data))
	data = data[4:]
	out := answer{Findings: []finding{}}
	for f := 0; f < count; f++ {
		if len(data) < 4 {
			return reply(answer{Error: "truncated batch"})
		}
		n := int(binary.LittleEndian.Uint32(data))
		if len(data) < 4+n {
			return reply(answer{Error: "truncated batch"})
		}
		validateFile(f, data[4:4+n], &out)
		data = data[4+n:]
	}
	return reply(out)
}

// validateFile splits a file exactly as kubeconform's stream reader does and
// records where each document starts so the host can find its lines.
func validateFile(fileIndex int, text []byte, out *answer) {
	if len(text) > 0 && text[len(text)-1] != '\n' {
		// SplitYAMLDocument waits for the newline ending a "---" line; give it one.
		text = append(append(make([]byte, 0, len(text)+1), text...), '\n')
	}
	offset := 0
	for doc := 0; offset < len(text); doc++ {
		advance, token, _ := resource.SplitYAMLDocument(text[offset:], true)
		if advance == 0 {
			break
		}
		start := offset
		offset += advance
		r := val.ValidateResource(resource.Resource{Path: "", Bytes: token})
		if !isList(&r.Resource) {
			record(out, fileIndex, doc, start, start+len(token), -1, r)
			continue
		}
		// A kind: List expands to its items, as kubeconform's CLI does; their paths
		// get the items/<n> prefix on the host.
		for i, item := range r.Resource.Resources() {
			record(out, fileIndex, doc, start, start+len(token), i, val.ValidateResource(item))
		}
	}
}

// isList is asked after validation: ValidateResource has then cached the
// signature from the one parse it does, so only a document it could not read
// is parsed again (leniently, as the CLI's Resources() does). Asking before, or
// searching the bytes for "List" (every CRD names its listKind), parsed most
// documents twice.
func isList(res *resource.Resource) bool {
	sig, err := res.Signature()
	return err == nil && strings.ToLower(sig.Kind) == "list"
}

func record(out *answer, file, doc, start, end, item int, r validator.Result) {
	switch r.Status {
	case validator.Valid:
		out.Valid++
		return
	case validator.Skipped:
		out.Skipped++
		return
	case validator.Empty:
		out.Empty++
		return
	}
	f := finding{File: file, Document: doc, Start: start, End: end, Item: item, Errors: r.ValidationErrors}
	if r.Status == validator.Invalid {
		f.Status = "invalid"
		if detailed := leafErrors(&r.Resource); len(detailed) > 0 {
			f.Errors = detailed
		}
	} else {
		f.Status = "error"
	}
	if r.Err != nil {
		f.Err = r.Err.Error()
	}
	if sig, _ := r.Resource.Signature(); sig != nil {
		f.Kind, f.APIVersion, f.Name = sig.Kind, sig.Version, sig.Name
	}
	out.Findings = append(out.Findings, f)
}

// leafErrors validates an invalid resource again with the schema kubeconform
// compiled for it and returns every leaf of jsonschema's error tree.
// kubeconform keeps only the tree's first level, so an error under a local
// $ref (the hoisted definitions of our CRD schemas) or two errors in one
// nested object came back as a bare "validation failed" at the parent. nil
// when the schema is not at hand: the caller keeps kubeconform's errors.
func leafErrors(res *resource.Resource) []validator.ValidationError {
	sig, err := res.Signature()
	if err != nil {
		return nil
	}
	schema := compiledSchema(sig.Kind, sig.Version)
	if schema == nil {
		return nil
	}
	var obj map[string]interface{}
	if err := yaml.Unmarshal(res.Bytes, &obj); err != nil {
		return nil
	}
	var verr *jsonschema.ValidationError
	if !errors.As(schema.Validate(obj), &verr) {
		return nil
	}
	printer := message.NewPrinter(language.English)
	out := []validator.ValidationError{}
	var walk func(e *jsonschema.ValidationError)
	walk = func(e *jsonschema.ValidationError) {
		switch e.ErrorKind.(type) {
		case *kind.Schema, *kind.Group, *kind.Reference:
			if len(e.Causes) > 0 {
				for _, c := range e.Causes {
					walk(c)
				}
				return
			}
		}
		path := ""
		for _, token := range e.InstanceLocation {
			path += "/" + token
		}
		out = append(out, validator.ValidationError{Path: path, Msg: e.ErrorKind.LocalizedString(printer)})
	}
	walk(verr)
	return out
}

// compiledSchema is the schema kubeconform's validator compiled and cached for
// a kind, read from its in-memory cache (an unexported field, hence reflect):
// the very schema, formats and draft it validated with, compiled once. Keyed
// as kubeconform keys it (validator.go's key). nil if the field or entry is
// not there, e.g. after an upgrade of kubeconform changed them.
func compiledSchema(kindName, version string) *jsonschema.Schema {
	impl := reflect.ValueOf(val)
	if impl.Kind() != reflect.Pointer || impl.Elem().Kind() != reflect.Struct {
		return nil
	}
	field := impl.Elem().FieldByName("schemaMemoryCache")
	if !field.IsValid() || !field.CanAddr() {
		return nil
	}
	memory, ok := reflect.NewAt(field.Type(), unsafe.Pointer(field.UnsafeAddr())).Elem().Interface().(cache.Cache)
	if !ok || memory == nil {
		return nil
	}
	k8sVersion := cfg.KubernetesVersion
	if k8sVersion == "" {
		k8sVersion = "master"
	}
	cached, err := memory.Get(fmt.Sprintf("%s-%s-%s", kindName, version, k8sVersion))
	if err != nil {
		return nil
	}
	schema, _ := cached.(*jsonschema.Schema)
	return schema
}

func reply(a answer) uint64 {
	b, err := json.Marshal(a)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"error":%q,"findings":[]}`, err.Error()))
	}
	output = b
	return uint64(uintptr(unsafe.Pointer(&output[0])))<<32 | uint64(len(output))
}

func main() {}
