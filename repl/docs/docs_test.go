package docs

import (
	"strings"
	"testing"
)

func TestPackages(t *testing.T) {
	got := strings.Join(Packages(), " ")
	for _, p := range []string{
		"github.com/nnlab/nnlab/nn", "github.com/nnlab/nnlab/nn/mnist", "github.com/nnlab/nnlab/nn/model",
		"github.com/nnlab/nnlab/nn/plot", "fmt", "strings", "math", "math/rand/v2", "time", "image/png",
	} {
		if !strings.Contains(" "+got+" ", " "+p+" ") {
			t.Errorf("%s is not documented (have %s)", p, got)
		}
	}
	if !strings.HasPrefix(got, "github.com/nnlab/nnlab/") {
		t.Errorf("nnlab's packages are not first: %s", got)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name string
		want []string // substrings in order; nil: not found
	}{
		{"nn.MatMul", []string{"func MatMul(a, b *Node) *Node\n    MatMul multiplies"}},
		{"*nn.Session", []string{"type Session struct", "Methods:"}},
		{"nn.Session.Run", []string{"func (s *Session) Run("}},
		{"github.com/nnlab/nnlab/nn.MatMul", []string{"func MatMul("}},
		{"math/rand/v2", []string{"package rand // import \"math/rand/v2\"", "IntN"}},
		{"math/rand/v2.IntN", []string{"func IntN(n int) int"}},
		{"fmt.Println()", []string{"func Println("}},
		{"time.Nanosecond", []string{"Nanosecond  Duration = 1", "Common durations."}},
		{"math.Pi", []string{"const Pi = 3.14159"}},
		{"os.O_RDONLY", []string{"O_RDONLY int = syscall.O_RDONLY"}},
		{"io.Reader", []string{"type Reader interface", "Methods:\nfunc (Reader) Read("}},
		{"nn.NoSuch", nil},
		{"nosuch", nil},
		{"nosuch/path.X", nil},
		{"", nil},
	}
	for _, tt := range tests {
		got, ok := Lookup(tt.name)
		if ok != (tt.want != nil) {
			t.Errorf("Lookup(%q) ok = %v:\n%s", tt.name, ok, got)
			continue
		}
		rest := got
		for _, w := range tt.want {
			i := strings.Index(rest, w)
			if i < 0 {
				t.Errorf("Lookup(%q) lacks %q in:\n%s", tt.name, w, got)
				break
			}
			rest = rest[i+len(w):]
		}
	}
}

func TestLongDocIsShortened(t *testing.T) {
	got, _ := Lookup("fmt")
	if !strings.Contains(got, "[... the rest: go doc fmt]") {
		t.Errorf("fmt's long package comment is not shortened:\n%s", got)
	}
}

func TestForTypeAndMethod(t *testing.T) {
	for _, typ := range []string{"*nn.Session", "[]*nn.Session", "map[string]*nn.Session", "[3]nn.Session", "chan *nn.Session"} {
		if got, ok := ForType(typ); !ok || !strings.Contains(got, "type Session struct") {
			t.Errorf("ForType(%q) = %v:\n%s", typ, ok, got)
		}
	}
	for _, typ := range []string{"int", "func()", "struct { A int }", "main.T", "map[nn.Feed]"} {
		if got, ok := ForType(typ); ok {
			t.Errorf("ForType(%q) found:\n%s", typ, got)
		}
	}
	if got, ok := Method("*nn.Session", "Run"); !ok || !strings.Contains(got, "func (s *Session) Run(") {
		t.Errorf("Method(*nn.Session, Run) = %v:\n%s", ok, got)
	}
	if _, ok := Method("*nn.Session", "NoSuch"); ok {
		t.Error("Method(*nn.Session, NoSuch) found something")
	}
}

func TestApropos(t *testing.T) {
	ms := Apropos("DROPOUT")
	if len(ms) == 0 || ms[0].Name != "nn.Dropout" || !strings.HasPrefix(ms[0].Synopsis, "Dropout zeroes each element") {
		t.Fatalf("Apropos(DROPOUT) = %+v, want nn.Dropout first", ms)
	}
	seen := map[string]bool{}
	for _, m := range Apropos("intn") {
		seen[m.Name] = true
	}
	for _, want := range []string{"math/rand.Intn", "math/rand/v2.IntN", "math/rand.Rand.Intn"} {
		if !seen[want] {
			t.Errorf("Apropos(intn) lacks %s: %v", want, seen)
		}
	}
	if ms := Apropos(" "); ms != nil {
		t.Errorf("Apropos of nothing = %v", ms)
	}
}

func TestSynopsis(t *testing.T) {
	for text, want := range map[string]string{
		"":                            "",
		"Add adds. It is simple.":     "Add adds.",
		"Open opens\nthe file. More.": "Open opens the file.",
		"Uses J. Doe's method. Fast.": "Uses J. Doe's method.",
		"No period\n\nSecond para.":   "No period",
		"Ends with e.g.x fine. Next.": "Ends with e.g.x fine.",
		"Pi is 3.14 exactly. Really.": "Pi is 3.14 exactly.",
	} {
		if got := synopsis(text); got != want {
			t.Errorf("synopsis(%q) = %q, want %q", text, got, want)
		}
	}
}
