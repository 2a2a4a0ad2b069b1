package repl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"
)

// fakeSession is a tiny stand-in interpreter:
//
//	name := N / name = N   defines or sets an int variable
//	name                   displays its value (error if undefined)
//	print TEXT             writes TEXT and a newline to stdout
//	block                  runs until cancelled
//	anything with braces   is accepted and recorded
type fakeSession struct {
	stdout io.Writer
	vars   map[string]int
	cells  []string
	files  []string
	// blocked receives a value when a "block" cell starts.
	blocked chan struct{}
}

func newFake(stdout io.Writer) *fakeSession {
	return &fakeSession{stdout: stdout, vars: map[string]int{}, blocked: make(chan struct{}, 1)}
}

func (f *fakeSession) Eval(ctx context.Context, src string) (string, error) {
	f.cells = append(f.cells, src)
	src = strings.TrimSpace(src)
	switch {
	case src == "block":
		f.blocked <- struct{}{}
		<-ctx.Done()
		return "", ctx.Err()
	case strings.Contains(src, "boom"):
		return "", errors.New("line 2:3: boom")
	case strings.HasPrefix(src, "print "):
		fmt.Fprintln(f.stdout, strings.TrimPrefix(src, "print "))
		return "", nil
	case strings.Contains(src, "{"):
		return "", nil
	}
	for _, op := range []string{":=", "="} {
		if name, val, ok := strings.Cut(src, op); ok {
			n, err := strconv.Atoi(strings.TrimSpace(val))
			if err != nil {
				return "", fmt.Errorf("1:1: bad value %q", strings.TrimSpace(val))
			}
			f.vars[strings.TrimSpace(name)] = n
			return "", nil
		}
	}
	if v, ok := f.vars[src]; ok {
		return strconv.Itoa(v), nil
	}
	return "", fmt.Errorf("1:1: undefined: %s", src)
}

func (f *fakeSession) RunFile(ctx context.Context, path string) error {
	f.files = append(f.files, path)
	if _, err := os.Stat(path); err != nil {
		return err
	}
	f.vars["loaded"] = 1
	return nil
}

func (f *fakeSession) Complete(line string, pos int) ([]string, int) {
	head := line[:pos]
	from := strings.LastIndexAny(head, " (") + 1
	var out []string
	for _, c := range []string{"fmt.Println", "fmt.Printf", "fmt.Print", "fmt.Sprintf"} {
		if strings.HasPrefix(c, head[from:]) {
			out = append(out, c)
		}
	}
	return out, from
}

func (f *fakeSession) Names() []string {
	var names []string
	for n := range f.vars {
		names = append(names, n)
	}
	return names
}

// typedFake adds TypeOf to fakeSession.
type typedFake struct{ *fakeSession }

func (t typedFake) TypeOf(name string) (string, bool) {
	_, ok := t.vars[name]
	return "int", ok
}

// fakeNeedsMore: a cell needs more while it has more { than }.
func fakeNeedsMore(src string) bool {
	return strings.Count(src, "{") > strings.Count(src, "}")
}

type harness struct {
	r        *REPL
	out, err bytes.Buffer
	sessions []*fakeSession
	sig      chan os.Signal
}

