package tplreads

import (
	"sort"

	"github.com/Masterminds/sprig/v3"
)

// helmVersion is the Helm release whose engine function names are listed in helmFuncs.
const helmVersion = "v3.22.0"

// helmFuncs are the names Helm's engine (helm.sh/helm/v3/pkg/engine, funcs.go funcMap and
// engine.go initFunMap, v3.22.0) adds to sprig's TxtFuncMap. The map is unexported there,
// so the names are listed; the parser only needs to know a name exists.
var helmFuncs = []string{
	"toToml", "fromToml", "toYaml", "toYamlPretty", "mustToYaml", "fromYaml", "fromYamlArray",
	"toJson", "mustToJson", "fromJson", "fromJsonArray",
	"include", "tpl", "required", "fail", "lookup", "getHostByName",
}

// textTemplateBuiltins are text/template's own functions (its builtins table is unexported).
var textTemplateBuiltins = []string{"and", "call", "html", "index", "slice", "js", "len", "not", "or", "print", "printf", "println", "urlquery", "eq", "ge", "gt", "le", "lt", "ne"}

// FuncNames is every function name a chart template may call under Helm.
func FuncNames() map[string]any {
	names := map[string]any{}
	for _, name := range textTemplateBuiltins {
		names[name] = true
	}
	for name := range sprig.TxtFuncMap() {
		names[name] = true
	}
	for _, name := range helmFuncs {
		names[name] = true
	}
	return names
}

// SortedFuncNames is FuncNames as a sorted list (for --funcs).
func SortedFuncNames() []string {
	out := []string{}
	for name := range FuncNames() {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

// How a function treats its arguments, for the values paths they carry.
type funcKind int

const (
	// The result contains its arguments (string building, conversions): their subtrees reach the output if it is printed.
	kindContains funcKind = iota
	// The result is one of the arguments (default, coalesce, ternary, and, or, merge, deepCopy, required).
	kindPassthrough
	// The result says something about the arguments (comparisons, type tests, lengths, hashes): nothing of them reaches the output.
	kindInspect
	// Serialises its argument whole (toYaml, toJson, ...).
	kindSerialize
)

var funcKinds = map[string]funcKind{}

func init() {
	for _, n := range []string{"default", "coalesce", "ternary", "and", "or", "merge", "mustMerge", "mergeOverwrite", "mustMergeOverwrite", "deepCopy", "mustDeepCopy", "required", "omit", "compact", "mustCompact", "uniq", "mustUniq", "concat", "append", "mustAppend", "prepend", "mustPrepend", "without", "mustWithout", "reverse", "mustReverse", "sortAlpha", "initial", "mustInitial", "rest", "mustRest", "slice", "mustSlice", "first", "mustFirst", "last", "mustLast"} {
		funcKinds[n] = kindPassthrough
	}
	for _, n := range []string{"eq", "ne", "lt", "le", "gt", "ge", "not", "empty", "len", "kindIs", "kindOf", "typeOf", "typeIs", "typeIsLike", "has", "mustHas", "contains", "hasPrefix", "hasSuffix", "regexMatch", "mustRegexMatch", "semverCompare", "sha256sum", "sha1sum", "sha512sum", "adler32sum", "fail", "isAbs", "deepEqual", "lookup", "all", "any"} {
		funcKinds[n] = kindInspect
	}
	for _, n := range []string{"toYaml", "toYamlPretty", "mustToYaml", "toJson", "mustToJson", "toPrettyJson", "mustToPrettyJson", "toRawJson", "mustToRawJson", "toToml"} {
		funcKinds[n] = kindSerialize
	}
}
