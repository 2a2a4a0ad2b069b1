package main

import (
	"os/exec"
	"runtime/debug"
	"strings"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "20468de13991aabbccddeeff0011223344556677"
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"plain build", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			version + " (go1.26.8)"},
		{"git checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261127064018-20468de13991"}, Settings: vcs(rev, "false")},
			version + "+20468de13991 (go1.26.8)"},
		{"git checkout with changes", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261127064018-20468de13991+dirty"}, Settings: vcs(rev, "true")},
			version + "+20468de13991.dirty (go1.26.8)"},
		{"go install of a tag", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.2.0"}},
			"v0.2.0 (go1.26.8)"},
		{"no Go version", debug.BuildInfo{}, version},
	}
	for _, tt := range tests {
		if got := buildVersion(&tt.bi); got != tt.want {
			t.Errorf("%s: buildVersion = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestVersionOfBinary checks the binary the tests built, whichever way Go
// stamped it (GOFLAGS=-buildvcs=false or a git checkout).
func TestVersionOfBinary(t *testing.T) {
	out, err := exec.Command(nnlabBin, "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	got := strings.TrimSpace(string(out))
	if !strings.HasPrefix(got, "nnlab "+version) || strings.Count(got, "+") > 1 || strings.Contains(got, "v0.0.0-") {
		t.Errorf("nnlab --version = %q, want nnlab %s[+REV] (goX)", got, version)
	}
	t.Logf("nnlab --version: %s", got)
}
