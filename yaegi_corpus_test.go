package main

import (
	"bytes"
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nnlab/nnlab/stdlib"
)

// The corpus is yaegi's own test programs (_test/*.go in its module, which
// go.mod requires, so a fresh clone has it after `go mod download` or the
// first build). Every program with an "// Output:" block is a small Go
// program with its expected output: run as a script and typed into the
// piped REPL, nnlab should print exactly that.

// corpusTimeout bounds one program; the slowest sleep for well under 1 s.
const corpusTimeout = 10 * time.Second

// corpusWorkers is how many programs run at once (CI machines have few cores).
const corpusWorkers = 2

// corpusNotGo are programs whose expected output is that of yaegi's
// sandbox, not what Go prints: nnlab does what Go does.
var corpusNotGo = map[string]string{
	"restricted2.go": "expects os.FindProcess(self) to fail; Go and nnlab find the process",
	"restricted3.go": "expects Logger.Fatal to panic with a yaegi file name; Go and nnlab log and exit 1",
}

// corpusGo122 are programs whose Output block is what Go printed before
// 1.22, when a loop shared one variable among its iterations; nnlab runs
// them as Go 1.22 and later does (checked with go1.26's go run), so they
// are held to that output instead.
var corpusGo122 = map[string]string{
	"closure9.go":  "0 0\n1 1\n2 2",
	"closure10.go": "0 0 0\n1 1 1\n2 2 2",
	"closure11.go": "0 0\n1 1\n2 2",
	"closure12.go": "0 0 i=0\n1 1 i=1\n2 2 i=2",
}

// corpusAsGo are programs whose Output block shows yaegi's view of an
// interpreted struct (the X it puts before an unexported field's name);
// nnlab prints what Go does (checked with go1.26's go run).
var corpusAsGo = map[string]string{
	"method16.go": "&{property:value} param",
}

// corpusKnownScript lists the programs that still fail as scripts, each with
// its cause. A program that fails and is not listed fails the test; one that
// is listed but passes is logged so the list can shrink.
var corpusKnownScript = map[string]string{}

