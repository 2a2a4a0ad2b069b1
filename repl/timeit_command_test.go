package repl

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// summaryRE matches the line :timeit prints.
var summaryRE = regexp.MustCompile(`^median \d+(\.\d+)? (ns|µs|ms|s), min \d+(\.\d+)? (ns|µs|ms|s), \d+ runs?$`)

func TestTimeit(t *testing.T) {
	tests := []struct {
		name    string
		input   string
		wantOut []string // lines of stdout; "SUMMARY" matches summaryRE
		wantErr string   // substring of stderr, "" for none
	}{
		{"statement", ":timeit x := 1 + 1\n", []string{"SUMMARY"}, ""},
		{"the statement's variables stay local", ":timeit x := 1 + 1\nx\n", []string{"SUMMARY"}, "undefined: x"},
		{"session values are used and changed", "n := 0\n:timeit n++\nn > 3\n", []string{"SUMMARY", "true"}, ""},
		{"a bare expression", ":timeit 3 + 4\n", []string{"SUMMARY"}, ""},
		{"an nn call", "a := nn.Const(nn.Zeros(4, 8))\nb := nn.Const(nn.Zeros(8, 2))\n:timeit nn.MatMul(a, b)\n", []string{"SUMMARY"}, ""},
		{"ans is kept", "40 + 2\n:timeit x := 1\nans\n", []string{"42", "SUMMARY", "42"}, ""},
		{"parse error", ":timeit y +\n", nil, "timeit: expected operand, found the end of the statement"},
		{"compile error", ":timeit undefinedThing()\n", nil, "timeit: undefined: undefinedThing"},
		{"panic", ":timeit panic(\"boom\")\n", nil, "timeit: panic: boom"},
		{"no statement", ":timeit\n", nil, "usage: :timeit STMT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newRuntimeHarness(t, tt.input)
			h.r.Run()
			lines := strings.Split(strings.TrimSuffix(h.out.String(), "\n"), "\n")
			if h.out.Len() == 0 {
				lines = nil
			}
			if len(lines) != len(tt.wantOut) {
				t.Fatalf("stdout = %q, want %d lines", h.out.String(), len(tt.wantOut))
			}
			for i, w := range tt.wantOut {
				if w == "SUMMARY" && !summaryRE.MatchString(lines[i]) || w != "SUMMARY" && lines[i] != w {
					t.Errorf("stdout line %d = %q, want %s", i+1, lines[i], w)
				}
			}
			if tt.wantErr == "" && h.err.Len() > 0 || !strings.Contains(h.err.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", h.err.String(), tt.wantErr)
			}
		})
	}
}

// TestTimeitRuns checks the run count: at least minRuns for a slow
// statement, at most maxRuns for a fast one.
func TestTimeitRuns(t *testing.T) {
	run := func(budget time.Duration, stmt string) string {
		h := newRuntimeHarness(t, ":timeit "+stmt+"\n")
		h.r.timeit = timeitLimits{budget: budget, minRuns: 3, maxRuns: 450}
		h.r.Run()
		if h.err.Len() > 0 {
			t.Fatalf("stderr: %s", h.err.String())
		}
		return strings.TrimSuffix(h.out.String(), "\n")
	}
	// A budget far beyond what 450 runs need, even on a loaded machine.
	if out := run(time.Minute, "x := 1"); !strings.HasSuffix(out, ", 450 runs") {
		t.Errorf("fast statement: %q, want 450 runs (the maximum)", out)
	}
	out := run(50*time.Millisecond, "for i := 0; i < 30000; i++ {}")
	m := regexp.MustCompile(`, (\d+) runs$`).FindStringSubmatch(out)
	if n := 0; m != nil {
		n, _ = strconv.Atoi(m[1])
		if n < 3 || n >= 450 {
			t.Errorf("slow statement: %q, want a few runs (at least 3) within the 50 ms budget", out)
		}
	} else {
		t.Errorf("slow statement: %q, want a few runs (at least 3) within the 50 ms budget", out)
	}
}

// TestTimeitInterrupt presses Ctrl-C during :timeit: the runs done so far
// are reported, the command counts as interrupted and the session goes on.
func TestTimeitInterrupt(t *testing.T) {
	h := newRuntimeHarness(t, "")
	h.r.timeit = timeitLimits{budget: time.Hour, minRuns: 3, maxRuns: 1000000}
	if ok, _ := h.r.execute("x := 1"); !ok {
		t.Fatal(h.err.String())
	}
	go func() {
		time.Sleep(500 * time.Millisecond)
		h.sig <- os.Interrupt
	}()
	done := make(chan bool)
	go func() {
		_, intr := h.r.execute(":timeit for i := 0; i < 3000; i++ { x++ }")
		done <- intr
	}()
	select {
	case intr := <-done:
		if !intr {
			t.Errorf("not reported as interrupted; stderr %q", h.err.String())
		}
	case <-time.After(time.Minute): // only against a hang
		t.Fatal(":timeit was not interrupted")
	}
	if out := h.out.String(); !strings.Contains(out, " before the interrupt\n") || !summaryRE.MatchString(strings.TrimSuffix(out, " before the interrupt\n")) {
		t.Errorf("stdout = %q, want the runs so far", out)
	}
	if got := h.err.String(); got != "interrupted\n" {
		t.Errorf("stderr = %q, want interrupted", got)
	}
	h.out.Reset()
	if ok, _ := h.r.execute("x > 1"); !ok || h.out.String() != "true\n" {
		t.Errorf("after the interrupt: x > 1 = %q (ok=%v)", h.out.String(), ok)
	}
}

func TestFormatNanos(t *testing.T) {
	for ns, want := range map[float64]string{
		0: "0.00 ns", 905: "905 ns", 999.4: "999 ns", 999.6: "1.00 µs", 12345: "12.3 µs",
		3.21e6: "3.21 ms", 1.5e9: "1.50 s", 125e9: "125 s",
	} {
		if got := formatNanos(ns); got != want {
			t.Errorf("formatNanos(%v) = %q, want %q", ns, got, want)
		}
	}
}

func TestTimeitSummary(t *testing.T) {
	runs := []time.Duration{4 * time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond, 10 * time.Millisecond}
	if got, want := timeitSummary(runs), "median 3.50 ms, min 2.00 ms, 4 runs"; got != want {
		t.Errorf("timeitSummary = %q, want %q", got, want)
	}
	if got, want := timeitSummary(runs[:1]), "median 4.00 ms, min 4.00 ms, 1 run"; got != want {
		t.Errorf("timeitSummary = %q, want %q", got, want)
	}
}
