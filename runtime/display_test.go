package runtime

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/plot"
	"github.com/traefik/yaegi/interp"
)

// digitCell is a cell that builds g, a tensor of the given shape holding
// digitData's image times scale.
func digitCell(scale, shape string) string {
	return `d := make([]float32, 784)
for i := 0; i < 784; i++ {
	r, c := i/28, i%28
	if (r >= 6 && r <= 7 && c >= 6 && c <= 21) || (r >= 8 && r <= 22 && c >= 14 && c <= 16) {
		d[i] = ` + scale + `
	}
}
g := nn.NewTensor(d, ` + shape + `)`
}

// digitData is the image digitCell builds, in [0,1].
func digitData() []float32 {
	d := make([]float32, 784)
	for i := range d {
		r, c := i/28, i%28
		if (r >= 6 && r <= 7 && c >= 6 && c <= 21) || (r >= 8 && r <= 22 && c >= 14 && c <= 16) {
			d[i] = 1
		}
	}
	return d
}

func TestDisplayDigit(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	t.Setenv("TERM", "xterm-kitty") // ignored: the output is not a terminal
	t.Setenv("COLORTERM", "truecolor")
	ascii := strings.TrimSuffix(plot.Digit(digitData(), 28, 28, plot.Caps{}), "\n")
	for _, tc := range []struct{ scale, shape, line string }{
		{"1", "784", "Tensor(shape=[784], float32)"},
		{"1", "28, 28", "Tensor(shape=[28,28], float32)"},
		{"1", "1, 784", "Tensor(shape=[1,784], float32)"},
		{"255", "28, 28, 1", "Tensor(shape=[28,28,1], float32)"},
	} {
		s, out, _ := newSession(t)
		runSteps(t, s, []step{
			{cell: digitCell(tc.scale, tc.shape)},
			{cell: `g`, out: tc.line + "\n" + ascii},
		})
		got, _ := s.Eval(context.Background(), `g.Reshape(4, 196)`)
		if !strings.HasPrefix(got, "Tensor(shape=[4,196], float32)\n[[0 0 0") || strings.Contains(got, ascii[:40]) {
			t.Errorf("a [4,196] tensor displays as %q", got)
		}
		if strings.ContainsRune(out.String(), 0x1b) {
			t.Errorf("escape sequences written to a non-terminal: %q", out.String())
		}
	}
}

func TestDisplayNotDigit(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `nn.FromRows([][]float32{{1, 2, 3}, {4, 5, 6}})`, out: "Tensor(shape=[2,3], float32)\n[[1 2 3]\n [4 5 6]]"},
		{cell: `nn.Scalar(2)`, out: "2"},
		{cell: `var nt *nn.Tensor`},
		{cell: `nt`, out: "nil"},
		{cell: `d := make([]float32, 784); d[3] = -1`},
	})
	// Up to 1000 values show whole (as numpy does), not as a digit.
	for _, tc := range []struct{ cell, prefix string }{
		{`nn.NewTensor(d, 784)`, "Tensor(shape=[784], float32)\n[0 0 0 -1 0 0"},
		{`d[3] = 300; nn.NewTensor(d, 784)`, "Tensor(shape=[784], float32)\n[0 0 0 300 0 0"},
		{`d[3] = 0; nn.NewTensor(d, 2, 392)`, "Tensor(shape=[2,392], float32)\n[[0 0 0 0"},
		// More are shortened, still one row per line, as numpy does.
		{`nn.NewTensor(make([]float32, 2000), 2, 1000)`, "Tensor(shape=[2,1000], float32)\n[[0 0 0 ... 0 0 0]\n [0 0 0 ... 0 0 0]]"},
		{`e := make([]float32, 2000); e[0], e[3], e[1999] = 1, 2, 3; nn.NewTensor(e, 8, 250)`,
			"Tensor(shape=[8,250], float32)\n[[1 0 0 ... 0 0 0]\n [0 0 0 ... 0 0 0]\n [0 0 0 ... 0 0 0]\n ...\n [0 0 0 ... 0 0 0]\n [0 0 0 ... 0 0 0]\n [0 0 0 ... 0 0 3]]"},
		{`nn.NewTensor(e, 2, 2, 500)`, "Tensor(shape=[2,2,500], float32)\n[[[1 0 0 ... 0 0 0]\n  [0 0 0 ... 0 0 0]]\n\n [[0 0 0 ... 0 0 0]\n  [0 0 0 ... 0 0 3]]]"},
	} {
		out, err := s.Eval(context.Background(), tc.cell)
		if err != nil || !strings.HasPrefix(out, tc.prefix) {
			t.Errorf("%s: %q, %v; want it to start with %q", tc.cell, out, err, tc.prefix)
		}
	}
	runSteps(t, s, []step{
		// Several values are a tuple, never drawn, each on one line.
		{cell: `func two() (*nn.Tensor, int) { return nn.NewTensor(d, 784), 1 }`},
		{cell: `two()`, out: "(Tensor(shape=[784], float32) [0 0 0 ... 0 0 0], 1)"},
	})
}