// corpusKnownREPL is the same for the programs typed into the REPL.
var corpusKnownREPL = map[string]string{
	"gen4.go":        "refers to a later declaration (undefined: element)",
	"goto1.go":       "a goto in one cell to a label typed in a later cell (label here not declared)",
	"issue-1022.go":  "a top-level defer runs at the end of its own cell (issue 10), so its recover cannot see a later cell's panic",
	"a43.go":         "refers to a later declaration or a top-level name yaegi lost (undefined: l1)",
	"a44.go":         "var or const declared from a global of an earlier cell (constant definition loop)",
	"assert2.go":     "refers to a later declaration or a top-level name yaegi lost (undefined: newStringBuilder)",
	"break3.go":      "panic: runtime error: invalid memory address or nil pointer dereference",
	"composite0.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"composite1.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"composite12.go": "refers to a later declaration or a top-level name yaegi lost (undefined: D)",
	"composite13.go": "refers to a later declaration or a top-level name yaegi lost (undefined: D)",
	"composite18.go": "CFG post-order panic: line 2:2: incomplete type cmpLessFn",
	"composite19.go": "refers to a later declaration or a top-level name yaegi lost (undefined: cmpLessFn)",
	"composite2.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"const15.go":     "refers to a later declaration or a top-level name yaegi lost (undefined: t1)",
	"const6.go":      "refers to a later declaration or a top-level name yaegi lost (undefined: Properties)",
	"defer0.go":      "different output when typed cell by cell",
	"defer1.go":      "different output when typed cell by cell",
	"defer2.go":      "different output when typed cell by cell",
	"defer5.go":      "refers to a later declaration or a top-level name yaegi lost (undefined: f2)",
	"defer6.go":      "refers to a later declaration or a top-level name yaegi lost (undefined: f2)",
	"fun11.go":       "refers to a later declaration or a top-level name yaegi lost (undefined: F)",
	"fun6.go":        "refers to a later declaration or a top-level name yaegi lost (undefined: Pool)",
	"gen12.go":       "refers to a later declaration or a top-level name yaegi lost (undefined: Map)",
	"gen5.go":        "var or const declared from a global of an earlier cell (constant definition loop)",
	"goto0.go":       "panic: runtime error: invalid memory address or nil pointer dereference",
	"interface36.go": "refers to a later declaration or a top-level name yaegi lost (undefined: S)",
	"interface37.go": "cannot use  (type ptrT) as type interfaceT in return argument",
	"interface48.go": "refers to a later declaration or a top-level name yaegi lost (undefined: A)",
	"interface49.go": "refers to a later declaration or a top-level name yaegi lost (undefined: FileDescriptor)",
	"interface8.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: HelloInterface)",
	"issue-1007.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: TypeB)",
	"issue-1179.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: newT)",
	"issue-1288.go":  "panic: runtime error: invalid memory address or nil pointer dereference",
	"issue-1326.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"issue-1375.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: Struct)",
	"issue-1442.go":  "timed out after 10s",
	"issue-1470.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: tnum)",
	"issue-1515.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: I2)",
	"issue-1536.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: prefix)",
	"issue-1571.go":  "refers to a later declaration or a top-level name yaegi lost (undefined: B)",
	"issue-558.go":   "undefined selector: Close",
	"map19.go":       "refers to a later declaration or a top-level name yaegi lost (undefined: server)",
	"method14.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: Coord)",
	"method22.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: Obj)",
	"method23.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: Obj)",
	"method24.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: Buffer)",
	"method25.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: Pool)",
	"method26.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"method31.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: dbWrapper)",
	"named1.go":      "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"named2.go":      "refers to a later declaration or a top-level name yaegi lost (undefined: MyT)",
	"recover0.go":    "different output when typed cell by cell",
	"recover1.go":    "different output when typed cell by cell",
	"recurse0.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: U)",
	"recurse1.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: A)",
	"recurse2.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: A)",
	"recurse3.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: A)",
	"restricted0.go": "2026/12/01 19:16:15 log.Fatal does not exit",
	"restricted1.go": "different output when typed cell by cell",
	"scope2.go":      "different output when typed cell by cell",
	"struct19.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: Users)",
	"switch18.go":    "a type declared after a type switch, alike in structure to a case's type, takes that case",
	"struct24.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"struct25.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"struct26.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T2)",
	"struct27.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: Foo)",
	"struct28.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T2)",
	"struct29.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T2)",
	"struct30.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T2)",
	"struct34.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: f2)",
	"struct36.go":    "CFG post-order panic: runtime error: invalid memory address or nil pointer dereference",
	"struct38.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T1)",
	"struct39.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T1)",
	"struct40.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T1)",
	"struct41.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"struct42.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: xxx)",
	"struct43.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: xxx)",
	"struct44.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"struct46.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: D)",
	"struct47.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: D)",
	"struct49.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"struct53.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"struct56.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: InnerA)",
	"struct57.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: InnerA)",
	"struct59.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: B)",
	"struct61.go":    "refers to a later declaration or a top-level name yaegi lost (undefined: D)",
	"type12.go":      "refers to a later declaration or a top-level name yaegi lost (undefined: T2)",
	"type13.go":      "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"type14.go":      "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"type22.go":      "refers to a later declaration or a top-level name yaegi lost (undefined: T)",
	"type9.go":       "refers to a later declaration or a top-level name yaegi lost (undefined: GoodbyeProvider)",
	"var13.go":       "refers to a later declaration or a top-level name yaegi lost (undefined: concat)",
}

// corpusProg is one program of the corpus.
type corpusProg struct {
	name, path string
	want       string
	file       *ast.File
	fset       *token.FileSet
	src        []byte
}

// corpusSkips counts the programs left out and why.
type corpusSkips struct {
	noOutput, errorBlock, gopath, notMain, notGo int
	unshipped                                    map[string][]string // import path -> programs
	unshippedProgs                               int
}

// yaegiTestDir returns yaegi's _test directory in the module cache, or
// skips the test.
func yaegiTestDir(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/traefik/yaegi").Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		t.Skipf("yaegi's module is not in the module cache (go list -m: %v); run 'go mod download' to test its corpus", err)
	}
	dir = filepath.Join(dir, "_test")
	if _, err := os.Stat(dir); err != nil {
		t.Skipf("yaegi's test programs are missing: %v", err)
	}
	return dir
}

// shippedPackages is the set of import paths nnlab's interpreter knows.
func shippedPackages() map[string]bool {
	// yaegi compiles these from its own generic source (interp.Use).
	m := map[string]bool{"cmp": true, "maps": true, "slices": true}
	for k := range stdlib.Symbols {
		if i := strings.LastIndexByte(k, '/'); i > 0 {
			m[k[:i]] = true
		}
	}
	return m
}