func newHarness(t *testing.T, input string) *harness {
	t.Helper()
	h := &harness{sig: make(chan os.Signal, 1)}
	r, err := New(Config{
		NewSession: func(stdout, _ io.Writer) (Session, error) {
			s := newFake(stdout)
			h.sessions = append(h.sessions, s)
			return typedFake{s}, nil
		},
		NeedsMore:  fakeNeedsMore,
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

func (h *harness) session() *fakeSession { return h.sessions[len(h.sessions)-1] }

func TestPiped(t *testing.T) {
	tests := []struct {
		name      string
		input     string
		wantOut   string
		wantErr   string
		wantCells []string
		wantRun   error
	}{
		{
			name:      "bare expression prints its value",
			input:     "x := 41\nx = 42\nx\n",
			wantOut:   "42\n",
			wantCells: []string{"x := 41", "x = 42", "x"},
		},
		{
			name:      "multi-line cell is one cell",
			input:     "for {\n  x = 1\n}\nprint done\n",
			wantOut:   "done\n",
			wantCells: []string{"for {\n  x = 1\n}", "print done"},
		},
		{
			name:      "error then later cell sees earlier values",
			input:     "x := 7\nnope\nx\n",
			wantOut:   "7\n",
			wantErr:   "line 2: 1:1: undefined: nope\n",
			wantCells: []string{"x := 7", "nope", "x"},
			wantRun:   ErrCellFailed,
		},
		{
			name:      "a position in a cell becomes one in the input",
			input:     "x := 1\n\nfor {\n  boom\n}\n",
			wantErr:   "line 4:3: boom\n",
			wantCells: []string{"x := 1", "for {\n  boom\n}"},
			wantRun:   ErrCellFailed,
		},
		{
			name:      "blank lines are skipped, no trailing newline needed",
			input:     "\n\nx := 3\n\nx",
			wantOut:   "3\n",
			wantCells: []string{"x := 3", "x"},
		},
		{
			name:      "unterminated cell at end of input still runs",
			input:     "func f() {\n",
			wantCells: []string{"func f() {"},
		},
		{
			name:      "CRLF line ends",
			input:     "x := 5\r\nx\r\n",
			wantOut:   "5\n",
			wantCells: []string{"x := 5", "x"},
		},
		{
			name:      "quit stops reading",
			input:     "x := 1\n:quit\nx\n",
			wantCells: []string{"x := 1"},
		},
		{
			name:      "unknown command is an error",
			input:     ":frobnicate now\nx := 1\n",
			wantErr:   "line 1: unknown command :frobnicate (:help lists the commands)\n",
			wantCells: []string{"x := 1"},
			wantRun:   ErrCellFailed,
		},
		{
			name:      "exit gets a hint",
			input:     "exit\n",
			wantErr:   "line 1: use :quit or Ctrl-D to leave\n",
			wantRun:   ErrCellFailed,
			wantCells: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.input)
			err := h.r.Run()
			if !errors.Is(err, tt.wantRun) || (err == nil) != (tt.wantRun == nil) {
				t.Errorf("Run() = %v, want %v", err, tt.wantRun)
			}
			if got := h.out.String(); got != tt.wantOut {
				t.Errorf("stdout = %q, want %q", got, tt.wantOut)
			}
			if got := h.err.String(); got != tt.wantErr {
				t.Errorf("stderr = %q, want %q", got, tt.wantErr)
			}
			if got := h.session().cells; !reflect.DeepEqual(got, tt.wantCells) {
				t.Errorf("cells = %q, want %q", got, tt.wantCells)
			}
		})
	}
}

func TestCommands(t *testing.T) {
	script := filepath.Join(t.TempDir(), "script.go")
	if err := os.WriteFile(script, []byte("package main\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		input    string
		wantOut  []string // substrings of stdout
		wantErr  string   // substring of stderr, "" for none
		sessions int
	}{
		{"help lists commands and the tutorial", ":help\n",
			[]string{":help", ":vars", ":reset", ":load FILE.go", ":quit", "MNIST", "train"}, "", 1},
		{"vars with types", "b := 2\na := 1\n:vars\n", []string{"a  int\nb  int\n"}, "", 1},
		{"vars when empty", ":vars\n", []string{"(no variables yet)"}, "", 1},
		{"reset makes a new session", "a := 1\n:reset\n:vars\n", []string{"new session", "(no variables yet)"}, "", 2},
		{"load runs the file into the session", ":load " + script + "\n:vars\n", []string{"loaded  int"}, "", 1},
		{"load without a file", ":load\n", nil, "usage: :load FILE.go", 1},
		{"load of a missing file", ":load /nonexistent/x.go\n", nil, notFoundText("/nonexistent/x.go"), 1},
		{"lone colon", ":\n", nil, "missing command name", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.input)
			h.r.Run()
			for _, w := range tt.wantOut {
				if !strings.Contains(h.out.String(), w) {
					t.Errorf("stdout %q lacks %q", h.out.String(), w)
				}
			}
			if tt.wantErr == "" && h.err.Len() > 0 || !strings.Contains(h.err.String(), tt.wantErr) {
				t.Errorf("stderr = %q, want it to contain %q", h.err.String(), tt.wantErr)
			}
			if len(h.sessions) != tt.sessions {
				t.Errorf("%d sessions made, want %d", len(h.sessions), tt.sessions)
			}
		})
	}
}

