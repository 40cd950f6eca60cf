// homelab-helm is Helm's own engine (helm.sh/helm/v3, pinned in go.mod) behind a
// JSON protocol, so the TypeScript side renders many releases per process start.
//
//	homelab-helm template            < request.json  > response.json
//	homelab-helm package <chartDir> <outDir>          → {"path": "<outDir>/<name>-<version>.tgz"}
//	homelab-helm push <chart.tgz> oci://host/repo     → {"ref": "host/repo/<name>:<version>", "digest": "sha256:..."}
//	homelab-helm version                              → {"engine": "helm.sh/helm/v3@v3.22.0"}
//
// Exit codes: 0 done (per-release render errors are in the response), 2 bad
// request or failed package/push (one line on stderr).
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
)

const helmModule = "helm.sh/helm/v3"

func main() {
	if len(os.Args) < 2 {
		fail("usage: homelab-helm template|package|push|version (see the package README)")
	}
	var err error
	switch os.Args[1] {
	case "template":
		// A render is short-lived and allocates heavily (templates, YAML to JSON):
		// a higher collection target than Go's 100 takes about 7% less CPU on the
		// real cluster for some 40 MB more per process. A GOGC the caller set wins.
		if os.Getenv("GOGC") == "" {
			debug.SetGCPercent(200)
		}
		err = runTemplate(os.Stdin, os.Stdout)
	case "package":
		if len(os.Args) != 4 {
			fail("usage: homelab-helm package <chartDir> <outDir>")
		}
		err = runPackage(os.Args[2], os.Args[3], os.Stdout)
	case "push":
		if len(os.Args) != 4 {
			fail("usage: homelab-helm push <chart.tgz> oci://host/repo")
		}
		err = runPush(os.Args[2], os.Args[3], os.Stdout)
	case "version":
		err = writeJSON(os.Stdout, map[string]string{"engine": engineVersion()})
	default:
		fail(fmt.Sprintf("unknown subcommand %q: expected template, package, push or version", os.Args[1]))
	}
	if err != nil {
		fail(err.Error())
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, message)
	os.Exit(2)
}

// engineVersion names the Helm module this binary was built from, read from the
// build info so it can never drift from go.mod.
func engineVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == helmModule {
				if dep.Replace != nil {
					return helmModule + "@" + dep.Replace.Version
				}
				return helmModule + "@" + dep.Version
			}
		}
	}
	return helmModule + "@unknown"
}

func writeJSON(out io.Writer, value any) error {
	encoder := json.NewEncoder(out)
	encoder.SetEscapeHTML(false)
	return encoder.Encode(value)
}
