package runtime

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuf is a goroutine-safe buffer for a session's output.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuf) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuf) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func newSession(t *testing.T) (*Session, *syncBuf, *syncBuf) {
	t.Helper()
	out, errb := &syncBuf{}, &syncBuf{}
	s, err := New(Options{Stdout: out, Stderr: errb})
	if err != nil {
		t.Fatal(err)
	}
	return s, out, errb
}

// step is one cell and what it must give: the displayed value, or an error
// containing errSub.
type step struct {
	cell, out, errSub string
}

func runSteps(t *testing.T, s *Session, steps []step) {
	t.Helper()
	for i, st := range steps {
		out, err := s.Eval(context.Background(), st.cell)
		if st.errSub != "" {
			if err == nil || !strings.Contains(err.Error(), st.errSub) {
				t.Fatalf("step %d %q: err = %v, want it to contain %q", i, st.cell, err, st.errSub)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("step %d %q: error is not one line: %q", i, st.cell, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d %q: unexpected error %v", i, st.cell, err)
		}
		if out != st.out {
			t.Fatalf("step %d %q: out = %q, want %q", i, st.cell, out, st.out)
		}
	}
}

func TestTraps(t *testing.T) {
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"mixed declarations and statements", []step{
			{cell: `import "fmt"; x := 1`},
			{cell: `x`, out: "1"},
			{cell: "import \"strings\"\nfunc up(s string) string { return strings.ToUpper(s) }\ny := up(\"a\")\ny", out: `"A"`},
		}},
		{"leading func literal is a statement, not main", []step{
			{cell: `n := 0`},
			{cell: `func() { n++ }()`},
			{cell: `n`, out: "1"},
			{cell: `n`, out: "1"},
		}},
		{"repeated and conflicting imports", []step{
			{cell: `import "fmt"`},
			{cell: `import "fmt"`},
			{cell: `import ("fmt"; "math")`},
			{cell: `math.Sqrt(4)`, out: "2"},
			{cell: `import "math/rand"`},
			{cell: `import "math/rand"`},
			{cell: `import rand "crypto/rand"`, errSub: `rand is already imported as "math/rand"`},
			{cell: `import "math/rand/v2"`, errSub: "already imported"},
			{cell: `import r2 "math/rand/v2"`},
			{cell: `r2.IntN(3) < 3`, out: "true"},
		}},
		{"redefining with := assigns in place", []step{
			{cell: `x := 1`},
			{cell: `func getx() int { return x }`},
			{cell: `x := 2`},
			{cell: `getx()`, out: "2"},
			{cell: `x, y := 3, 4`},
			{cell: `getx() + y`, out: "7"},
			{cell: `var x = 5`},
			{cell: `getx()`, out: "5"},
			{cell: `x := "s"`, errSub: "getx uses it"},
			{cell: `getx()`, out: "5"},
			{cell: `z := 1`},
			{cell: `z := "free to change type"`},
			{cell: `z`, out: `"free to change type"`},
		}},
		{"a failing cell changes nothing", []step{
			{cell: `w := nn.Scalar(1)`},
			{cell: `func getw() *nn.Tensor { return w }`},
			{cell: `w := nn.Scalar(2); bad := nope`, errSub: "line 1:27: undefined: nope"},
			{cell: `w`, out: "1"},
			{cell: `getw()`, out: "1"},
			{cell: `var lr float32 = 0.5`},
			{cell: `var lr float32 = "x"`, errSub: "cannot use \"x\""},
			{cell: `lr`, out: "0.5"},
			{cell: `func getlr() float32 { return lr }`},
			{cell: `var lr float32 = "x"`, errSub: "cannot use \"x\""},
			{cell: `lr = 0.25`},
			{cell: `getlr()`, out: "0.25"},
			{cell: "k := 1\nfunc f() int { return undefinedThing }", errSub: "line 2"},
		}},
		{"redefinitions are reported", []step{
			{cell: `func f() int { return 1 }`},
			{cell: `func g() int { return f() }`},
			{cell: `func f() int { return 1 }`},
			{cell: `type T struct{ A int }`},
			{cell: `func (t T) Get() int { return t.A }`},
			{cell: `type T struct{ A int }`},
			{cell: `func (t T) Get() int { return t.A }`},
			{cell: `type T struct{ B int }`, errSub: "cannot redefine a type"},
			{cell: `func (t T) Get() int { return 2 * t.A }`, errSub: "cannot replace a method"},
			{cell: `T{3}.Get()`, out: "3"},
		}},
		{"go 1.22 forms", []step{
			{cell: `s := 0; for i := range 4 { s += i }; s`, out: "6"},
			{cell: `n := 3; c := 0; for range n { c++ }; c`, out: "3"},
			{cell: `func count(k int) int { t := 0; for i := range k { t += i }; return t }`},
			{cell: `count(5)`, out: "10"},
			{cell: `min(3, 1, 2)`, out: "1"},
			{cell: `max(2, 2.5)`, out: "2.5"},
			{cell: `min("b", "a")`, out: `"a"`},
			{cell: `m := map[string]int{"a": 1}; clear(m); len(m)`, out: "0"},
			{cell: `sl := []int{1, 2}; clear(sl); sl`, out: "[0 0]"},
			{cell: `func seq(yield func(int) bool) { yield(1) }`},
			{cell: `got := 0; for x := range seq { got += x }; got`, out: "1"},
			{cell: `func firstOf(s func(func(int) bool)) int { for v := range s { return v }; return -1 }`, errSub: "cannot range over a function (an iterator) whose loop its body returns from the function"},
		}},
		{"multi-value := inside a top-level block", []step{
			{cell: `f := func() (int, int) { return 1, 2 }; n := 0`},
			{cell: "for i := 0; i < 3; i++ {\n\ta, b := f()\n\tn += a + b\n}"},
			{cell: "if n > 0 {\n\ta, b := f()\n\tn += a * b\n}"},
			{cell: `n`, out: "11"},
			{cell: "for i := 0; i < 1; i++ {\n\tnope()\n}", errSub: "line 2:2: undefined: nope"},
		}},
		{"display", []step{
			{cell: `n_train := 55000`},
			{cell: `n_train`, out: "55000"},
			{cell: `"hi"`, out: `"hi"`},
			{cell: `float32(0.1)`, out: "0.1"},
			{cell: `nn.Scalar(2)`, out: "2"},
			{cell: `fmt.Println("printed")`, out: ""},
			{cell: `func v() {}`},
			{cell: `v()`, out: ""},
			{cell: `func two() (int, string) { return 1, "a" }`},
			{cell: `two()`, out: `(1, "a")`},
			{cell: `x := 1`, out: ""},
			{cell: `var e error; e`, out: "nil"},
			{cell: "import \"os\"\nos.Remove(\"/nonexistent-nnlab-dir/x\") != nil", out: "true"},
			{cell: `os.Setenv("NNLAB_T", "1")`, out: ""},
		}},
		{"panics name the user's line", []step{
			{cell: "a := 1\nvar s []int\ns[a] = 2", errSub: "line 3: panic:"},
			{cell: `a`, out: "1"},
			{cell: "func bad(m map[int]int) {\n\tm[1] = 2\n}"},
			{cell: "\n\nbad(nil)", errSub: "line 3: panic: assignment to entry in nil map (in bad"},
			{cell: `nn.NewTensor([]float32{1}, 2)`, errSub: "line 1: NewTensor: 1 values do not fill shape [2]"},
			{cell: `panic("mine")`, errSub: "line 1: panic: mine"},
			{cell: "sl := []int{1}\nsl[5]", errSub: "line 2: panic: runtime error: index out of range [5] with length 1"},
			{cell: `a + 1`, out: "2"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _, _ := newSession(t)
			runSteps(t, s, tc.steps)
		})
	}
}

func TestRedefinedFuncWarns(t *testing.T) {
	s, _, errb := newSession(t)
	runSteps(t, s, []step{
		{cell: `func f() int { return 1 }`},
		{cell: `func g() int { return f() }`},
		{cell: `func f() int { return 2 }`},
		{cell: `f()`, out: "2"},
	})
	if !strings.Contains(errb.String(), "warning: f was redefined, but g still calls the old f") {
		t.Fatalf("no warning, stderr: %q", errb.String())
	}
}

func TestGoroutinePanicIsReported(t *testing.T) {
	s, _, errb := newSession(t)
	runSteps(t, s, []step{
		{cell: `ch := make(chan int, 3)`},
		{cell: `for i := 0; i < 3; i++ { go func(k int) { ch <- k }(i) }`},
		{cell: `<-ch + <-ch + <-ch`, out: "3"},
		// The goroutine panics only once the next cell runs, so that the
		// message names the cell of its go statement.
		{cell: "done, start := make(chan bool), make(chan bool)\nfunc boom(s, d chan bool) { defer close(d); <-s; panic(\"boom\") }"},
		{cell: "\ngo boom(start, done)"},
		{cell: `close(start); <-done`, out: "false"},
	})
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(errb.String(), "boom") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(errb.String(), "panic in a goroutine (go statement at cell 5, line 2): boom") {
		t.Fatalf("stderr = %q", errb.String())
	}
}

// TestGoroutinePanicSaidAsGo: a goroutine's panic is said as a cell's
// is: a value's Error method, Go's words for a failed type assertion
// (yaegi's kept its encoded position) and for an index out of range.
func TestGoroutinePanicSaidAsGo(t *testing.T) {
	s, _, errb := newSession(t)
	runSteps(t, s, []step{
		{cell: "type E struct{ c int }\nfunc (e E) Error() string { return fmt.Sprint(\"E\", e.c) }"},
		{cell: "var i any = 3; d := make(chan bool)"},
		{cell: "go func() { defer close(d); panic(E{1}) }(); <-d;"},
		{cell: "d = make(chan bool); go func() { defer close(d); _ = i.(string) }(); <-d;"},
		{cell: "d = make(chan bool); go func() { defer close(d); a := []int{}; _ = a[i.(int)] }(); <-d;"},
	})
	// The deferred close lets the cell end before the panic is reported,
	// which then names the cell ("cell 3, line 1") or not, as it falls.
	for _, want := range []string{
		"line 1): E1\n",
		"line 1): interface conversion: interface {} is int, not string\n",
		"line 1): runtime error: index out of range\n",
	} {
		deadline := time.Now().Add(2 * time.Second)
		for !strings.Contains(errb.String(), want) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
		}
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr = %q, want %q", errb.String(), want)
		}
	}
}