func TestDisplayTerminal(t *testing.T) {
	t.Setenv("LANG", "en_US.UTF-8")
	t.Setenv("TERM", "xterm-256color")
	t.Setenv("COLORTERM", "")
	t.Setenv("KITTY_WINDOW_ID", "")
	t.Setenv("TERM_PROGRAM", "")
	t.Setenv("LC_TERMINAL", "")
	t.Setenv("LC_ALL", "")
	t.Setenv("LC_CTYPE", "")
	t.Setenv(plot.DisplayEnv, "")
	out, errb := &syncBuf{}, &syncBuf{}
	s, err := New(Options{Stdout: out, Stderr: errb, Terminal: true})
	if err != nil {
		t.Fatal(err)
	}
	half := plot.Digit(digitData(), 28, 28, plot.Caps{UTF8: true, Color256: true})
	runSteps(t, s, []step{
		{cell: digitCell("1", "784")},
		{cell: `g`, out: "Tensor(shape=[784], float32)\n" + strings.TrimSuffix(half, "\n")},
	})
	if !strings.Contains(half, "\x1b[38;5;") || !strings.Contains(half, "▀") {
		t.Fatalf("half-block digit: %q", half)
	}
	t.Setenv(plot.DisplayEnv, "ascii")
	got, _ := s.Eval(context.Background(), `g`)
	if strings.ContainsRune(got, 0x1b) || !strings.Contains(got, "@") {
		t.Errorf("NNLAB_DISPLAY=ascii: %q", got)
	}
	t.Setenv(plot.DisplayEnv, "kitty")
	got, _ = s.Eval(context.Background(), `g`)
	if !strings.Contains(got, "\x1b_Ga=T,f=100,q=2") {
		t.Errorf("NNLAB_DISPLAY=kitty: %.80q", got)
	}
}

func TestAns(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `1 + 2`, out: "3"},
		{cell: `ans`, out: "3"},
		{cell: `ans.(int) * 2`, out: "6"},
		{cell: `ans`, out: "6"},
		{cell: `fmt.Sprint("s")`, out: `"s"`},
		{cell: `fmt.Println()`},           // a void call keeps ans
		{cell: `x := ans; x`, out: `"s"`}, // x := ans is an any
		{cell: `nn.FromRows([][]float32{{1, 2}})`, out: "Tensor(shape=[1,2], float32)\n[[1 2]]"},
		{cell: `ans.(*nn.Tensor).Shape()`, out: "[1 2]"},
		{cell: `func pair() (int, string) { return 1, "a" }`},
		{cell: `pair()`, out: `(1, "a")`},
		{cell: `len(ans.([]any))`, out: "2"},
		{cell: `func f() (int, error) { return 4, nil }`},
		{cell: `f()`, out: "4"},
		{cell: `ans`, out: "4"},
		{cell: `var e error`},
		{cell: `e`, out: "nil"},
		{cell: `ans == nil`, out: "true"},
		// Go cannot read _, so _ is not the last value: ans is.
		{cell: `y := _`, errSub: "cannot use _ as value"},
		// A user's own ans of another type is left alone.
		{cell: `ans := 10`},
		{cell: `"text"`, out: `"text"`},
		{cell: `ans`, out: "10"},
	})
}

