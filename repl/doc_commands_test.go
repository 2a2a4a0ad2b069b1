package repl

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/runtime"
)

// runtimeHarness is a piped REPL on a real interpreter session.
type runtimeHarness struct {
	r        *REPL
	out, err bytes.Buffer
	sig      chan os.Signal
}

func newRuntimeHarness(t *testing.T, input string) *runtimeHarness {
	t.Helper()
	h := &runtimeHarness{sig: make(chan os.Signal, 1)}
	r, err := New(Config{
		NewSession: func(stdout, stderr io.Writer) (Session, error) {
			return runtime.New(runtime.Options{Stdout: stdout, Stderr: stderr})
		},
		NeedsMore:  runtime.NeedsMore,
		Stdin:      strings.NewReader(input),
		Stdout:     &h.out,
		Stderr:     &h.err,
		Interrupts: h.sig,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.Close)
	h.r = r
	return h
}

func TestDocCommands(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		wantOut []string // substrings of stdout, in order
		noOut   []string // substrings stdout must not have
		wantErr string   // substring of stderr, "" for none
	}{
		{
			name:    "function",
			input:   ":doc nn.MatMul\n",
			wantOut: []string{"package nn // import \"github.com/nnlab/nnlab/nn\"", "func MatMul(a, b *Node) *Node\n", "    MatMul multiplies two matrices"},
		},
		{
			name:    ":help NAME is :doc NAME",
			input:   ":help nn.MatMul\n",
			wantOut: []string{"func MatMul(a, b *Node) *Node\n", "    MatMul multiplies two matrices"},
			noOut:   []string{"Commands:"},
		},
		{
			name:    "method",
			input:   ":doc nn.Session.Run\n",
			wantOut: []string{"func (s *Session) Run(fetch *Node, feed Feed) *Tensor\n", "    Run computes fetch"},
			noOut:   []string{"Methods:"},
		},
		{
			name:    "case is ignored when nothing has the exact name",
			input:   ":doc nn.matmul()\n",
			wantOut: []string{"func MatMul("},
		},
		{
			name:    "function with its example",
			input:   ":doc mnist.ReadDataSets\n",
			wantOut: []string{"func ReadDataSets(dir string, oneHot bool) (*DataSets, error)", "Example of mnist.ReadDataSets:", "    data, err := mnist.ReadDataSets(", "    // Output:\n    // 55000 5000 10000\n"},
		},
		{
			name:    "package overview",
			input:   ":doc nn\n",
			wantOut: []string{"package nn // import", "Functions: ", "MatMul,", "Types: ", "Session,"},
		},
		{
			name:    "package overview with its comment",
			input:   ":doc mnist\n",
			wantOut: []string{"package mnist", "Package mnist reads the MNIST handwritten-digit data set", "ReadDataSets"},
		},
		{
			name:    "standard library",
			input:   ":doc fmt.Println\n:doc strings.Split\n:doc math.Sqrt\n:doc time.Since\n:doc io.Reader.Read\n",
			wantOut: []string{"func Println(a ...any) (n int, err error)", "func Split(s, sep string) []string", "func Sqrt(x float64) float64", "func Since(t Time) Duration", "func (Reader) Read(p []byte) (n int, err error)"},
		},
		{
			name:    "a package name two packages share",
			input:   ":doc rand.IntN\n:doc math/rand.Intn\n",
			wantOut: []string{"package rand // import \"math/rand/v2\"", "func IntN(n int) int", "package rand // import \"math/rand\"", "func Intn(n int) int"},
		},
		{
			name:    "a type with its constructors and methods",
			input:   ":doc nn.Session\n",
			wantOut: []string{"type Session struct", "Functions returning it:\nfunc NewSession() *Session", "Methods:\n", "func (s *Session) Run(fetch *Node, feed Feed) *Tensor\n    Run computes"},
		},
		{
			name:    "a session value shows its type's documentation",
			input:   "sess := nn.NewSession()\n:doc sess\n",
			wantOut: []string{"sess: *nn.Session\n", "type Session struct", "Methods:\n", "func (s *Session) Run("},
		},
		{
			name:    "a method through a session value",
			input:   "sess := nn.NewSession()\n:doc sess.Run\n",
			wantOut: []string{"sess.Run: method of *nn.Session\n", "func (s *Session) Run("},
		},
		{
			name:    "element type of a slice value",
			input:   "ts := []*nn.Tensor{nn.Zeros(2)}\n:doc ts\n",
			wantOut: []string{"ts: []*nn.Tensor\n", "type Tensor struct"},
		},
		{
			name:    "built-in type",
			input:   "v := 2.5\n:doc v\n",
			wantOut: []string{"v: float64 (a built-in type)\n"},
		},
		{
			name:    "a symbol without its package",
			input:   ":doc Println\n",
			wantOut: []string{"package fmt", "func Println("},
		},
		{
			name:    "unknown name",
			input:   ":doc nosuchthing\n",
			wantErr: "no documentation for nosuchthing: not a documented package or symbol, nor a session value (try :apropos nosuchthing)",
		},
		{
			name:    "calls are not evaluated to find a type",
			input:   "n := 0\nfunc f() int { n++; return n }\n:doc f()\nn\n",
			wantOut: []string{"0\n"},
			wantErr: "no documentation for f()",
		},
		{
			name:    "doc leaves ans alone",
			input:   "sess := nn.NewSession()\n41 + 1\n:doc sess\nans\n",
			wantOut: []string{"42\n", "sess: *nn.Session", "\n42\n"},
		},
		{
			name:    "no argument",
			input:   ":doc\n",
			wantErr: "usage: :doc NAME",
		},
		{
			name:    "apropos",
			input:   ":apropos dropout\n",
			wantOut: []string{"nn.Dropout — Dropout zeroes each element of x with probability"},
		},
		{
			name:    "apropos ignores case and finds packages",
			input:   ":apropos MNIST\n",
			wantOut: []string{"mnist — Package mnist reads the MNIST"},
		},
		{
			name:    "apropos with nothing found",
			input:   ":apropos zzzqqq\n",
			wantOut: []string{"nothing documented mentions \"zzzqqq\"\n"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newRuntimeHarness(t, tt.input)
			h.r.Run()
			out := h.out.String()
			rest := out
			for _, w := range tt.wantOut {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("stdout lacks %q (in order) in:\n%s", w, out)
					break
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tt.noOut {
				if strings.Contains(out, w) {
					t.Errorf("stdout has %q:\n%s", w, out)
				}
			}
			if tt.wantErr == "" && h.err.Len() > 0 || !strings.Contains(h.err.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", h.err.String(), tt.wantErr)
			}
		})
	}
}

func TestAproposCap(t *testing.T) {
	h := newRuntimeHarness(t, ":apropos e\n")
	h.r.Run()
	lines := strings.Split(strings.TrimSuffix(h.out.String(), "\n"), "\n")
	if len(lines) != aproposMax+1 || !strings.HasPrefix(lines[aproposMax], "... and ") {
		t.Fatalf("got %d lines, want %d and a count of the rest:\n%s", len(lines), aproposMax+1, h.out.String())
	}
	for _, l := range lines {
		if n := len([]rune(l)); n > aproposWidth {
			t.Errorf("line of %d runes: %q", n, l)
		}
	}
}

func TestIsSelectorChain(t *testing.T) {
	for s, want := range map[string]bool{
		"sess": true, "data.Train": true, "a.b.c": true,
		"f()": false, "a[0]": false, "x + 1": false, "": false, "a.b()": false,
	} {
		if got := isSelectorChain(s); got != want {
			t.Errorf("isSelectorChain(%q) = %v, want %v", s, got, want)
		}
	}
}