// A goroutine that panics after its cell ended, while no cell runs, names
// that cell: "line 1" alone would read as a line of whatever comes next.
func TestGoroutinePanicAfterItsCell(t *testing.T) {
	s, _, errb := newSession(t)
	runSteps(t, s, []step{
		{cell: `import "time"`},
		{cell: "x := 1\ngo func() { time.Sleep(20 * time.Millisecond); panic(\"late\") }()"},
	})
	deadline := time.Now().Add(2 * time.Second)
	for !strings.Contains(errb.String(), "late") && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if !strings.Contains(errb.String(), "panic in a goroutine (go statement at cell 2, line 2): late") {
		t.Fatalf("stderr = %q", errb.String())
	}
	runSteps(t, s, []step{{cell: `x`, out: "1"}})
}

func TestCancelStopsTheCell(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `cnt := 0`},
		{cell: `func spin() { for { cnt++ } }`},
	})
	for _, cell := range []string{`for { cnt++ }`, `spin()`, "x := 1\nfor {\n\tcnt++\n}"} {
		ctx, cancel := context.WithCancel(context.Background())
		var at time.Time
		go func() { time.Sleep(50 * time.Millisecond); at = time.Now(); cancel() }()
		_, err := s.Eval(ctx, cell)
		if !errors.Is(err, ErrInterrupted) {
			t.Fatalf("%q: err = %v, want ErrInterrupted", cell, err)
		}
		if d := time.Since(at); d > time.Second { // generous: CI runs packages in parallel
			t.Fatalf("%q: stopped %v after the cancel", cell, d)
		}
		a, _ := s.Eval(context.Background(), `cnt`)
		time.Sleep(20 * time.Millisecond)
		b, _ := s.Eval(context.Background(), `cnt`)
		if a != b || a == "0" {
			t.Fatalf("%q: the abandoned loop goes on: %s then %s", cell, a, b)
		}
	}
	runSteps(t, s, []step{{cell: `cnt > 0`, out: "true"}, {cell: `x`, out: "1"}})
}

func TestRunFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "script.go")
	src := `package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/nnlab/nnlab/nn"
)

var greeting = "hello"

func shout(s string) string { return strings.ToUpper(s) }

func main() {
	fmt.Println(shout(greeting), len(os.Args), nn.Scalar(1))
}
`
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errb := &syncBuf{}, &syncBuf{}
	s, err := New(Options{Stdout: out, Stderr: errb, Args: []string{"script", "a"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.RunFile(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); got != "HELLO 2 1\n" {
		t.Fatalf("stdout = %q", got)
	}
	runSteps(t, s, []step{
		{cell: `shout("x") + greeting`, out: `"Xhello"`},
		{cell: `strings.Repeat("a", 2)`, out: `"aa"`},
		{cell: `1`, out: "1"}, // main must not run again
	})
	if err := s.RunFile(context.Background(), path); err != nil {
		t.Fatalf("second run: %v", err)
	}
	if got := out.String(); got != "HELLO 2 1\nHELLO 2 1\n" {
		t.Fatalf("stdout = %q", got)
	}
	bad := filepath.Join(dir, "bad.go")
	os.WriteFile(bad, []byte("package main\n\nimport \"os\"\n\nfunc main() {\n\tos.Exit(3)\n}\n"), 0o644)
	var ee ExitError
	if err := s.RunFile(context.Background(), bad); !errors.As(err, &ee) || ee.Code != 3 {
		t.Fatalf("os.Exit(3): err = %v", err)
	}
}

func TestTinyGraph(t *testing.T) {
	s, out, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: `nn.Seed(1); nn.ResetDefaultGraph()`},
		{cell: "X := nn.Placeholder(nn.None, 2)\nW := nn.Variable(nn.Constant(0.5, []int{2, 1}))\nb := nn.Variable(nn.Constant(0.1, []int{1}))"},
		{cell: `y := nn.Add(nn.MatMul(X, W), b)`},
		{cell: `sess := nn.NewSession(); sess.Run(nn.GlobalVariablesInitializer(), nil)`},
		{cell: `r := sess.Run(y, nn.Feed{X: nn.FromRows([][]float32{{1, 1}})}); r.Data()[0]`, out: "1.1"},
		{cell: `for i := range 2 { fmt.Println("step", i) }`},
		{cell: `r.Shape()`, out: "[1 1]"},
	})
	if out.String() != "step 0\nstep 1\n" {
		t.Fatalf("stdout = %q", out.String())
	}
}