func TestRegisterCommand(t *testing.T) {
	h := newHarness(t, ":timeit 3\n:help\n")
	h.r.Register(Command{Name: "timeit", Args: "N", Help: "time a thing", Run: func(ctx context.Context, r *REPL, args string) error {
		fmt.Fprintf(r.Stdout(), "timed %s\n", args)
		return nil
	}})
	if err := h.r.Run(); err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"timed 3\n", ":timeit N", "time a thing"} {
		if !strings.Contains(h.out.String(), w) {
			t.Errorf("stdout %q lacks %q", h.out.String(), w)
		}
	}
}

func TestInterrupt(t *testing.T) {
	h := newHarness(t, "")
	// A stale interrupt, pressed before the cell, must not stop it.
	h.sig <- os.Interrupt
	if ok, intr := h.r.execute("x := 1"); !ok || intr {
		t.Fatalf("execute after a stale interrupt = %v, %v; want ok", ok, intr)
	}
	// An interrupt during a cell stops it; values survive.
	blocked := h.session().blocked
	go func() {
		<-blocked // the cell runs: now press Ctrl-C
		h.sig <- os.Interrupt
	}()
	done := make(chan struct{})
	var ok, intr bool
	go func() {
		ok, intr = h.r.execute("block")
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // only against a hang
		t.Fatal("cell was not interrupted")
	}
	if ok || !intr {
		t.Errorf("execute(block) = %v, %v; want interrupted", ok, intr)
	}
	if got := h.err.String(); got != "interrupted\n" {
		t.Errorf("stderr = %q, want one line: interrupted", got)
	}
	if ok, _ := h.r.execute("x"); !ok || h.out.String() != "1\n" {
		t.Errorf("after the interrupt x = %q, ok=%v", h.out.String(), ok)
	}
}

func TestPipedInterruptStops(t *testing.T) {
	h := newHarness(t, "x := 1\nblock\nx := 2\n")
	blocked := h.session().blocked
	go func() {
		<-blocked
		h.sig <- os.Interrupt
	}()
	if err := h.r.Run(); !errors.Is(err, ErrInterrupted) {
		t.Fatalf("Run() = %v, want ErrInterrupted", err)
	}
	if got := h.session().vars["x"]; got != 1 {
		t.Errorf("x = %d: input after the interrupt was run", got)
	}
}

func TestHistoryEncoding(t *testing.T) {
	tests := []struct{ cell, encoded string }{
		{"x := 1", "x := 1"},
		{"for {\n\tx++\n}", "for {␤\tx++␤}"},
		{"s := \"␤\"", "s := \"␛␤\""},
		{"a␛\n␛␤", "a␛␛␤␛␛␛␤"},
		{"\n\n", "␤␤"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := encodeHistory(tt.cell); got != tt.encoded {
			t.Errorf("encodeHistory(%q) = %q, want %q", tt.cell, got, tt.encoded)
		}
		if got := decodeHistory(tt.encoded); got != tt.cell {
			t.Errorf("decodeHistory(%q) = %q, want %q", tt.encoded, got, tt.cell)
		}
		if strings.Contains(encodeHistory(tt.cell), "\n") {
			t.Errorf("encoded %q holds a newline", tt.cell)
		}
	}
}

func TestHistoryFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "hist")
	h := loadHistory(path, 3)
	for _, c := range []string{"a := 1", "for {\nx++\n}", "for {\nx++\n}", "  ", "b", "c"} {
		h.add(c)
	}
	want := []string{"for {␤x++␤}", "b", "c"}
	if !reflect.DeepEqual(h.entries, want) {
		t.Errorf("entries = %q, want %q", h.entries, want)
	}
	// The file has every entry (dupes in a row once); loading keeps the
	// newest three and compacts the file.
	again := loadHistory(path, 3)
	if !reflect.DeepEqual(again.entries, want) {
		t.Errorf("reloaded entries = %q, want %q", again.entries, want)
	}
	data, _ := os.ReadFile(path)
	if got := string(data); got != "for {␤x++␤}\nb\nc\n" {
		t.Errorf("compacted file = %q", got)
	}
	// No path: nothing on disk, entries still kept.
	mem := loadHistory("", 10)
	mem.add("x")
	if !reflect.DeepEqual(mem.entries, []string{"x"}) {
		t.Errorf("in-memory entries = %q", mem.entries)
	}
}