// loadCorpus reads every program of dir that can run standalone.
func loadCorpus(t *testing.T, dir string) ([]corpusProg, corpusSkips) {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(paths)
	shipped := shippedPackages()
	sk := corpusSkips{unshipped: map[string][]string{}}
	var progs []corpusProg
	for _, p := range paths {
		src, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, p, src, parser.ParseComments)
		if err != nil || len(f.Comments) == 0 {
			sk.noOutput++
			continue
		}
		text := f.Comments[len(f.Comments)-1].Text()
		switch {
		case strings.HasPrefix(text, "GOPATH:"):
			// It imports packages from a directory tree beside it.
			sk.gopath++
			continue
		case strings.HasPrefix(text, "Error:\n"):
			sk.errorBlock++
			continue
		case !strings.HasPrefix(text, "Output:\n"):
			sk.noOutput++
			continue
		}
		name := filepath.Base(p)
		if f.Name.Name != "main" {
			// go run refuses it too.
			sk.notMain++
			continue
		}
		if corpusNotGo[name] != "" {
			sk.notGo++
			continue
		}
		missing := false
		for _, im := range f.Imports {
			ip, _ := strconv.Unquote(im.Path.Value)
			if !shipped[ip] {
				sk.unshipped[ip] = append(sk.unshipped[ip], name)
				missing = true
			}
		}
		if missing {
			sk.unshippedProgs++
			continue
		}
		want := strings.TrimSpace(strings.TrimPrefix(text, "Output:\n"))
		if w, ok := corpusGo122[name]; ok {
			want = w
		}
		if w, ok := corpusAsGo[name]; ok {
			want = w
		}
		progs = append(progs, corpusProg{name: name, path: p, want: want, file: f, fset: fset, src: src})
	}
	return progs, sk
}

// report logs what was left out.
func (sk corpusSkips) report(t *testing.T, ran int) {
	t.Helper()
	var ips []string
	for ip := range sk.unshipped {
		ips = append(ips, ip)
	}
	sort.Slice(ips, func(i, j int) bool {
		if len(sk.unshipped[ips[i]]) != len(sk.unshipped[ips[j]]) {
			return len(sk.unshipped[ips[i]]) > len(sk.unshipped[ips[j]])
		}
		return ips[i] < ips[j]
	})
	var b strings.Builder
	for _, ip := range ips {
		fmt.Fprintf(&b, " %s (%d)", ip, len(sk.unshipped[ip]))
	}
	t.Logf("corpus: %d programs run; left out: %d expect a compile error, %d need a GOPATH tree, %d have no Output block, %d are not package main, %d expect yaegi's sandbox instead of Go, %d import packages nnlab does not ship:%s",
		ran, sk.errorBlock, sk.gopath, sk.noOutput, sk.notMain, sk.notGo, sk.unshippedProgs, b.String())
}

// corpusResult is the outcome of one program.
type corpusResult struct {
	name, why string // why is "" when the program passed
}

// runCorpus runs each program through run on corpusWorkers workers and
// returns the failures, sorted by name. A program that fails is run once
// more: some sleep to order their goroutines, which a loaded machine can
// upset; one that passes the second time is logged, not failed.
func runCorpus(t *testing.T, progs []corpusProg, run func(p corpusProg) string) []corpusResult {
	jobs := make(chan corpusProg)
	var mu sync.Mutex
	var fails []corpusResult
	var wg sync.WaitGroup
	for range corpusWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				why := run(p)
				if why != "" {
					if run(p) == "" {
						t.Logf("%s passed when run again (first: %s)", p.name, why)
						continue
					}
					mu.Lock()
					fails = append(fails, corpusResult{p.name, why})
					mu.Unlock()
				}
			}
		}()
	}
	for _, p := range progs {
		jobs <- p
	}
	close(jobs)
	wg.Wait()
	sort.Slice(fails, func(i, j int) bool { return fails[i].name < fails[j].name })
	return fails
}

