// Package kernelspec installs nnlab's Jupyter kernelspec: the directory
// kernels/nnlab with kernel.json and logos, under a Jupyter data
// directory, which is how `jupyter kernelspec list` and every front end find
// the kernel.
package kernelspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/nnlab/nnlab/internal/atomicfile"
)

// Name is the kernel's name: the directory under kernels/.
const Name = "nnlab"

// Spec is the content of kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// NewSpec is the kernelspec that starts the binary at exe. Interrupts come
// as interrupt_request messages on the control channel ("message" mode),
// which works the same on every platform; the kernel also stops the cell
// on SIGINT.
func NewSpec(exe string) Spec {
	return Spec{
		Argv:          []string{exe, "kernel", "-f", "{connection_file}"},
		DisplayName:   "nnlab (Go)",
		Language:      "go",
		InterruptMode: "message",
	}
}

// UserDataDir is the user's Jupyter data directory: $JUPYTER_DATA_DIR, else
// the platform's (~/.local/share/jupyter on Linux and other Unixes, honouring
// $XDG_DATA_HOME; ~/Library/Jupyter on macOS; %APPDATA%\jupyter on Windows).
func UserDataDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d, nil
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("APPDATA"); d != "" {
			return filepath.Join(d, "jupyter"), nil
		}
		return "", errors.New("kernelspec: %APPDATA% is not set")
	case "darwin":
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, "Library", "Jupyter"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "jupyter"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "jupyter"), nil
}

// PrefixDataDir is the Jupyter data directory of an installation prefix:
// PREFIX/share/jupyter.
func PrefixDataDir(prefix string) string {
	return filepath.Join(prefix, "share", "jupyter")
}

// SysPrefix is the prefix of the Python environment Jupyter runs in:
// $CONDA_PREFIX or $VIRTUAL_ENV when one is active, else python3's
// sys.prefix.
func SysPrefix() (string, error) {
	for _, v := range []string{"CONDA_PREFIX", "VIRTUAL_ENV"} {
		if d := os.Getenv(v); d != "" {
			return d, nil
		}
	}
	for _, py := range []string{"python3", "python"} {
		out, err := exec.Command(py, "-c", "import sys; print(sys.prefix)").Output()
		if err == nil {
			if p := strings.TrimSpace(string(out)); p != "" {
				return p, nil
			}
		}
	}
	return "", errors.New("kernelspec: --sys-prefix: no $CONDA_PREFIX or $VIRTUAL_ENV, and python3 -c 'import sys; print(sys.prefix)' failed")
}

// Install writes the kernelspec for spec into dataDir/kernels/nnlab and
// returns that directory.
func Install(dataDir string, spec Spec) (string, error) {
	dir := filepath.Join(dataDir, "kernels", Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("kernelspec: %w", err)
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return "", err
	}
	files := map[string][]byte{"kernel.json": append(b, '\n')}
	for _, size := range []int{32, 64} {
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = Logo(size)
	}
	for name, data := range files {
		if err := atomicfile.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return "", fmt.Errorf("kernelspec: %w", err)
		}
	}
	return dir, nil
}

// Logo draws nnlab's logo as a size×size PNG: three layers of a small
// network (nodes and the links between them) on Go's blue.
func Logo(size int) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	bg := color.NRGBA{0x00, 0x7d, 0x9c, 0xff}
	fg := color.NRGBA{0xff, 0xff, 0xff, 0xff}
	link := color.NRGBA{0xa8, 0xdc, 0xe8, 0xff}
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			img.Set(x, y, bg)
		}
	}
	s := float64(size)
	layers := [][]float64{{0.3, 0.5, 0.7}, {0.22, 0.42, 0.58, 0.78}, {0.5}}
	xs := []float64{0.2, 0.5, 0.8}
	line := func(x0, y0, x1, y1 float64) {
		n := int(s)
		for i := 0; i <= n; i++ {
			t := float64(i) / float64(n)
			img.Set(int((x0+(x1-x0)*t)*s), int((y0+(y1-y0)*t)*s), link)
		}
	}
	for l := 0; l+1 < len(layers); l++ {
		for _, a := range layers[l] {
			for _, b := range layers[l+1] {
				line(xs[l], a, xs[l+1], b)
			}
		}
	}
	r := s * 0.06
	for l, ys := range layers {
		for _, y := range ys {
			cx, cy := xs[l]*s, y*s
			for py := int(cy - r - 1); py <= int(cy+r+1); py++ {
				for px := int(cx - r - 1); px <= int(cx+r+1); px++ {
					if dx, dy := float64(px)+0.5-cx, float64(py)+0.5-cy; dx*dx+dy*dy <= r*r {
						img.Set(px, py, fg)
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img) // cannot fail on a bytes.Buffer
	return buf.Bytes()
}
