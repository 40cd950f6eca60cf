package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/registry"
)

// runPackage writes <outDir>/<name>-<version>.tgz as `helm package` does (chartutil.Save).
func runPackage(chartDir, outDir string, out io.Writer) error {
	chrt, err := loader.LoadDir(chartDir)
	if err != nil {
		return fmt.Errorf("package: cannot load chart %s: %v", chartDir, err)
	}
	if deps := chrt.Metadata.Dependencies; deps != nil {
		if err := action.CheckDependencies(chrt, deps); err != nil {
			return fmt.Errorf("package: %s: %v", chartDir, err)
		}
	}
	if err := os.MkdirAll(outDir, 0o755); err != nil {
		return fmt.Errorf("package: %v", err)
	}
	path, err := chartutil.Save(chrt, outDir)
	if err != nil {
		return fmt.Errorf("package: %s: %v", chartDir, err)
	}
	return writeJSON(out, map[string]string{"path": path, "name": chrt.Metadata.Name, "version": chrt.Metadata.Version})
}

// runPush uploads a packaged chart with Helm's own OCI client, as `helm push`
// does (pkg/pusher/ocipusher.go). Plain HTTP only for loopback registries.
func runPush(archive, target string, out io.Writer) error {
	stat, err := os.Stat(archive)
	if err != nil {
		return fmt.Errorf("push: %v", err)
	}
	if stat.IsDir() {
		return fmt.Errorf("push: %s is a directory; push a chart archive (.tgz)", archive)
	}
	if !registry.IsOCI(target) {
		return fmt.Errorf("push: %s is not an oci:// reference", target)
	}
	chrt, err := loader.Load(archive)
	if err != nil {
		return fmt.Errorf("push: cannot load %s: %v", archive, err)
	}
	data, err := os.ReadFile(archive)
	if err != nil {
		return fmt.Errorf("push: %v", err)
	}
	host := target[len("oci://"):]
	options := []registry.ClientOption{registry.ClientOptWriter(io.Discard)}
	if isLoopback(host) {
		options = append(options, registry.ClientOptPlainHTTP())
	}
	client, err := registry.NewClient(options...)
	if err != nil {
		return fmt.Errorf("push: %v", err)
	}
	ref := fmt.Sprintf("%s:%s", filepath.ToSlash(filepath.Join(host, chrt.Metadata.Name)), chrt.Metadata.Version)
	result, err := client.Push(data, ref, registry.PushOptCreationTime(stat.ModTime().UTC().Format(time.RFC3339)))
	if err != nil {
		return fmt.Errorf("push: %s: %v", ref, err)
	}
	return writeJSON(out, map[string]string{"ref": result.Ref, "digest": result.Manifest.Digest, "chartDigest": result.Chart.Digest})
}

func isLoopback(host string) bool {
	for _, prefix := range []string{"127.0.0.1:", "127.0.0.1/", "localhost:", "localhost/", "[::1]:"} {
		if len(host) >= len(prefix) && host[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}
