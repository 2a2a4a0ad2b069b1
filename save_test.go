package main

import (
	"go/format"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestSave types cells into nnlab through a pipe, saves them with :save,
// and runs the saved program with nnlab: it must be gofmt-clean and print
// what the session computed.
func TestSave(t *testing.T) {
	script := writeFile(t, "env.go", `package main

import (
	"fmt"
	"os"
)

func main() {
	// %% 1
	home := os.Getenv("NNLAB_SAVE_TEST")
	// %% 2
	fmt.Println("home", home)
}
`)
	loaded := writeFile(t, "shout.go", "package main\n\nimport (\n\t\"fmt\"\n\t\"strings\"\n)\n\nfunc shout(s string) string { return strings.ToUpper(s) }\n\nfunc main() {\n\tfmt.Println(shout(\"hi\"))\n}\n")
	tests := []struct {
		name    string
		cells   string // :save FILE is appended
		want    string // the saved program's output
		lacks   string // text the saved file must not contain
		wantErr string // what :save says on stderr
	}{
		{"a for header stays whole", "total := 0\nfor i := 0; i < 3; i++ { total += i }\ntotal\n", "3\n", "", ""},
		{"a global a function uses", "y := 10\nfunc addY(a int) int { return a + y }\naddY(1)\n", "11\n", "", ""},
		{"a global declared by var", "var lr float32 = 0.5\nfunc half() float32 { return lr / 2 }\nhalf()\n", "0.25\n", "", ""},
		{"failed cells left out", "x := nosuch\nx\nk := 1\nk\n", "1\n", "nosuch", ""},
		{"a display of a failed declaration", "var z = undefinedThing\nz\nz2 := 2\nz2\n", "2\n", "undefinedThing", ""},
		{"nothing before :reset", "a := 5\na\n:reset\nb := 2\nb\n", "2\n", "a := 5", ""},
		{"a shown call is printed", "import \"strings\"\ns := \"ab\"\nstrings.Repeat(s, 2)\n", "\"abab\"\n", "", ""},
		{"a hidden value is not", "s := \"ab\"\ns;\ns + \"c\"\n", "\"abc\"\n", "", ""},
		{"a comma list", "n := 7\nlen(\"abc\"), n\n", "3 7\n", "", ""},
		{"imports of :run", ":run " + script + "\n", "home here\n", "", ""},
		{"a script :load ran", ":load " + loaded + "\nshout(\"x\")\n", "HI\n\"X\"\n", "", ""},
		{"a global of the user's type", "type P struct{ Name string }\nfunc (p P) Hello() string { return \"hi \" + p.Name }\np := P{\"ann\"}\nfunc greet() string { return p.Hello() + \"!\" }\ngreet()\n", "\"hi ann!\"\n", "", ""},
		{"a failure beside a declaration", "k := 1; bad := nosuch\nj := 2\nj\n", "2\n", "nosuch", ""},
		{"display", "w := 3\ndisplay(w)\n", "3\n", "", ""},
		{"a cell that recovered its panic keeps what ran", "x := 1\ndefer func() { recover() }(); x = 2; panic(\"boom\"); x = 3\nx\n", "2\n", "panic(", ""},
		{"a loop that panicked partway keeps what it did", partialPanics, partialPanicsOut, "", ""},
		{"a failed declaration keeps what its call did", "d := 0\nfunc f() (int, int) { d++; panic(1) }\na, b := f()\nvar q = []int{1}\nw := q[d+3]\nd\n", "1\n", "q[d+3]", ""},
		{"two statements in a cell, one redeclared", "c := 1; c := 2; d := c\nd\n", "2\n", "", ""},
		{"a function redefined", "func f() int { return 1 }\nfunc f() int { return 2 }\nf()\n", "2\n", "return 1", ""},
		{"what a program lacks is said", "5\nans\n", "5\n", "", "left out cell 2 (ans): undefined: ans"},
		{"users of a cell left out are left out", "5\nv := ans\nv\nw := 1\nw\n", "5\n1\n", "v :=", "left out cell 3 (v): uses v, which a cell left out declared"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			saved := filepath.Join(t.TempDir(), "saved session.go")
			_, errOut, _ := runPiped(t, tt.cells+":save \""+saved+"\"\n")
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf(":save stderr = %q, want %q", errOut, tt.wantErr)
			}
			src, err := os.ReadFile(saved)
			if err != nil {
				t.Fatalf("no saved file (stderr %q): %v", errOut, err)
			}
			if f, err := format.Source(src); err != nil || string(f) != string(src) {
				t.Errorf("saved file is not gofmt-clean (%v):\n%s", err, src)
			}
			if tt.lacks != "" && strings.Contains(string(src), tt.lacks) {
				t.Errorf("saved file contains %q:\n%s", tt.lacks, src)
			}
			cmd := exec.Command(nnlabBin, saved)
			cmd.Env, _ = testEnv(t)
			cmd.Env = append(cmd.Env, "NNLAB_SAVE_TEST=here")
			out, err := cmd.CombinedOutput()
			if err != nil || string(out) != tt.want {
				t.Errorf("running the saved file: %v, output %q, want %q\n%s", err, out, tt.want, src)
			}
		})
	}
}

