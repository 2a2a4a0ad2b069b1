package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestTrustCombos types combinations of failures into the piped REPL: a
// failure beside a declaration, a defer, a goroutine, a redeclaration, a
// display, and after each an earlier value (x := 41) is probed and the next
// cell runs.
func TestTrustCombos(t *testing.T) {
	for _, tc := range []struct {
		name    string
		input   string
		wantOut string   // exact stdout
		wantErr []string // substrings of stderr, in order
	}{
		{
			name:    "a failing statement after a top-level defer in the same cell",
			input:   "x := 41\ndefer fmt.Println(\"deferred\"); y := 1; var m map[string]int; m[\"a\"] = 1; y = 2\nx\ny\n",
			wantOut: "deferred\n41\n1\n",
			wantErr: []string{"line 2: panic: assignment to entry in nil map"},
		},
		{
			name:    "a type error in a closure beside a func and a type",
			input:   "x := 41\nfunc f() int { return 1 }; type T struct{ A int }; g := func() int { return \"s\" }\nx\nf()\nT{}\n",
			wantOut: "41\n",
			wantErr: []string{"line 2:77: cannot use \"s\"", "line 4:1: undefined: f", "line 5:1: undefined: T"},
		},
		{
			// The redeclaration ran, so x is the string; the check agrees.
			name:    "a panic after a redeclaration with a new type",
			input:   "x := 41\nx := \"s\"; var m map[string]int; m[\"a\"] = 1; x = \"t\"\nx + \"!\"\nlen(x)\n",
			wantOut: "\"s!\"\n1\n",
			wantErr: []string{"line 2: panic: assignment to entry in nil map"},
		},
		{
			name:    ":reset, then the same names with other types",
			input:   "x := 41\na := 1\n:reset\nx\nx := \"new\"\na := []int{2}\nx\na\n",
			wantOut: "new session\n\"new\"\n[2]\n",
			wantErr: []string{"line 4:1: undefined: x"},
		},
		{
			name:    "a redefinition with a type error leaves the old func and its caller",
			input:   "x := 41\nfunc f() int { return 1 }\nfunc g() int { return f() + 10 }\nfunc f() int { return \"bad\" }\nf()\ng()\nx\n",
			wantOut: "1\n11\n41\n",
			wantErr: []string{"line 4:23: cannot use \"bad\""},
		},
		{
			name:    "a method on an earlier type, then a failing cell that redefines the type",
			input:   "x := 41\ntype P struct{ A int }\nfunc (p P) Get() int { return p.A }\np := P{3}\ntype P struct{ B string }; q := nosuch\np.Get()\nP{A: 5}.Get()\nx\n",
			wantOut: "3\n5\n41\n",
			wantErr: []string{"line 5:33: undefined: nosuch"},
		},
		{
			name:    "a panicking goroutine beside a compile error runs nothing",
			input:   "x := 41\ngo func() { panic(\"x\") }(); z := nosuch\nz\nx\n",
			wantOut: "41\n",
			wantErr: []string{"line 2:34: undefined: nosuch", "line 3:1: undefined: z"},
		},
		{
			name:    "display in a cell that fails to compile shows nothing",
			input:   "x := 41\ndisplay(x); w := nosuch\nx\n",
			wantOut: "41\n",
			wantErr: []string{"line 2:18: undefined: nosuch"},
		},
		{
			name:    "display in a cell that fails at run time shows its value",
			input:   "x := 41\ndisplay(x); var m map[int]int; m[1] = 2\nx + 1\n",
			wantOut: "41\n42\n",
			wantErr: []string{"line 2: panic: assignment to entry in nil map"},
		},
		{
			// yaegi hands compiled code such a value in a wrapper that
			// printed as interp.valueInterface{}.
			name:    "a value of a type with methods is displayed by its fields",
			input:   "x := 41\ntype P struct{ A int }\nfunc (p P) Get() int { return p.A }\nq := P{4}\nq\ndisplay(q)\n&q\nq, x\n",
			wantOut: "{A: 4}\n{A: 4}\n&{A: 4}\n({A: 4}, 41)\n",
		},
		{
			name:    "two names, one undefined",
			input:   "x := 41\nx, y := 1, nosuch\nx\ny\n",
			wantOut: "41\n",
			wantErr: []string{"line 2:12: undefined: nosuch", "line 4:1: undefined: y"},
		},
		{
			name:    "cells ending in a comment, and a comment alone",
			input:   "x := 41\nv := 5 // a comment\nv\n// just a comment\nx\n",
			wantOut: "5\n41\n",
		},
		{
			name: "generic calls at top level and the generic packages",
			input: "import \"slices\"\nimport \"maps\"\nimport \"cmp\"\nx := 41\nv := min(3, 4)\nxs := []int{1, 5, 2}\ns := slices.Max(xs)\n" +
				"m := maps.Clone(map[string]int{\"a\": 1})\nslices.Sort(xs)\nv, s, m, xs, slices.Contains(xs, 5), cmp.Compare(1, 2)\nx\n",
			wantOut: "(3, 5, map[a:1], [1 2 5], true, -1)\n41\n",
		},
		{
			name:    "a method with unnamed parameters on an earlier type",
			input:   "x := 41\ntype Q int\nfunc (Q) M(int, ...string) int { return 7 }\nQ(1).M(2, \"a\")\nx\n",
			wantOut: "7\n41\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, _ := runPiped(t, tc.input)
			if out != tc.wantOut {
				t.Errorf("stdout = %q, want %q (stderr %q)", out, tc.wantOut, errOut)
			}
			checkInOrder(t, errOut, tc.wantErr)
			for _, bad := range []string{"CFG", "reflect", "type checker failed", "16000001"} {
				if strings.Contains(errOut, bad) {
					t.Errorf("stderr %q contains %q", errOut, bad)
				}
			}
		})
	}
}

