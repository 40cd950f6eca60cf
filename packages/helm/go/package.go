package main

import (
	"archive/tar"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/registry"
)

// runPackage writes <outDir>/<name>-<version>.tgz as `helm package` does
// (chartutil.Save), then stamps every entry with one fixed time: Helm writes
// time.Now() into each tar header, so two packagings of one chart would have
// two digests, and a lock of the packages a mirror serves could never be checked.
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
	sortDependencies(chrt)
	temp, err := os.MkdirTemp(outDir, ".package-")
	if err != nil {
		return fmt.Errorf("package: %v", err)
	}
	defer os.RemoveAll(temp)
	saved, err := chartutil.Save(chrt, temp)
	if err != nil {
		return fmt.Errorf("package: %s: %v", chartDir, err)
	}
	path := filepath.Join(outDir, filepath.Base(saved))
	if err := restamp(saved, path); err != nil {
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

// sortDependencies orders subcharts by name, recursively: Helm's loader
// collects charts/ through a map, so the archive's entry order (and digest)
// would otherwise change from one packaging to the next.
func sortDependencies(c *chart.Chart) {
	deps := c.Dependencies()
	sort.SliceStable(deps, func(i, j int) bool { return deps[i].Name() < deps[j].Name() })
	for _, dep := range deps {
		sortDependencies(dep)
	}
	c.SetDependencies(deps...)
}

// packageTime is the one modification time of every entry of a packaged chart.
var packageTime = time.Unix(0, 0).UTC()

// restamp copies the archive at from to to (atomically, through a temp file)
// with every header's time set to packageTime, keeping Helm's gzip header.
func restamp(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	unzipped, err := gzip.NewReader(in)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(to), ".restamp-")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	zipped, err := gzip.NewWriterLevel(tmp, gzip.DefaultCompression)
	if err != nil {
		return err
	}
	zipped.Header.Extra = unzipped.Header.Extra
	zipped.Header.Comment = unzipped.Header.Comment
	reader := tar.NewReader(unzipped)
	writer := tar.NewWriter(zipped)
	for {
		header, err := reader.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		header.ModTime = packageTime
		header.AccessTime, header.ChangeTime = time.Time{}, time.Time{}
		if err := writer.WriteHeader(header); err != nil {
			return err
		}
		if _, err := io.Copy(writer, reader); err != nil {
			return err
		}
	}
	if err := writer.Close(); err != nil {
		return err
	}
	if err := zipped.Close(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), to)
}

func isLoopback(host string) bool {
	for _, prefix := range []string{"127.0.0.1:", "127.0.0.1/", "localhost:", "localhost/", "[::1]:"} {
		if len(host) >= len(prefix) && host[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}