func TestDefaultHistoryFile(t *testing.T) {
	if filepath.Separator == '\\' {
		t.Skip("Windows keeps history under AppData: TestDefaultHistoryFileWindows")
	}
	t.Setenv("HOME", "/home/u")
	t.Setenv("NNLAB_HISTORY", "/tmp/h")
	if got := DefaultHistoryFile(); got != "/tmp/h" {
		t.Errorf("with NNLAB_HISTORY: %q", got)
	}
	os.Unsetenv("NNLAB_HISTORY")
	if got := DefaultHistoryFile(); got != "/home/u/.nnlab_history" {
		t.Errorf("with HOME: %q", got)
	}
	os.Unsetenv("HOME")
	if got := DefaultHistoryFile(); got != "" {
		t.Errorf("without HOME: %q, want none", got)
	}
}

func TestComplete(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"train.go", "test.go", "notes.txt"} {
		os.WriteFile(filepath.Join(dir, f), nil, 0o600)
	}
	os.Mkdir(filepath.Join(dir, "tdir"), 0o700)
	h := newHarness(t, "")
	var allCommands []string // every command completes after a bare ':'
	for _, c := range builtinCommands() {
		allCommands = append(allCommands, c.Name)
	}
	sort.Strings(allCommands)
	tests := []struct {
		line    string
		want    []string
		wantLen int
	}{
		{"fmt.Prin", []string{"t", "tf", "tln"}, 8},
		{"x := fmt.Sp", []string{"rintf"}, 6},
		{"zzz", nil, 3},
		{"", []string{indent}, 0},
		{"  ", []string{indent}, 0},
		{":he", []string{"lp"}, 2},
		{":", allCommands, 0},
		{":load " + dir + "/t", []string{"dir/", "est.go", "rain.go"}, len(dir) + 2},
		{":vars x", nil, 0},
	}
	for _, tt := range tests {
		got, n := completer{h.r}.Do([]rune(tt.line), len([]rune(tt.line)))
		var gs []string
		for _, g := range got {
			gs = append(gs, string(g))
		}
		if !reflect.DeepEqual(gs, tt.want) || n != tt.wantLen {
			t.Errorf("Do(%q) = %q, %d; want %q, %d", tt.line, gs, n, tt.want, tt.wantLen)
		}
	}
}

func TestParseCommand(t *testing.T) {
	tests := []struct {
		line, name, args string
		isCmd            bool
	}{
		{":help", "help", "", true},
		{"  :load  a b.go ", "load", "a b.go", true},
		{"x := 1", "", "", false},
		{":a\n:b", "", "", false},
	}
	for _, tt := range tests {
		name, args, isCmd := parseCommand(tt.line)
		if name != tt.name || args != tt.args || isCmd != tt.isCmd {
			t.Errorf("parseCommand(%q) = %q, %q, %v", tt.line, name, args, isCmd)
		}
	}
}

func TestLocate(t *testing.T) {
	r := &REPL{}
	tests := []struct {
		first     int
		msg, want string
	}{
		{0, "line 2:3: boom", "line 2:3: boom"},
		{10, "line 2:3: boom", "line 11:3: boom"},
		{10, "line 1: panic: x", "line 10: panic: x"},
		{10, "undefined: y", "line 10: undefined: y"},
		{10, "lines 2: odd", "line 10: lines 2: odd"},
	}
	for _, tt := range tests {
		r.firstLine = tt.first
		if got := r.locate(tt.msg); got != tt.want {
			t.Errorf("locate(%q) at line %d = %q, want %q", tt.msg, tt.first, got, tt.want)
		}
	}
}

func TestScreen(t *testing.T) {
	var out, errb, pout bytes.Buffer
	s := &screen{stdout: &out, stderr: &errb}
	o, e := stream{s: s}, stream{s: s, stderr: true}
	s.endLine()
	fmt.Fprint(o, "no newline")
	s.endLine()
	fmt.Fprint(e, "warning\n")
	s.endLine()
	s.setPrompt(true, &pout, &pout)
	fmt.Fprint(o, "at the prompt\n")
	s.setPrompt(false, nil, nil)
	fmt.Fprint(o, "after")
	if got, want := out.String(), "no newline\nafter"; got != want {
		t.Errorf("stdout = %q, want %q", got, want)
	}
	if got, want := errb.String(), "warning\n"; got != want {
		t.Errorf("stderr = %q, want %q", got, want)
	}
	if got, want := pout.String(), "at the prompt\n"; got != want {
		t.Errorf("prompt writer = %q, want %q", got, want)
	}
}
