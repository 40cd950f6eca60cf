// tplreads reads a chart tree as JSON on stdin ({name, version, templates, dependencies, subcharts})
// and prints the values paths its templates read and the subtrees they consume whole.
// Exit 2 with {"error": {file, line, message}} on a template Go's parser rejects.
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	tplreads "github.com/homelab/k3s-cluster-infra-apps/packages/codegen/go"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "--funcs" {
		_ = json.NewEncoder(os.Stdout).Encode(tplreads.SortedFuncNames())
		return
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fail(2, map[string]any{"message": "cannot read stdin: " + err.Error()})
	}
	var chart tplreads.Chart
	if err := json.Unmarshal(input, &chart); err != nil {
		fail(2, map[string]any{"message": "input is not a chart tree: " + err.Error()})
	}
	result, err := tplreads.Analyse(&chart)
	if err != nil {
		var parseErr *tplreads.ParseError
		if errors.As(err, &parseErr) {
			fail(2, parseErr)
		}
		fail(2, map[string]any{"message": err.Error()})
	}
	enc := json.NewEncoder(os.Stdout)
	if err := enc.Encode(result); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func fail(code int, detail any) {
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{"error": detail})
	os.Exit(code)
}
