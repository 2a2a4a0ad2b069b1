package kernelspec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestInstall(t *testing.T) {
	data := t.TempDir()
	dir, err := Install(data, NewSpec("/opt/bin/nnlab"))
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(data, "kernels", "nnlab"); dir != want {
		t.Errorf("installed in %s, want %s", dir, want)
	}
	b, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec map[string]any
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"display_name": "nnlab (Go)", "language": "go", "interrupt_mode": "message"}
	for k, v := range want {
		if spec[k] != v {
			t.Errorf("kernel.json %s = %v, want %v", k, spec[k], v)
		}
	}
	if got := spec["argv"]; len(got.([]any)) != 4 || got.([]any)[0] != "/opt/bin/nnlab" || got.([]any)[3] != "{connection_file}" {
		t.Errorf("argv %v", got)
	}
	for _, size := range []int{32, 64} {
		name := filepath.Join(dir, fmt.Sprintf("logo-%dx%d.png", size, size))
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if r := img.Bounds(); r.Dx() != size || r.Dy() != size {
			t.Errorf("%s is %v", name, r)
		}
	}
	// Installing again replaces the kernelspec.
	if _, err := Install(data, NewSpec("/other/nnlab")); err != nil {
		t.Fatal(err)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "kernel.json"))
	if !bytes.Contains(b, []byte("/other/nnlab")) {
		t.Errorf("reinstall kept %s", b)
	}
}

func TestDataDirs(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "/j/data")
	if d, err := UserDataDir(); err != nil || d != "/j/data" {
		t.Errorf("with $JUPYTER_DATA_DIR: %q, %v", d, err)
	}
	t.Setenv("JUPYTER_DATA_DIR", "")
	if runtime.GOOS == "linux" {
		t.Setenv("XDG_DATA_HOME", "")
		t.Setenv("HOME", "/home/u")
		if d, err := UserDataDir(); err != nil || d != "/home/u/.local/share/jupyter" {
			t.Errorf("on Linux: %q, %v", d, err)
		}
	}
	if d := PrefixDataDir("/usr/local"); d != filepath.Join("/usr/local", "share", "jupyter") {
		t.Errorf("prefix: %s", d)
	}
	t.Setenv("CONDA_PREFIX", "")
	t.Setenv("VIRTUAL_ENV", "/venvs/a")
	if d, err := SysPrefix(); err != nil || d != "/venvs/a" {
		t.Errorf("sys prefix in a venv: %q, %v", d, err)
	}
}