// corpusExec runs nnlab with args and stdin, and compares its stdout with
// the program's expected output; it returns "" or why it failed.
func corpusExec(t *testing.T, env []string, p corpusProg, stdin string, args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), corpusTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, nnlabBin, args...)
	cmd.Env = env
	cmd.Dir = filepath.Dir(p.path) // some programs read files beside them
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	got := strings.TrimSpace(strings.ReplaceAll(out.String(), p.path+":", ""))
	switch {
	case ctx.Err() != nil:
		return fmt.Sprintf("timed out after %v", corpusTimeout)
	case got != p.want:
		msg := firstLine(errb.String())
		if msg == "" {
			msg = fmt.Sprintf("got %q, want %q", clip(got), clip(p.want))
		}
		return "wrong output: " + msg
	case err != nil:
		return fmt.Sprintf("%v: %s", err, firstLine(errb.String()))
	}
	return ""
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return clip(s)
}

func clip(s string) string {
	if len(s) > 160 {
		return s[:160] + "..."
	}
	return s
}

// cellInput is the program as a user types it into the REPL: each
// declaration as it stands in the file (imports included, func main and
// init left out), then the bodies of the init funcs in order, then the
// body of main. A statement that is a bare expression gets a ';', which
// tells the REPL not to show its value: the program's output is only what
// it prints.
func cellInput(p corpusProg) string {
	var b strings.Builder
	var inits []*ast.BlockStmt
	var main *ast.BlockStmt
	off := func(pos token.Pos) int { return p.fset.Position(pos).Offset }
	for _, d := range p.file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Recv == nil && (fd.Name.Name == "main" || fd.Name.Name == "init") {
			if fd.Name.Name == "init" {
				inits = append(inits, fd.Body)
			} else {
				main = fd.Body
			}
			continue
		}
		b.Write(p.src[off(d.Pos()):off(d.End())])
		b.WriteString("\n")
	}
	for _, body := range append(inits, main) {
		if body == nil {
			continue
		}
		text := p.src[off(body.Lbrace)+1 : off(body.Rbrace)]
		base := off(body.Lbrace) + 1
		var ends []int
		for _, st := range body.List {
			if _, ok := st.(*ast.ExprStmt); ok {
				ends = append(ends, off(st.End())-base)
			}
		}
		var t strings.Builder
		last := 0
		for _, e := range ends {
			t.Write(text[last:e])
			t.WriteString(";")
			last = e
		}
		t.Write(text[last:])
		for _, line := range strings.Split(t.String(), "\n") {
			b.WriteString(strings.TrimPrefix(line, "\t"))
			b.WriteString("\n")
		}
	}
	return b.String()
}

// checkCorpus reports the failures against the known ones.
func checkCorpus(t *testing.T, mode string, total int, fails []corpusResult, known map[string]string) {
	t.Helper()
	failed := map[string]bool{}
	for _, f := range fails {
		failed[f.name] = true
		if _, ok := known[f.name]; ok {
			t.Logf("%s: %s: known failure (%s): %s", mode, f.name, known[f.name], f.why)
			continue
		}
		t.Errorf("%s: %s: %s", mode, f.name, f.why)
	}
	var fixed []string
	for name := range known {
		if !failed[name] {
			fixed = append(fixed, name)
		}
	}
	sort.Strings(fixed)
	if len(fixed) > 0 {
		t.Logf("%s: listed as known failures but passing now (remove them from the list): %s", mode, strings.Join(fixed, " "))
	}
	t.Logf("%s: %d of %d programs pass", mode, total-len(fails), total)
}

// TestYaegiCorpusScripts runs each corpus program as `nnlab FILE.go`.
func TestYaegiCorpusScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ~800 programs")
	}
	progs, sk := loadCorpus(t, yaegiTestDir(t))
	sk.report(t, len(progs))
	env, _ := testEnv(t)
	start := time.Now()
	fails := runCorpus(t, progs, func(p corpusProg) string {
		return corpusExec(t, env, p, "", p.path)
	})
	t.Logf("script mode took %v", time.Since(start).Round(time.Millisecond))
	checkCorpus(t, "script", len(progs), fails, corpusKnownScript)
}

// TestYaegiCorpusREPL types each program into the piped REPL, cell by cell.
func TestYaegiCorpusREPL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs ~800 programs")
	}
	progs, _ := loadCorpus(t, yaegiTestDir(t))
	env, _ := testEnv(t)
	start := time.Now()
	fails := runCorpus(t, progs, func(p corpusProg) string {
		return corpusExec(t, env, p, cellInput(p))
	})
	t.Logf("REPL mode took %v", time.Since(start).Round(time.Millisecond))
	checkCorpus(t, "REPL", len(progs), fails, corpusKnownREPL)
}