// partialPanics are cells whose statements panic after doing part of
// their work, which the session keeps; partialPanicsOut is what the
// session and the saved program print.
const (
	partialPanics = "x := 0\nm := map[string]int{}\n" +
		"for i := 0; i < 5; i++ { x += i; if i == 2 { panic(\"boom\") } }\n" +
		"y := 1; for _, k := range []string{\"a\", \"b\"} { m[k] = y; y++; var a []int; _ = a[y] }; y = 100\n" +
		"fmt.Println(x, m, y)\n"
	partialPanicsOut = "3 map[a:1] 2\n"
)

// TestSavePanicGoRun: a program saved from cells that panicked partway
// prints with go run what the session printed.
func TestSavePanicGoRun(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil || testing.Short() {
		t.Skip("needs the go command")
	}
	saved := filepath.Join(t.TempDir(), "saved.go")
	out, errOut, _ := runPiped(t, partialPanics+":save "+saved+"\n")
	if !strings.HasPrefix(out, partialPanicsOut) {
		t.Fatalf("session printed %q, want %q (stderr %q)", out, partialPanicsOut, errOut)
	}
	cmd := exec.Command(goBin, "run", saved)
	cmd.Dir = t.TempDir()
	got, err := cmd.CombinedOutput()
	if err != nil || string(got) != partialPanicsOut {
		src, _ := os.ReadFile(saved)
		t.Errorf("go run: %v, output %q, want %q\n%s", err, got, partialPanicsOut, src)
	}
}

// TestSaveTutorial types examples/tutorial.go's cells one line at a time
// (fewer training steps), saves the session, and runs the saved program:
// it prints the same test accuracy and prediction.
func TestSaveTutorial(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	b, err := os.ReadFile("examples/tutorial.go")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	body := src[strings.Index(src, "func main() {")+len("func main() {\n") : strings.LastIndex(src, "}")]
	var cells strings.Builder
	cells.WriteString("import \"os\"\n")
	for _, l := range strings.Split(body, "\n") {
		cells.WriteString(strings.TrimPrefix(l, "\t") + "\n")
	}
	wd, _ := os.Getwd()
	in := strings.NewReplacer("n_iterations := 1000", "n_iterations := 30",
		`"examples/images/two.png"`, `"`+filepath.Join(wd, "examples/images/two.png")+`"`).Replace(cells.String())
	if !strings.Contains(in, "n_iterations := 30") {
		t.Fatal("examples/tutorial.go no longer sets n_iterations := 1000")
	}
	saved := filepath.Join(t.TempDir(), "tutorial_saved.go")
	out, errOut, status := runPiped(t, in+"test_accuracy\n:save "+saved+"\n")
	if status != 0 || strings.Contains(errOut, "left out") {
		t.Fatalf("session: status %d, stderr %q", status, errOut)
	}
	results := regexp.MustCompile(`(?m)^(Accuracy on test set|Prediction for test image): .*$`)
	want := results.FindAllString(out, -1)
	if len(want) != 2 {
		t.Fatalf("the session printed no accuracy and prediction: %q", out)
	}
	cmd := exec.Command(nnlabBin, saved)
	cmd.Env, _ = testEnv(t)
	got, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("running the saved file: %v\n%s", err, got)
	}
	if g := results.FindAllString(string(got), -1); strings.Join(g, "\n") != strings.Join(want, "\n") {
		t.Errorf("saved program printed %q, the session %q", g, want)
	}
	t.Logf("session and saved program: %q", want)
}
