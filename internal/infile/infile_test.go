package infile

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.go")
	if err := os.WriteFile(small, []byte("package main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		path string
		max  int64
		want string // substring of the error; "" for success
	}{
		{small, MaxSource, ""},
		{small, 4, "more than the limit of 4 B"},
		{dir, MaxSource, "is a directory"},
		{filepath.Join(dir, "nope"), MaxSource, "no such file"},
	}
	if runtime.GOOS != "windows" {
		tests = append(tests, struct {
			path string
			max  int64
			want string
		}{"/dev/zero", MaxSource, "a device"})
	}
	for _, tt := range tests {
		b, err := ReadFile(tt.path, tt.max)
		if tt.want == "" {
			if err != nil || string(b) != "package main\n" {
				t.Errorf("ReadFile(%s) = %q, %v", tt.path, b, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ReadFile(%s, %d): %v, want an error saying %q", tt.path, tt.max, err, tt.want)
		}
	}
}
