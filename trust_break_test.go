package main

import (
	"strings"
	"testing"
)

// TestTrustBreaks types into the piped REPL the inputs an outside reviewer
// found breaking the session's promises (#10, #11, #12, #17), and checks
// after each that an earlier value (x := 41) survived and the next cell ran.
func TestTrustBreaks(t *testing.T) {
	for _, tc := range []struct {
		name    string
		input   string
		wantOut string   // exact stdout
		wantErr []string // substrings of stderr, in order
	}{
		{
			// yaegi runs a function called main after every program, so
			// it ran at once and again after every later cell.
			name:    "func main typed in a cell runs only when called",
			input:   "x := 41\nfunc main() { fmt.Println(\"main ran\", x) }\nx\nmain()\nx = 42\nfunc g() { main() }\ng()\ntype S struct{ main int }\nS{main: 3}.main\n:vars\n",
			wantOut: "41\nmain ran 41\nmain ran 42\n3\nS     type\ng     func()\nmain  func()\nx     int     42\n",
		},
		{
			// It kept the REPL reading, so every later cell was swallowed.
			name:    "an unclosed string is one failed cell, not a cell that never ends",
			input:   "x := 41\ns := \"abc\nf(\"abc\nx\n",
			wantOut: "41\n",
			wantErr: []string{"line 2:6: string literal not terminated", "line 3:3: string literal not terminated"},
		},
		{
			name:    "a call of a nil func says it as Go, without reflect",
			input:   "x := 41\nvar f func()\nf()\nx\n",
			wantOut: "41\n",
			wantErr: []string{"line 3: panic: runtime error: invalid memory address or nil pointer dereference (a call of a nil func)"},
		},
		{
			// yaegi's own error kept its encoded position (6000001:16:),
			// and a method call on a nil interface said reflect's words.
			name:    "a failed type assertion and a nil interface's method say it as Go",
			input:   "x := 41\nvar i any = \"s\"\nn := i.(int)\nvar e error\ne.Error()\ndefer func() { r := recover(); _, ok := r.(error); fmt.Println(r, ok) }(); _ = i.(float64)\nx\n",
			wantOut: "interface conversion: interface {} is string, not float64 true\n41\n",
			wantErr: []string{"line 3: panic: interface conversion: interface {} is string, not int\n", "line 5: panic: runtime error: invalid memory address or nil pointer dereference\n"},
		},
		{
			// yaegi hands over the bare struct: it printed {2}.
			name:    "a panic with an error or Stringer of the user's type says what its method says",
			input:   "x := 41\ntype E struct{ c int }\nfunc (e E) Error() string { return fmt.Sprint(\"E\", e.c) }\ntype Q struct{ c, d int }\nfunc (q *Q) String() string { return \"Q!\" }\npanic(E{2})\nfunc f() { panic(&E{3}) }\nf()\npanic(&Q{})\nx\n",
			wantOut: "41\n",
			wantErr: []string{"line 6: panic: E2\n", "line 8: panic: E3 (in f, cell 7, line 1)\n", "line 9: panic: Q!\n"},
		},
		{
			name:    "a panic in the user's main names main",
			input:   "x := 41\nfunc main() { var m map[int]int; m[1] = 2 }\nmain()\nx\n",
			wantOut: "41\n",
			wantErr: []string{"line 3: panic: assignment to entry in nil map (in main, cell 2, line 1)"},
		},
		{
			// yaegi exports every field of an interpreted struct as
			// "X"+name, and reflect knows only the underlying type.
			name:    "unexported fields and user types show as typed",
			input:   "x := 41\ntype P struct{ a int; B string; XY int }\np := &P{a: 2, B: \"t\"}\np\ntype T int\nv := T(3)\ntype R struct{ n int; next *R }\nr := &R{n: 1}\nr\n:vars\nx\n",
			wantOut: "&{a: 2, B: \"t\", XY: 0}\n&{n: 1, next: <nil>}\nP  type\nR  type\nT  type\np  *P    &{a: 2, B: \"t\", XY: 0}\nr  *R    &{n: 1, next: <nil>}\nv  T     3\nx  int   41\n41\n",
		},
		{
			// It failed in the interpreter, said "nothing was changed",
			// and left x at the zero of the new type.
			name:    "one name given two types in one cell is refused before it runs",
			input:   "x := 41\nx := \"a\"; type Q int; x := 2\nx\nQ(1)\nx := \"a\"; type Q int; x := \"b\"\nx\n",
			wantOut: "41\n\"b\"\n",
			wantErr: []string{"line 2:23: x is declared again in this cell with another type (string at line 1, now int)", "line 4:1: undefined: Q"},
		},
		{
			// The panic was swallowed and the value shown as if it had
			// no String method.
			name:    "a String method that panics is shown as fmt shows it",
			input:   "x := 41\ntype T int\nfunc (t T) String() string { panic(\"bad\") }\nv := T(2)\nv\nv, x\nx\n",
			wantOut: "%!v(PANIC=String method: bad)\n(%!v(PANIC=String method: bad), 41)\n41\n",
		},
		{
			// A declared func was shown as yaegi's &interp.node{}, a
			// func variable as an address.
			name:    "a func is shown by its signature",
			input:   "x := 41\nfunc foo(a int) string { return \"\" }\nfoo\nf := func() {}\nf\nvar nf func()\nnf\nx\n",
			wantOut: "func(int) string\nfunc()\nnil\n41\n",
		},
		{
			// yaegi's "CFG post-order panic" reached the user.
			name:    "a label named like a variable gets a message without yaegi's internals",
			input:   "x := 41\nx:\nx++\nx\n",
			wantOut: "41\n",
			wantErr: []string{"line 2: the interpreter under nnlab cannot compile a label named like the variable x: rename the label"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, _ := runPiped(t, tc.input)
			if out != tc.wantOut {
				t.Errorf("stdout = %q, want %q (stderr %q)", out, tc.wantOut, errOut)
			}
			checkInOrder(t, errOut, tc.wantErr)
			for _, bad := range []string{"CFG", "reflect", "__nnlab", "16000001"} {
				if strings.Contains(errOut, bad) {
					t.Errorf("stderr %q contains %q", errOut, bad)
				}
			}
		})
	}
}

// TestTrustBreakScriptHint: a script's undefined name got the notebook
// advice to declare it "in an earlier cell", which a script does not have.
func TestTrustBreakScriptHint(t *testing.T) {
	path := writeFile(t, "bad.go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\ty := nosuch\n\tfmt.Println(y)\n}\n")
	_, errOut, status := runPiped(t, "", path)
	if status == 0 || !strings.Contains(errOut, "bad.go:6:7: undefined: nosuch") || strings.Contains(errOut, "earlier cell") {
		t.Errorf("status %d, stderr %q: want the undefined name and no advice about cells", status, errOut)
	}
}

// TestTrustBreakRunTwice: the second :run of a script named the first
// statement of main as the line of its panic.
func TestTrustBreakRunTwice(t *testing.T) {
	path := writeFile(t, "rt.go", "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"in main\")\n\tvar m map[int]int\n\tm[1] = 2\n}\n")
	out, errOut, _ := runPiped(t, "x := 41\n:run "+path+"\n:run "+path+"\nx\n")
	if out != "in main\nin main\n41\n" {
		t.Errorf("stdout = %q", out)
	}
	want := "rt.go:8: panic: assignment to entry in nil map"
	if n := strings.Count(errOut, want); n != 2 {
		t.Errorf("stderr %q: want %q twice", errOut, want)
	}
}