// TestTrustCombosSave types all the combinations above into one session,
// saves it, and runs the saved program: it must run and print what the
// session printed for the cells it kept.
func TestTrustCombosSave(t *testing.T) {
	dir := t.TempDir()
	saved := filepath.Join(dir, "saved.go")
	input := strings.Join([]string{
		"x := 41",
		"defer fmt.Println(\"deferred\"); y := 1; var m map[string]int; m[\"a\"] = 1; y = 2",
		"func f() int { return 1 }; type T struct{ A int }; g := func() int { return \"s\" }",
		"x := \"s\"; var m2 map[string]int; m2[\"a\"] = 1; x = \"t\"",
		"x + \"!\"",
		"func f() int { return 1 }",
		"func g() int { return f() + 10 }",
		"func f() int { return \"bad\" }",
		"g()",
		"type P struct{ A int }",
		"func (p P) Get() int { return p.A }",
		"p := P{3}",
		"type P struct{ B string }; q := nosuch",
		"p.Get()",
		"go func() { panic(\"x\") }(); z := nosuch",
		"display(p); var m3 map[int]int; m3[1] = 2",
		"k, y := 1, nosuch",
		"v := 5 // a comment",
		"v",
		"// just a comment",
		"total := 0",
		"for i := 0; i < 3; i++ { total += i }",
		"total",
		":save " + saved,
	}, "\n") + "\n"
	out, errOut, _ := runPiped(t, input)
	if want := "deferred\n\"s!\"\n11\n3\n{A: 3}\n5\n3\nsaved 18 of 23 cells to " + saved + "\n"; out != want {
		t.Errorf("session printed %q, want %q (stderr %q)", out, want, errOut)
	}
	if !strings.Contains(out, "saved ") {
		t.Fatalf(":save did not save: stdout %q, stderr %q", out, errOut)
	}
	if _, err := os.Stat(saved); err != nil {
		t.Fatal(err)
	}
	got, errRun, status := runPiped(t, "", saved)
	if status != 0 {
		src, _ := os.ReadFile(saved)
		t.Fatalf("nnlab saved.go: status %d, stderr %q\n%s", status, errRun, src)
	}
	// What the session printed, in order: the defer at the end of its
	// cell (kept with y := 1 from the cell that failed there), x + "!"
	// after the redeclaration that ran before a panic, g(), p.Get(),
	// display(p) from a cell that failed after it, v, total; the 5 cells
	// that failed to compile are left out.
	if want := "deferred\n\"s!\"\n11\n3\n{A: 3}\n5\n3\n"; got != want {
		src, _ := os.ReadFile(saved)
		t.Errorf("saved program printed %q, want %q\n%s", got, want, src)
	}
}

// TestTerminalCombos types the key combinations at a pseudo-terminal: a
// Ctrl-C of a sleeping cell after a redeclaration keeps the statement that
// ran, a defer before a panic runs once, and a compile error beside a
// goroutine runs nothing.
func TestTerminalCombos(t *testing.T) {
	env, _ := testEnv(t)
	tm := startTerm(t, env)
	tm.cell("x := 41")
	tm.cell(`import "time"`)
	tm.send("x := \"s\"; time.Sleep(time.Hour); x = \"t\"\r")
	time.Sleep(300 * time.Millisecond) // the cell sleeps by now
	start := time.Now()
	tm.send("\x03")
	tm.expect("interrupted")
	tm.expect(">>> ")
	t.Logf("Ctrl-C to prompt: %v", time.Since(start))
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the prompt came back %v after Ctrl-C, want well under a second", d)
	}
	// The redeclaration ran; the assignment after the sleep did not.
	tm.send("x + \"!\"\r")
	tm.expect(`"s!"`)
	tm.expect(">>> ")
	tm.send("defer fmt.Println(\"deferred\"); var m map[string]int; m[\"a\"] = 1\r")
	tm.expect("deferred")
	tm.expect("panic: assignment to entry in nil map")
	tm.expect(">>> ")
	tm.send("go func() { panic(\"boom\") }(); z := nosuch\r")
	tm.expect("undefined: nosuch")
	tm.expect(">>> ")
	tm.send("len(x)\r")
	tm.expect("\n1\n>>> ")
	// Not :save here: after a cell left behind, :save then Ctrl-D can hang
	// in readline's Close (seen 1 run in 2; see the report of issue 17).
	tm.exit()
	tm.out.mu.Lock()
	screen := stripANSI(string(tm.out.buf))
	tm.out.mu.Unlock()
	if s := screen; strings.Contains(s, "panic in a goroutine") || strings.Count(s, "\ndeferred\n") != 1 {
		t.Errorf("the goroutine ran or the defer ran other than once:\n%s", s)
	}
}