func TestNames(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "a := 1\nfunc f() {}\ntype T int\nconst c = 2"},
		{cell: `bad := nope`, errSub: "undefined"},
	})
	if got := strings.Join(s.Names(), ","); got != "T,a,c,f" {
		t.Fatalf("Names = %s", got)
	}
}

func TestComplete(t *testing.T) {
	s, _, _ := newSession(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "digit.png"), nil, 0o644)
	runSteps(t, s, []step{
		{cell: `sess := nn.NewSession()`},
		{cell: `my_value := 3`},
		{cell: `type P struct{ Alpha int }`},
		{cell: `p := &P{1}`},
	})
	for _, tc := range []struct {
		line string
		want string
		from int
	}{
		{"nn.Pla", "Placeholder", 3},
		{"x := nn.Place", "Placeholder", 8},
		{"sess.R", "Run", 5},
		{"my_v", "my_value", 0},
		{"fm", "fmt", 0},
		{"fo", "for", 0},
		{"mnist.Read", "ReadDataSets", 6},
		{"p.Al", "Alpha", 2},
		{`img := load("` + dir + "/di", dir + "/digit.png", 13},
	} {
		got, from := s.Complete(tc.line, len(tc.line))
		found := false
		for _, g := range got {
			found = found || g == tc.want
		}
		if !found || from != tc.from {
			t.Errorf("Complete(%q) = %v, %d; want %q at %d", tc.line, got, from, tc.want, tc.from)
		}
	}
}

func TestNeedsMore(t *testing.T) {
	for src, want := range map[string]bool{
		"x := 1":          false,
		"func f() {":      true,
		"a := []int{1,":   true,
		"fmt.Println(1,":  true,
		"x := 1 +":        true,
		"s := `raw":       true,
		"y := a.":         true,
		"x :=":            true,
		"if a &&":         true,
		"f(x)":            false,
		"}":               false,
		"s := \"closed\"": false,
		"for i := 0; i < 3; i++ {\n\tfmt.Println(i)\n}": false,
		"":    false,
		"x++": false,
	} {
		if got := NeedsMore(src); got != want {
			t.Errorf("NeedsMore(%q) = %v, want %v", src, got, want)
		}
	}
}
