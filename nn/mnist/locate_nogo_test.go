package mnist

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDefaultDirNeverRunsGo checks that finding the MNIST files never runs
// the go command, even when they are not in the module cache: a fake go
// first on $PATH would leave a mark.
func TestDefaultDirNeverRunsGo(t *testing.T) {
	bin, mark := t.TempDir(), filepath.Join(t.TempDir(), "ran")
	fake := "#!/bin/sh\ntouch " + mark + "\n"
	if err := os.WriteFile(filepath.Join(bin, "go"), []byte(fake), 0o755); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	t.Setenv("PATH", bin)
	t.Setenv("MNIST_DIR", "")
	t.Setenv("GOMODCACHE", empty)
	t.Setenv("GOPATH", empty)
	t.Setenv("HOME", empty)
	t.Setenv("USERPROFILE", empty) // the home directory on Windows
	t.Setenv("APPDATA", empty)     // where Windows keeps go's settings
	t.Setenv("XDG_CONFIG_HOME", empty)
	t.Setenv("GOENV", "off")
	d, err := DefaultDir()
	if err == nil {
		t.Fatalf("DefaultDir found %s in an empty module cache", d)
	}
	if _, statErr := os.Stat(mark); statErr == nil {
		t.Error("DefaultDir ran the go command")
	}
	if !strings.Contains(err.Error(), "go mod download") || !strings.Contains(err.Error(), "MNIST_DIR") {
		t.Errorf("the error does not say how to get the files: %v", err)
	}
}

func TestGoEnvFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "env")
	os.WriteFile(f, []byte("GOFLAGS=-buildvcs=false\nGOMODCACHE=/x/mod\n"), 0o600)
	t.Setenv("GOENV", f)
	env := goEnvFile()
	if env["GOMODCACHE"] != "/x/mod" || env["GOFLAGS"] != "-buildvcs=false" {
		t.Errorf("goEnvFile = %v", env)
	}
	t.Setenv("GOMODCACHE", "")
	t.Setenv("GOPATH", "")
	if c := modCacheCandidates(); len(c) == 0 || c[0] != "/x/mod" {
		t.Errorf("modCacheCandidates = %v, want /x/mod first", c)
	}
}
