// Package tplreads finds which values paths a Helm chart's templates read,
// and which subtrees they consume whole, by abstract interpretation of the
// text/template parse trees (Go's own parser, with Helm's and sprig's
// function names): every template file is walked once with `.` bound to the
// chart's root context, named templates are followed with their argument's
// binding, and values paths flow through variables, `with`, `range`, dict
// arguments and the functions that return one of their arguments.
package tplreads

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"
	"text/template/parse"
)

// Chart is one chart of the input tree: its template files and its subcharts.
type Chart struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// Template files by path relative to the chart (templates/x.yaml).
	Templates map[string]string `json:"templates"`
	// Strings of the chart's values.yaml that contain `{{` (charts render some with tpl), by values path.
	TplStrings   []TplString  `json:"tplStrings,omitempty"`
	Dependencies []Dependency `json:"dependencies,omitempty"`
	// Subcharts carried under charts/, by values key (alias or name).
	Subcharts map[string]*Chart `json:"subcharts,omitempty"`
}

type TplString struct {
	Path []string `json:"path"`
	Text string   `json:"text"`
}

type Dependency struct {
	Name      string   `json:"name"`
	Alias     string   `json:"alias,omitempty"`
	Condition string   `json:"condition,omitempty"`
	Tags      []string `json:"tags,omitempty"`
}

// Read is a values path read somewhere ("*" stands for any key or index).
type Read struct {
	Path []string `json:"path"`
	At   string   `json:"at"`
}

// Open is a subtree whose keys all reach the output or are iterated: any key under it is real.
type Open struct {
	Path []string `json:"path"`
	Why  string   `json:"why"`
	At   string   `json:"at"`
	// At the "any key" limit, where recursion is folded: the subtree's depth is unknown.
	Folded bool `json:"folded,omitempty"`
}

type ChartInfo struct {
	Path      []string `json:"path"`
	Name      string   `json:"name"`
	Version   string   `json:"version"`
	Templates int      `json:"templates"`
	// No templates at all: a placeholder (a disabled OCI dependency), its values are unknown.
	Stub bool `json:"stub"`
}

type Result struct {
	Helm      string      `json:"helm"`
	Reads     []Read      `json:"reads"`
	Open      []Open      `json:"open"`
	Charts    []ChartInfo `json:"charts"`
	Defines   int         `json:"defines"`
	Calls     int         `json:"calls"`
	Truncated int         `json:"truncated"`
}

// ParseError is a template the Go parser rejects (Helm would too).
type ParseError struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (e *ParseError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Message) }

// val is what an expression may be, as far as values go.
type val struct {
	// Values paths it may be (absolute, from the root chart's values).
	paths [][]string
	// Known fields: a dict literal or a chart's root context.
	fields map[string]*val
	// Items of a list literal.
	items []*val
	// Subtrees serialised into it (toYaml result): they reach the output if it is printed.
	pending [][]string
	// String constants it may be (`list "a" "b"` ranged over, then used as a key).
	consts []string
	// A chart's root context (`.` of a template file, or a copy of it): never consumed whole by a function.
	ctx bool
}

type tree struct {
	t    *parse.Tree
	file string
}

type analyser struct {
	defines   map[string][]tree
	reads     map[string]Read
	open      map[string]Open
	prefixes  [][]string
	memo      map[string]bool
	depth     int
	calls     int
	truncated int
}

const maxDepth = 40

func key(p []string) string { return strings.Join(p, "\x00") }