func TestSemicolonHides(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `x := 5`},
		{cell: `x;`, out: ""},
		{cell: `x * 2;  // hidden`, out: ""},
		{cell: `ans`, out: "10"}, // hidden, but kept, as in MATLAB
		// Only the value that ends a cell is shown: one before another
		// statement is unused, as in Go.
		{cell: `x; x + 1`, errSub: "line 1:1: x (variable of type int) is not used"},
		{cell: `x + 1; y := 2; y * 3`, errSub: "line 1:1: x + 1 (value of type int) is not used"},
		{cell: `fmt.Sprint(x); ch := make(chan int, 1); ch <- 1; <-ch; x + 1`, out: "6"},
		{cell: `"a;"`, out: `"a;"`},
		{cell: `x // ;`, out: "5"},
		{cell: "x\n;", out: ""},
		{cell: `fmt.Println("shown");`},
	})
	if out.String() != "shown\n" {
		t.Errorf("a hidden cell's own printing: %q", out.String())
	}
	for src, want := range map[string]bool{
		"x;": true, "x": false, "x; ": true, "x;\n\n": true, "f(a, b);": true, "x; /* c */": true,
		"for {};": true, "x;y": false, "'a'": false, "\";\"": false, "": false, "// x;": false,
	} {
		if got := hidesOutput(src); got != want {
			t.Errorf("hidesOutput(%q) = %v, want %v", src, got, want)
		}
	}
}

// fakeModel and fakeHistory stand in for nn/model's types.
type fakeModel struct{}

func (*fakeModel) Summary() string  { return "Model: 3 layers\n" }
func (*fakeModel) String() string   { return "model" }
func (*fakeModel) Layers() []string { return nil }

type fakeHistory struct{ panics bool }

func (h *fakeHistory) Display(width int, caps plot.Caps) string {
	if h.panics {
		panic("broken")
	}
	return fmt.Sprintf("history width=%d utf8=%v color=%v\n", width, caps.UTF8, caps.Color())
}
func (*fakeHistory) String() string { return "history" }

func TestDisplayConvention(t *testing.T) {
	t.Setenv("COLUMNS", "")
	s, _, _ := newSession(t)
	err := s.in.Use(interp.Exports{"example.com/fake/fake": {
		"Model":         reflect.ValueOf(func() *fakeModel { return &fakeModel{} }),
		"History":       reflect.ValueOf(func() *fakeHistory { return &fakeHistory{} }),
		"BrokenHistory": reflect.ValueOf(func() *fakeHistory { return &fakeHistory{panics: true} }),
	}})
	if err != nil {
		t.Fatal(err)
	}
	runSteps(t, s, []step{
		{cell: `import "example.com/fake"`},
		{cell: `fake.Model()`, out: "Model: 3 layers"},
		{cell: `fake.History()`, out: "history width=80 utf8=false color=false"},
		{cell: `fake.BrokenHistory()`, out: "history"},
		{cell: `h := fake.History(); h;`, out: ""},
	})
	var _ plot.Displayer = (*fakeHistory)(nil)
}

// TestDigitShape checks which tensors are drawn as digits.
func TestDigitShape(t *testing.T) {
	d := digitData()
	for _, tc := range []struct {
		t    *nn.Tensor
		want bool
	}{
		{nn.NewTensor(d, 784), true},
		{nn.NewTensor(d, 1, 28, 28, 1), true},
		{nn.NewTensor(d, 28, 28), true},
		{nn.NewTensor(d, 7, 112), false},
		{nn.NewTensor(d, 2, 392), false},
		{nn.NewTensor(d[:783], 783), false},
	} {
		if _, _, got := digitShape(tc.t); got != tc.want {
			t.Errorf("digitShape(%v) = %v, want %v", tc.t.Shape(), got, tc.want)
		}
	}
}