// Analyse walks every template of the chart tree.
func Analyse(root *Chart) (*Result, error) {
	a := &analyser{defines: map[string][]tree{}, reads: map[string]Read{}, open: map[string]Open{}, memo: map[string]bool{}}
	type file struct {
		trees  map[string]*parse.Tree
		name   string
		file   string
		prefix []string
	}
	var files []file
	var infos []ChartInfo
	funcs := FuncNames()
	var walk func(c *Chart, prefix []string, dir string) error
	walk = func(c *Chart, prefix []string, dir string) error {
		a.prefixes = append(a.prefixes, prefix)
		infos = append(infos, ChartInfo{Path: append([]string{}, prefix...), Name: c.Name, Version: c.Version, Templates: len(c.Templates), Stub: len(c.Templates) == 0})
		names := make([]string, 0, len(c.Templates))
		for n := range c.Templates {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			display := path.Join(dir, n)
			trees, err := parseText(display, c.Templates[n], funcs)
			if err != nil {
				return err
			}
			files = append(files, file{trees: trees, name: display, file: display, prefix: prefix})
			for name, t := range trees {
				if name != display {
					a.defines[name] = append(a.defines[name], tree{t: t, file: display})
				}
			}
		}
		for i, s := range c.TplStrings {
			display := fmt.Sprintf("%s#%s", path.Join(dir, "values.yaml"), strings.Join(s.Path, "."))
			trees, err := parseText(display, s.Text, funcs)
			if err != nil {
				continue // not every string with `{{` is a template
			}
			files = append(files, file{trees: trees, name: display, file: display, prefix: prefix})
			_ = i
		}
		for _, d := range c.Dependencies {
			for _, cond := range strings.Split(d.Condition, ",") {
				cond = strings.TrimSpace(cond)
				if cond != "" {
					a.read(append(append([]string{}, prefix...), strings.Split(cond, ".")...), path.Join(dir, "Chart.yaml"))
				}
			}
			for _, tag := range d.Tags {
				a.read([]string{"tags", tag}, path.Join(dir, "Chart.yaml"))
			}
		}
		keys := make([]string, 0, len(c.Subcharts))
		for k := range c.Subcharts {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if err := walk(c.Subcharts[k], append(append([]string{}, prefix...), k), path.Join(dir, "charts", k)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root, []string{}, ""); err != nil {
		return nil, err
	}
	sort.Slice(a.prefixes, func(i, j int) bool { return len(a.prefixes[i]) > len(a.prefixes[j]) })
	contexts := map[string]*val{}
	for _, f := range files {
		t := f.trees[f.name]
		if t == nil || t.Root == nil {
			continue
		}
		// One root context per chart, shared by its files: `set . "mode" "ha"` in a helper is seen by every template, as in Helm.
		dot := contexts[key(f.prefix)]
		if dot == nil {
			dot = rootContext(f.prefix)
			contexts[key(f.prefix)] = dot
		}
		a.list(&scope{tree: t, dot: dot, dollar: dot, vars: map[string]*val{}}, t.Root)
	}
	res := &Result{Helm: helmVersion, Reads: []Read{}, Open: []Open{}, Charts: infos, Calls: a.calls, Truncated: a.truncated}
	for _, d := range a.defines {
		res.Defines += len(d)
	}
	for _, r := range a.reads {
		res.Reads = append(res.Reads, r)
	}
	for _, o := range a.open {
		res.Open = append(res.Open, o)
	}
	sort.Slice(res.Reads, func(i, j int) bool { return key(res.Reads[i].Path) < key(res.Reads[j].Path) })
	sort.Slice(res.Open, func(i, j int) bool { return key(res.Open[i].Path) < key(res.Open[j].Path) })
	return res, nil
}

func parseText(name, text string, funcs map[string]any) (map[string]*parse.Tree, error) {
	trees, err := parse.Parse(name, text, "", "", funcs)
	if err != nil {
		msg := err.Error()
		line := 0
		// "template: NAME:LINE: message" or "template: NAME:LINE:COL: ..."
		rest := strings.TrimPrefix(msg, "template: "+name+":")
		if i := strings.Index(rest, ":"); i > 0 {
			if n, convErr := strconv.Atoi(rest[:i]); convErr == nil {
				line = n
				msg = strings.TrimSpace(rest[i+1:])
			}
		}
		return nil, &ParseError{File: name, Line: line, Message: msg}
	}
	return trees, nil
}

func rootContext(prefix []string) *val {
	return &val{ctx: true, fields: map[string]*val{
		"Values": {paths: [][]string{append([]string{}, prefix...)}},
		"Release": {}, "Chart": {}, "Capabilities": {}, "Files": {}, "Template": {}, "Subcharts": {},
	}}
}

// normalise maps a subchart's `global` onto the root's (Helm copies the parent's globals down).
func (a *analyser) normalise(p []string) []string {
	for _, prefix := range a.prefixes {
		if len(prefix) > 0 && len(p) > len(prefix) && p[len(prefix)] == "global" && key(p[:len(prefix)]) == key(prefix) {
			return append([]string{"global"}, p[len(prefix)+1:]...)
		}
	}
	return p
}

func (a *analyser) read(p []string, at string) {
	p = a.normalise(p)
	k := key(p)
	if _, ok := a.reads[k]; !ok {
		a.reads[k] = Read{Path: append([]string{}, p...), At: at}
	}
}

func (a *analyser) markOpen(p []string, why, at string) {
	p = a.normalise(p)
	k := key(p)
	if _, ok := a.open[k]; !ok {
		a.open[k] = Open{Path: append([]string{}, p...), Why: why, At: at, Folded: stars(p) >= maxStars}
	}
}

type scope struct {
	tree   *parse.Tree
	dot    *val
	dollar *val
	vars   map[string]*val
	parent *scope
}

func (s *scope) child(dot *val) *scope {
	return &scope{tree: s.tree, dot: dot, dollar: s.dollar, vars: map[string]*val{}, parent: s}
}

func (s *scope) lookup(name string) *val {
	if name == "$" {
		return s.dollar
	}
	for c := s; c != nil; c = c.parent {
		if v, ok := c.vars[name]; ok {
			return v
		}
	}
	return &val{}
}

func (s *scope) assign(name string, v *val) {
	for c := s; c != nil; c = c.parent {
		if old, ok := c.vars[name]; ok {
			c.vars[name] = union(old, v)
			return
		}
	}
	s.vars[name] = v
}

func (s *scope) at(n parse.Node) string {
	loc, _ := s.tree.ErrorContext(n)
	// "file:line:col" → "file:line"
	if i := strings.LastIndex(loc, ":"); i > 0 {
		return loc[:i]
	}
	return loc
}

func union(vs ...*val) *val {
	out := &val{}
	for _, v := range vs {
		if v == nil {
			continue
		}
		out.paths = append(out.paths, v.paths...)
		out.items = append(out.items, v.items...)
		out.pending = append(out.pending, v.pending...)
		out.consts = append(out.consts, v.consts...)
		if v.fields != nil {
			if out.fields == nil {
				out.fields = map[string]*val{}
			}
			for k, f := range v.fields {
				if old, ok := out.fields[k]; ok {
					out.fields[k] = union(old, f)
				} else {
					out.fields[k] = f
				}
			}
		}
		if v.ctx {
			out.ctx = v.ctx
		}
	}
	return out
}

func (a *analyser) list(s *scope, l *parse.ListNode) {
	if l == nil {
		return
	}
	for _, n := range l.Nodes {
		a.node(s, n)
	}
}

func (a *analyser) node(s *scope, n parse.Node) {
	switch n := n.(type) {
	case *parse.ActionNode:
		v := a.pipe(s, n.Pipe)
		if len(n.Pipe.Decl) == 0 {
			// Printed: every subtree it carries is in the output.
			a.consume(s, v, "printed", n, 0)
		}
	case *parse.IfNode:
		a.pipe(s, n.Pipe)
		a.list(s.child(s.dot), n.List)
		a.list(s.child(s.dot), n.ElseList)
	case *parse.WithNode:
		inner := s.child(s.dot)
		v := a.pipeIn(inner, n.Pipe)
		inner.dot = v
		a.list(inner, n.List)
		a.list(s.child(s.dot), n.ElseList)
	case *parse.RangeNode:
		inner := s.child(s.dot)
		over := a.pipeValue(inner, n.Pipe)
		elem := a.elements(s, over, n)
		switch len(n.Pipe.Decl) {
		case 1:
			inner.vars[n.Pipe.Decl[0].Ident[0]] = elem
		case 2:
			inner.vars[n.Pipe.Decl[0].Ident[0]] = &val{}
			inner.vars[n.Pipe.Decl[1].Ident[0]] = elem
		}
		inner.dot = elem
		a.list(inner, n.List)
		a.list(s.child(s.dot), n.ElseList)
	case *parse.TemplateNode:
		var arg *val
		if n.Pipe != nil {
			arg = a.pipe(s, n.Pipe)
		} else {
			arg = &val{}
		}
		a.call(n.Name, arg)
	case *parse.ListNode:
		a.list(s, n)
	}
}

// maxStars: how many "any key" levels a path may have. Maps of maps (grafana's
// dashboards.<provider>.<name>.json) are ranged level by level and stay exact; a path at
// the limit stays as it is, so recursive templates walking a tree (traefik's otlp headers)
// reach a fixpoint, and what is opened there is marked folded (its depth is unknown).
const maxStars = 3

func stars(p []string) int {
	n := 0
	for _, seg := range p {
		if seg == "*" {
			n++
		}
	}
	return n
}

// under: p with one more "any key" segment, up to maxStars.
func under(p []string) []string {
	if stars(p) >= maxStars {
		return p
	}
	return append(append([]string{}, p...), "*")
}

// elements: what `range` binds, iterating `over` (a map's keys are any keys: the map is open).
func (a *analyser) elements(s *scope, over *val, n parse.Node) *val {
	out := &val{}
	for _, p := range over.paths {
		a.markOpen(p, "range", s.at(n))
		out.paths = append(out.paths, under(p))
	}
	out = union(append([]*val{out}, over.items...)...)
	if !over.ctx {
		for _, f := range over.fields {
			out = union(out, f)
		}
	}
	return out
}

// pipe evaluates a pipeline and binds its declared variables in s.
func (a *analyser) pipe(s *scope, p *parse.PipeNode) *val {
	v := a.pipeValue(s, p)
	for _, d := range p.Decl {
		if p.IsAssign {
			s.assign(d.Ident[0], v)
		} else {
			s.vars[d.Ident[0]] = v
		}
	}
	return v
}

// pipeIn is pipe for `with`: the declared variables live in the inner scope.
func (a *analyser) pipeIn(inner *scope, p *parse.PipeNode) *val { return a.pipe(inner, p) }

func (a *analyser) pipeValue(s *scope, p *parse.PipeNode) *val {
	if p == nil {
		return &val{}
	}
	var prev *val
	for _, c := range p.Cmds {
		prev = a.command(s, c, prev)
	}
	if prev == nil {
		return &val{}
	}
	return prev
}

func (a *analyser) command(s *scope, c *parse.CommandNode, piped *val) *val {
	if len(c.Args) == 0 {
		return &val{}
	}
	if id, ok := c.Args[0].(*parse.IdentifierNode); ok {
		args := make([]*val, 0, len(c.Args))
		for _, arg := range c.Args[1:] {
			args = append(args, a.arg(s, arg))
		}
		if piped != nil {
			args = append(args, piped)
		}
		return a.function(s, id.Ident, args, c.Args[1:], c)
	}
	v := a.arg(s, c.Args[0])
	if len(c.Args) > 1 || piped != nil {
		// A method call (.Capabilities.APIVersions.Has "x"): the arguments are read, the result is not values.
		for _, arg := range c.Args[1:] {
			a.arg(s, arg)
		}
		return &val{}
	}
	return v
}

func (a *analyser) arg(s *scope, n parse.Node) *val {
	switch n := n.(type) {
	case *parse.DotNode:
		return s.dot
	case *parse.FieldNode:
		return a.fields(s, s.dot, n.Ident, n)
	case *parse.VariableNode:
		return a.fields(s, s.lookup(n.Ident[0]), n.Ident[1:], n)
	case *parse.ChainNode:
		base := a.arg(s, n.Node)
		return a.fields(s, base, n.Field, n)
	case *parse.PipeNode:
		return a.pipeValue(s, n)
	case *parse.IdentifierNode:
		return a.function(s, n.Ident, nil, nil, n)
	case *parse.StringNode:
		return &val{consts: []string{n.Text}}
	}
	return &val{}
}

func (a *analyser) fields(s *scope, v *val, names []string, n parse.Node) *val {
	for _, name := range names {
		v = a.field(s, v, name, n)
	}
	return v
}

func (a *analyser) field(s *scope, v *val, name string, n parse.Node) *val {
	out := &val{}
	if v.fields != nil {
		if f, ok := v.fields[name]; ok {
			out = union(out, f)
		}
	}
	for _, p := range v.paths {
		np := a.normalise(append(append([]string{}, p...), name))
		a.read(np, s.at(n))
		out.paths = append(out.paths, np)
	}
	return out
}

// consume: v's subtrees reach the output (printed, serialised, passed to tpl).
func (a *analyser) consume(s *scope, v *val, why string, n parse.Node, depth int) {
	if v == nil || depth > 8 {
		return
	}
	for _, p := range v.pending {
		a.markOpen(p, "toYaml", s.at(n))
	}
	if v.ctx {
		return // the root context printed is not the values (and `toYaml .` on it is not a chart idiom)
	}
	for _, p := range v.paths {
		a.markOpen(p, why, s.at(n))
	}
	for _, f := range v.fields {
		a.consume(s, f, why, n, depth+1)
	}
	for _, it := range v.items {
		a.consume(s, it, why, n, depth+1)
	}
}

// carried: what a string built from v contains (paths become pending output).
func carried(vs ...*val) *val {
	out := &val{}
	for _, v := range vs {
		if v == nil || v.ctx {
			continue
		}
		out.pending = append(out.pending, v.pending...)
		out.pending = append(out.pending, v.paths...)
		for _, f := range v.fields {
			out.pending = append(out.pending, carried(f).pending...)
		}
		for _, it := range v.items {
			out.pending = append(out.pending, carried(it).pending...)
		}
	}
	return out
}

func constString(n parse.Node) (string, bool) {
	if s, ok := n.(*parse.StringNode); ok {
		return s.Text, true
	}
	return "", false
}

func (a *analyser) function(s *scope, name string, args []*val, nodes []parse.Node, n parse.Node) *val {
	constAt := func(i int) (string, bool) {
		if i < len(nodes) {
			return constString(nodes[i])
		}
		return "", false
	}
	// keyAt: the keys argument i may be, when they are known (a literal, or constants bound by range/variables).
	keyAt := func(i int) ([]string, bool) {
		if k, ok := constAt(i); ok {
			return []string{k}, true
		}
		if i < len(args) && len(args[i].consts) > 0 && len(args[i].paths) == 0 && args[i].fields == nil && len(args[i].items) == 0 {
			keys := []string{}
			for _, c := range args[i].consts {
				if c != "" { // an empty key reads nothing (a "no mode" default)
					keys = append(keys, c)
				}
			}
			return keys, true
		}
		return nil, false
	}
	fieldsOf := func(v *val, ks []string) *val {
		out := &val{}
		for _, k := range ks {
			out = union(out, a.field(s, v, k, n))
		}
		return out
	}
	switch name {
	case "include":
		if len(args) >= 1 {
			if tn, ok := constAt(0); ok {
				arg := &val{}
				if len(args) >= 2 {
					arg = args[1]
				}
				a.call(tn, arg)
			} else if len(args) >= 2 {
				// A name computed at render time: whatever it renders may print the argument.
				a.consume(s, args[1], "include", n, 0)
			}
		}
		return &val{}
	case "tpl":
		if len(args) >= 1 {
			a.consume(s, args[0], "tpl", n, 0)
		}
		return &val{}
	case "index", "get":
		if len(args) == 0 {
			return &val{}
		}
		v := args[0]
		for i := 1; i < len(args); i++ {
			if ks, ok := keyAt(i); ok {
				v = fieldsOf(v, ks)
			} else if nn, ok := nodeNumber(nodes, i); ok {
				v = a.field(s, v, nn, n)
			} else {
				v = a.anyKey(s, v, "index", n)
			}
		}
		return v
	case "dig":
		if len(args) < 2 {
			return &val{}
		}
		v := args[len(args)-1]
		for i := 0; i < len(args)-2; i++ {
			if ks, ok := keyAt(i); ok {
				v = fieldsOf(v, ks)
			} else {
				v = a.anyKey(s, v, "dig", n)
			}
		}
		return union(v, args[len(args)-2])
	case "hasKey":
		if len(args) >= 2 {
			if ks, ok := keyAt(1); ok {
				fieldsOf(args[0], ks)
			} else {
				a.anyKey(s, args[0], "hasKey", n)
			}
		}
		return &val{}
	case "pluck":
		out := &val{}
		if k, ok := constAt(0); ok {
			for _, m := range args[1:] {
				out.items = append(out.items, a.field(s, m, k, n))
			}
		}
		return out
	case "pick":
		out := &val{fields: map[string]*val{}}
		if len(args) >= 1 {
			for i := 1; i < len(args); i++ {
				if k, ok := constAt(i); ok {
					out.fields[k] = a.field(s, args[0], k, n)
				}
			}
		}
		return out
	case "keys", "values":
		out := &val{}
		for _, m := range args {
			out = union(out, a.anyKey(s, m, name, n))
		}
		if name == "keys" {
			return &val{}
		}
		return &val{items: []*val{out}}
	case "dict":
		out := &val{fields: map[string]*val{}}
		for i := 0; i+1 < len(args); i += 2 {
			if k, ok := constAt(i); ok {
				out.fields[k] = args[i+1]
			} else {
				// A computed key (authentik's env walk: dict (printf "%s__%s" $k $sk) $sv): the value is
				// still there for a range over the dict or an index with a computed key; no field name reaches "*".
				out.fields["*"] = union(out.fields["*"], args[i+1])
			}
		}
		return out
	case "list", "tuple":
		return &val{items: args}
	case "set":
		if len(args) >= 3 {
			if k, ok := constAt(1); ok && args[0].fields != nil {
				args[0].fields[k] = union(args[0].fields[k], args[2])
			}
			return args[0]
		}
		return &val{}
	case "unset":
		if len(args) >= 1 {
			return args[0]
		}
		return &val{}
	case "fromYaml", "fromJson", "fromYamlArray", "fromJsonArray", "fromToml":
		// A round trip of a serialised subtree (fromYaml (toYaml .Values.x)) is that subtree again.
		out := &val{}
		for _, v := range args {
			out.paths = append(out.paths, v.pending...)
		}
		return out
	case "ternary":
		if len(args) >= 2 {
			return union(args[0], args[1])
		}
		return &val{}
	case "required":
		if len(args) >= 2 {
			return args[1]
		}
		return &val{}
	case "first", "mustFirst", "last", "mustLast":
		out := &val{}
		for _, v := range args {
			for _, p := range v.paths {
				out.paths = append(out.paths, under(p))
			}
			out = union(append([]*val{out}, v.items...)...)
		}
		return out
	}
	switch funcKinds[name] {
	case kindPassthrough:
		return union(args...)
	case kindInspect:
		return &val{}
	case kindSerialize:
		return carried(args...)
	}
	return carried(args...)
}

func nodeNumber(nodes []parse.Node, i int) (string, bool) {
	if i < len(nodes) {
		if num, ok := nodes[i].(*parse.NumberNode); ok && num.IsInt {
			return "*", true // a list index: lists are replaced whole, their items are not keys
		}
	}
	return "", false
}

// anyKey: a key computed at render time; any key under v may be read.
func (a *analyser) anyKey(s *scope, v *val, why string, n parse.Node) *val {
	out := &val{}
	for _, p := range v.paths {
		a.markOpen(p, why, s.at(n))
		out.paths = append(out.paths, under(p))
	}
	for _, f := range v.fields {
		out = union(out, f)
	}
	return out
}

// call follows a named template with `.` bound to arg (once per name and binding).
func (a *analyser) call(name string, arg *val) {
	defs := a.defines[name]
	if len(defs) == 0 {
		return
	}
	k := name + "\x01" + signature(arg, 0)
	if a.memo[k] {
		return
	}
	if a.depth >= maxDepth {
		a.truncated++
		return
	}
	a.memo[k] = true
	a.calls++
	a.depth++
	for _, d := range defs {
		a.list(&scope{tree: d.t, dot: arg, dollar: arg, vars: map[string]*val{}}, d.t.Root)
	}
	a.depth--
}

func signature(v *val, depth int) string {
	if v == nil {
		return "_"
	}
	if depth > 4 {
		return "…"
	}
	var b strings.Builder
	if v.ctx {
		// A root context is told apart by where its .Values are (the chart it belongs to).
		b.WriteString("ctx(" + signature(v.fields["Values"], depth+1) + ")")
	}
	ps := make([]string, 0, len(v.paths))
	for _, p := range v.paths {
		ps = append(ps, strings.Join(p, "."))
	}
	sort.Strings(ps)
	b.WriteString("p[" + strings.Join(dedupe(ps), ",") + "]")
	pend := make([]string, 0, len(v.pending))
	for _, p := range v.pending {
		pend = append(pend, strings.Join(p, "."))
	}
	sort.Strings(pend)
	b.WriteString("s[" + strings.Join(dedupe(pend), ",") + "]")
	if v.fields != nil && !v.ctx {
		ks := make([]string, 0, len(v.fields))
		for k := range v.fields {
			ks = append(ks, k)
		}
		sort.Strings(ks)
		b.WriteString("{")
		for _, k := range ks {
			b.WriteString(k + ":" + signature(v.fields[k], depth+1) + ";")
		}
		b.WriteString("}")
	}
	if len(v.items) > 0 {
		b.WriteString("[")
		for _, it := range v.items {
			b.WriteString(signature(it, depth+1) + ";")
		}
		b.WriteString("]")
	}
	return b.String()
}

func dedupe(s []string) []string {
	out := s[:0]
	for i, x := range s {
		if i == 0 || x != s[i-1] {
			out = append(out, x)
		}
	}
	return out
}
