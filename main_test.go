package main

// These tests drive the built nnlab binary as a user would: through a pipe,
// and through a pseudo-terminal where they type keys (Tab, Ctrl-C, Up,
// Ctrl-D) and read the screen with escape codes stripped. Deadlines guard
// against hangs; the one speed asserted is Ctrl-C's, with a generous bound
// (checkCtrlCLatency).

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// nnlabBin is the binary under test, built once by TestMain.
var nnlabBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "nnlab-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	nnlabBin = filepath.Join(dir, "nnlab")
	build := exec.Command("go", "build", "-o", nnlabBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building nnlab:", err)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// hangGuard bounds every wait: generous, since the machine is shared.
const hangGuard = 2 * time.Minute

// testEnv is an environment with a private HOME and history file.
func testEnv(t *testing.T) (env []string, histFile string) {
	home := t.TempDir()
	histFile = filepath.Join(home, "history")
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "NNLAB_HISTORY=") {
			env = append(env, kv)
		}
	}
	// nnlab finds the MNIST files in the module cache without running go.
	env = append(env, "GOMODCACHE="+goModCache(t))
	return append(env, "HOME="+home, "NNLAB_HISTORY="+histFile, "TERM=xterm"), histFile
}

// runPiped runs nnlab with args and stdin from input.
func runPiped(t *testing.T, input string, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	cmd := exec.Command(nnlabBin, args...)
	cmd.Env, _ = testEnv(t)
	cmd.Dir = t.TempDir()
	cmd.Stdin = strings.NewReader(input)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			status = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
	case <-time.After(hangGuard):
		cmd.Process.Kill()
		t.Fatalf("nnlab %q hung; stdout so far: %q", args, out.String())
	}
	return out.String(), errb.String(), status
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestPipedCells(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		args       []string
		wantOut    string   // exact stdout
		wantErr    []string // substrings of stderr; nil: stderr empty
		wantStatus int
	}{
		{
			name:    "bare expression prints its value",
			input:   "x := 20\nx + 22\n",
			wantOut: "42\n",
		},
		{
			name:    "multi-line cell",
			input:   "x := 1\nfor i := 0; i < 4; i++ {\n\tx = x * 2\n}\nx\n",
			wantOut: "16\n",
		},
		{
			name:    "multi-line cell with output",
			input:   "import \"fmt\"\nfunc greet(name string) {\n\tfmt.Println(\"hello,\",\n\t\tname)\n}\ngreet(\"nnlab\")\n",
			wantOut: "hello, nnlab\n",
		},
		{
			name:       "an error, then a later cell sees earlier values",
			input:      "y := 5\nnotDefinedAnywhere + 1\ny + 1\n",
			wantOut:    "6\n",
			wantErr:    []string{"line 2:", "notDefinedAnywhere"},
			wantStatus: 1,
		},
		{
			name:    ":vars lists names with types",
			input:   "x := 3\ntype T struct{}\nfunc f(a int) int { return a }\ny := 2.5; type U int\n:vars\n",
			wantOut: "T  type\nU  type\nf  func(int) int\nx  int            3\ny  float64        2.5\n",
		},
		{
			name:       "unknown command",
			input:      ":bogus\n",
			wantErr:    []string{"unknown command :bogus"},
			wantStatus: 1,
		},
		{
			name:    "help",
			input:   ":help\n",
			wantOut: "", // checked below: not empty
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, status := runPiped(t, tt.input, tt.args...)
			if tt.name == "help" {
				if !strings.Contains(out, ":load FILE.go") || !strings.Contains(out, "MNIST") {
					t.Errorf(":help printed %q", out)
				}
			} else if out != tt.wantOut {
				t.Errorf("stdout = %q, want %q", out, tt.wantOut)
			}
			if tt.wantErr == nil && errOut != "" {
				t.Errorf("stderr = %q, want none", errOut)
			}
			for _, w := range tt.wantErr {
				if !strings.Contains(errOut, w) {
					t.Errorf("stderr = %q, want it to contain %q", errOut, w)
				}
			}
			if status != tt.wantStatus {
				t.Errorf("exit status %d, want %d (stderr %q)", status, tt.wantStatus, errOut)
			}
			if strings.Contains(out+errOut, "\x1b") || strings.Contains(out, ">>>") {
				t.Errorf("piped output has prompts or escape codes: %q", out+errOut)
			}
		})
	}
}

func TestScript(t *testing.T) {
	ok := writeFile(t, "ok.go", `package main

import (
	"fmt"
	"os"
)

var answer = 42

func main() {
	fmt.Println("args:", len(os.Args), os.Args[1:])
}
`)
	bad := writeFile(t, "bad.go", "package main\n\nfunc main() {\n\tundefinedFunc()\n}\n")
	exit3 := writeFile(t, "exit.go", "package main\n\nimport \"os\"\n\nfunc main() {\n\tos.Exit(3)\n}\n")
	tests := []struct {
		name       string
		args       []string
		input      string
		wantOut    string
		wantErr    string
		wantStatus int
	}{
		{"runs with its arguments", []string{ok, "a", "-b"}, "", "args: 3 [a -b]\n", "", 0},
		{"failure is one line and status 1", []string{bad}, "", "", "nnlab: ", 1},
		{"missing file", []string{"/nonexistent/x.go"}, "", "", "nnlab: ", 1},
		{"os.Exit(3) is status 3", []string{exit3}, "", "", "", 3},
		{"-i keeps the script's values", []string{"-i", ok}, "answer + 1\n", "args: 1 []\n43\n", "", 0},
		{":load runs a script into the REPL", nil, ":load " + ok + "\nanswer * 2\n", "args: 1 []\n84\n", "", 0},
		{"--help", []string{"--help"}, "", "", "", 0},
		{"--version", []string{"--version"}, "", "nnlab " + version, "", 0},
		{"bad flag", []string{"--bogus"}, "", "", "flag provided but not defined", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, status := runPiped(t, tt.input, tt.args...)
			switch tt.name {
			case "--help":
				for _, w := range []string{"Usage:", "Examples:", "nnlab FILE.go", "-i FILE.go"} {
					if !strings.Contains(out, w) {
						t.Errorf("--help lacks %q: %q", w, out)
					}
				}
			case "--version":
				if !strings.HasPrefix(out, tt.wantOut) {
					t.Errorf("--version = %q", out)
				}
			default:
				if out != tt.wantOut {
					t.Errorf("stdout = %q, want %q", out, tt.wantOut)
				}
			}
			if !strings.Contains(errOut, tt.wantErr) || (tt.wantErr == "" && errOut != "") {
				t.Errorf("stderr = %q, want %q", errOut, tt.wantErr)
			}
			if tt.wantStatus == 1 && strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
				t.Errorf("failure took more than one line: %q", errOut)
			}
			if status != tt.wantStatus {
				t.Errorf("exit status %d, want %d", status, tt.wantStatus)
			}
		})
	}
}

func TestScriptInterrupt(t *testing.T) {
	script := writeFile(t, "spin.go", `package main

import "fmt"

func main() {
	x := 0
	for {
		x++
		if x == 1000 {
			fmt.Println("spinning")
		}
	}
}
`)
	cmd := exec.Command(nnlabBin, script)
	cmd.Env, _ = testEnv(t)
	out := &syncBuffer{}
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	if err := out.waitFor("spinning", hangGuard); err != nil {
		t.Fatal(err)
	}
	cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 130 {
			t.Errorf("exit: %v, want status 130", err)
		}
	case <-time.After(hangGuard):
		t.Fatal("script did not stop on Ctrl-C")
	}
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr = %q, want an interrupted message", errb.String())
	}
}

// syncBuffer collects output and lets a test wait for some text in it.
type syncBuffer struct {
	mu   sync.Mutex
	buf  []byte
	mark int // waitFor looks after this offset in the stripped output
	ch   chan struct{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.buf = append(b.buf, p...)
	ch := b.ch
	b.ch = nil
	b.mu.Unlock()
	if ch != nil {
		close(ch)
	}
	return len(p), nil
}

// unseen is the output after the mark, with terminal escape codes
// stripped. The caller holds b.mu.
func (b *syncBuffer) unseen() string {
	s := stripANSI(string(b.buf))
	if b.mark > len(s) {
		return ""
	}
	return s[b.mark:]
}

// waitFor waits until want appears after the mark, then moves the mark to
// the end of that match.
func (b *syncBuffer) waitFor(want string, timeout time.Duration) error {
	deadline := time.After(timeout)
	for {
		b.mu.Lock()
		if i := strings.Index(b.unseen(), want); i >= 0 {
			b.mark += i + len(want)
			b.mu.Unlock()
			return nil
		}
		if b.ch == nil {
			b.ch = make(chan struct{})
		}
		ch := b.ch
		b.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			b.mu.Lock()
			defer b.mu.Unlock()
			return fmt.Errorf("timed out waiting for %q; output after the last match: %q", want, b.unseen())
		}
	}
}

var ansiRE = regexp.MustCompile(`\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[()][0-9A-Za-z]|[=>78])|\r|\x07`)

// stripANSI removes escape sequences, carriage returns and bells.
func stripANSI(s string) string { return ansiRE.ReplaceAllString(s, "") }

// term is nnlab running in a pseudo-terminal.
type term struct {
	t   *testing.T
	f   *os.File
	cmd *exec.Cmd
	out *syncBuffer
}

func startTerm(t *testing.T, env []string, args ...string) *term {
	t.Helper()
	if ptmx, tty, err := pty.Open(); err != nil {
		t.Skipf("no pseudo-terminal on this machine: %v", err)
	} else {
		ptmx.Close()
		tty.Close()
	}
	cmd := exec.Command(nnlabBin, args...)
	cmd.Env = env
	cmd.Dir = t.TempDir()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 50, Cols: 200})
	if err != nil {
		t.Fatal(err)
	}
	tm := &term{t: t, f: f, cmd: cmd, out: &syncBuffer{}}
	go io.Copy(tm.out, f)
	t.Cleanup(func() {
		cmd.Process.Kill()
		f.Close()
	})
	tm.expect("Type :help for help")
	tm.expect(">>> ")
	return tm
}

// send types keys.
func (tm *term) send(keys string) {
	tm.t.Helper()
	if _, err := tm.f.WriteString(keys); err != nil {
		tm.t.Fatal(err)
	}
}

// expect waits for text on the screen after the previous match.
func (tm *term) expect(text string) {
	tm.t.Helper()
	if err := tm.out.waitFor(text, hangGuard); err != nil {
		tm.t.Fatal(err)
	}
}

// cell types a line and waits for the next primary prompt.
func (tm *term) cell(line string) {
	tm.t.Helper()
	tm.send(line + "\r")
	tm.expect(">>> ")
}

// exit presses Ctrl-D at the prompt and waits for nnlab to end well.
func (tm *term) exit() {
	tm.t.Helper()
	tm.send("\x04")
	done := make(chan error, 1)
	go func() { done <- tm.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			tm.t.Errorf("nnlab exited with %v after Ctrl-D", err)
		}
	case <-time.After(hangGuard):
		tm.t.Fatal("Ctrl-D did not end nnlab")
	}
}

func TestTerminal(t *testing.T) {
	env, histFile := testEnv(t)
	tm := startTerm(t, env)

	// A value, and a bare expression that shows it.
	tm.cell("x := 41")
	tm.send("x + 1\r")
	tm.expect("42")
	tm.expect(">>> ")

	// Output without a final newline still shows; the prompt goes below.
	tm.send("fmt.Print(\"no new\" + \"line\")\r")
	tm.expect("no newline\n>>> ")

	// Tab completion: fmt.Prin + Tab completes the shared "t".
	tm.cell(`import "fmt"`)
	tm.send("fmt.Prin\t")
	tm.expect("fmt.Print")
	tm.send("ln(\"completed\", x)\r")
	tm.expect("completed 41")
	tm.expect(">>> ")

	// Ctrl-C at a continuation prompt drops the half-typed cell.
	tm.send("for i := 0; i < 3; i++ {\r")
	tm.expect("... ")
	tm.send("x = 1000\r")
	tm.expect("... ")
	tm.send("\x03")
	tm.expect(">>> ")
	tm.send("x\r")
	tm.expect("41")
	tm.expect(">>> ")

	// Ctrl-C during a long interpreted loop stops it; x is kept.
	// (The marker is printed as two halves so the echo of the line does not
	// match it.)
	tm.send("for { x++; if x == 100000 { fmt.Println(\"spin\" + \"ning\") } }\r")
	tm.expect("spinning")
	start := time.Now()
	tm.send("\x03")
	tm.expect("interrupted")
	tm.expect(">>> ")
	checkCtrlCLatency(t, time.Since(start))
	tm.send("x >= 100000\r")
	tm.expect("true")
	tm.expect(">>> ")

	// A multi-line cell, then Up + Enter runs all of it again.
	tm.send("for i := 0; i < 2; i++ {\r")
	tm.expect("... ")
	tm.send("fmt.Println(\"loop\", i)\r")
	tm.expect("... ")
	tm.send("}\r")
	tm.expect("loop 1")
	tm.expect(">>> ")
	tm.send("\x1b[A")
	tm.expect("fmt.Println(\"loop\", i)␤}")
	tm.send("\r")
	tm.expect("loop 0")
	tm.expect("loop 1")
	tm.expect(">>> ")

	// Commands work on a terminal too, and complete with Tab.
	tm.send(":va\t\r")
	tm.expect("x")
	tm.expect(">>> ")

	tm.exit()

	// The history file holds the multi-line cell as one entry.
	data, err := os.ReadFile(histFile)
	if err != nil {
		t.Fatal(err)
	}
	want := "for i := 0; i < 2; i++ {␤fmt.Println(\"loop\", i)␤}\n"
	if !strings.Contains(string(data), want) || strings.Count(string(data), want) != 1 {
		t.Errorf("history file %q should hold %q once", data, want)
	}
	if strings.Contains(string(data), "x = 1000") {
		t.Errorf("history file %q holds the cell dropped by Ctrl-C", data)
	}

	// A new session recalls it from the file: Up twice (past :vars), Enter.
	tm2 := startTerm(t, env)
	tm2.cell(`import "fmt"`)
	tm2.send("\x1b[A\x1b[A\x1b[A")
	tm2.expect("␤}")
	tm2.send("\r")
	tm2.expect("loop 1")
	tm2.expect(">>> ")
	tm2.exit()
}

func TestTerminalReset(t *testing.T) {
	env, _ := testEnv(t)
	tm := startTerm(t, env)
	tm.cell("x := 1")
	tm.send(":reset\r")
	tm.expect("[y/N] ")
	tm.send("n\r")
	tm.expect("reset cancelled")
	tm.expect(">>> ")
	tm.send("x\r")
	tm.expect("1")
	tm.expect(">>> ")
	tm.send(":reset\r")
	tm.expect("[y/N] ")
	tm.send("y\r")
	tm.expect("new session")
	tm.expect(">>> ")
	tm.send(":vars\r")
	tm.expect("(no variables yet)")
	tm.expect(">>> ")
	tm.exit()
}

// TestTutorialInREPL types the tutorial cell by cell into nnlab through a
// pipe, as a user pastes it, then saves the trained model and loads it into
// a second nnlab process.
func TestTutorialInREPL(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	model := filepath.Join(t.TempDir(), "tutorial.safetensors")
	cells := `nn.Seed(1)
data, err := mnist.ReadDataSets("MNIST_data/", true)
data.Train.NumExamples
X := nn.Placeholder(nn.None, 784)
Y := nn.Placeholder(nn.None, 10)
keep_prob := nn.Placeholder()
w1 := nn.Variable(nn.TruncatedNormal([]int{784, 512}, 0.1)).Named("w1")
b1 := nn.Variable(nn.Constant(0.1, []int{512})).Named("b1")
w2 := nn.Variable(nn.TruncatedNormal([]int{512, 10}, 0.1)).Named("w2")
b2 := nn.Variable(nn.Constant(0.1, []int{10})).Named("b2")
layer_1 := nn.Add(nn.MatMul(X, w1), b1)
layer_1
output_layer := nn.Add(nn.MatMul(nn.Dropout(nn.Relu(layer_1), keep_prob), w2), b2)
cross_entropy := nn.ReduceMean(nn.SoftmaxCrossEntropyWithLogits(Y, output_layer))
opt := nn.AdamOptimizer(1e-4)
train_step := opt.Minimize(cross_entropy)
accuracy := nn.ReduceMean(nn.Cast(nn.Equal(nn.ArgMax(output_layer, 1), nn.ArgMax(Y, 1)), nn.Float32))
sess := nn.NewSession()
sess.Run(nn.GlobalVariablesInitializer(), nil)
for i := 0; i < 200; i++ {
	batch_x, batch_y := data.Train.NextBatch(128)
	sess.Run(train_step, nn.Feed{X: batch_x, Y: batch_y, keep_prob: 0.5})
}
opt.LearningRate = 1e-3
for i := range 100 {
	batch_x, batch_y := data.Train.NextBatch(128)
	sess.Run(train_step, nn.Feed{X: batch_x, Y: batch_y, keep_prob: 0.5})
}
sess.Steps(train_step)
acc := sess.Run(accuracy, nn.Feed{X: data.Test.Images, Y: data.Test.Labels, keep_prob: 1.0}).Float()
acc > 0.9
:save-model ` + model + "\n"
	out, errs, status := runPiped(t, cells)
	if status != 0 {
		t.Fatalf("status %d, stderr:\n%s", status, errs)
	}
	for _, want := range []string{"55000\n", `Tensor("add", shape=[?,512], float32)`, "300\n", "true\n", "saved sess"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// A new process: the same graph, the saved weights, the same accuracy.
	rebuild := cells[:strings.Index(cells, "sess.Run(nn.GlobalVariablesInitializer(), nil)")]
	out2, errs2, status2 := runPiped(t, rebuild+":load-model "+model+"\nsess.Steps(train_step)\nsess.Run(accuracy, nn.Feed{X: data.Test.Images, Y: data.Test.Labels, keep_prob: 1.0}).Float() > 0.9\n")
	if status2 != 0 || !strings.Contains(out2, "restored sess") || !strings.Contains(out2, "300\ntrue\n") {
		t.Errorf("reloading: status %d\n%s\n%s", status2, out2, errs2)
	}
}

// TestTerminalTutorial types the tutorial into nnlab in a pseudo-terminal
// as a learner would: sizes print as expressions, the training loop runs,
// Ctrl-C stops it and nothing moves afterwards, a typo and a panic cost
// nothing, and the loop re-runs from history after a hyperparameter change,
// continuing from the current weights.
func TestTerminalTutorial(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	env, _ := testEnv(t)
	env = append(env, "TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=", "NNLAB_DISPLAY=") // a UTF-8 terminal with 256 colours
	tm := startTerm(t, env)
	tm.cell("nn.Seed(1)")
	tm.cell(`data, err := mnist.ReadDataSets("MNIST_data/", true)`)
	tm.send("n_train := data.Train.NumExamples; n_train\r")
	tm.expect("55000")
	tm.expect(">>> ")

	// A bare MNIST image is drawn as a digit, in grey half-blocks.
	tm.send("data.Test.Images.Row(0)\r")
	tm.expect("Tensor(shape=[784], float32)")
	tm.expect("▀▀▀▀")
	tm.expect(">>> ")

	// Tab completes package members.
	tm.send("nn.Ad\t")
	tm.expect("AdamOptimizer")
	tm.send("amOptimizer(1e-3)\r")
	tm.expect("Adam(learning rate 0.001")
	tm.expect(">>> ")
	tm.send("mnist.NumCl\t")
	tm.expect("mnist.NumClasses")
	tm.send("\r")
	tm.expect("10")
	tm.expect(">>> ")

	for _, c := range []string{
		"n_iterations := 1000",
		"X := nn.Placeholder(nn.None, 784)",
		"Y := nn.Placeholder(nn.None, 10)",
		`w1 := nn.Variable(nn.TruncatedNormal([]int{784, 512}, 0.1)).Named("w1")`,
		`b1 := nn.Variable(nn.Constant(0.1, []int{512})).Named("b1")`,
		`w2 := nn.Variable(nn.TruncatedNormal([]int{512, 10}, 0.1)).Named("w2")`,
		`b2 := nn.Variable(nn.Constant(0.1, []int{10})).Named("b2")`,
		"output_layer := nn.Add(nn.MatMul(nn.Add(nn.MatMul(X, w1), b1), w2), b2)",
		"cross_entropy := nn.ReduceMean(nn.SoftmaxCrossEntropyWithLogits(Y, output_layer))",
		"opt := nn.AdamOptimizer(1e-4)",
		"train_step := opt.Minimize(cross_entropy)",
		"sess := nn.NewSession()",
		"sess.Run(nn.GlobalVariablesInitializer(), nil)",
		"it := 0",
	} {
		tm.cell(c)
	}
	// The training loop, typed over several lines.
	tm.send("for i := 0; i < n_iterations; i++ {\r")
	tm.expect("... ")
	tm.send("batch_x, batch_y := data.Train.NextBatch(128)\r")
	tm.expect("... ")
	tm.send("sess.Run(train_step, nn.Feed{X: batch_x, Y: batch_y})\r")
	tm.expect("... ")
	tm.send("it++\r")
	tm.expect("... ")
	tm.send("if i%100 == 0 { fmt.Println(\"Iter\"+\"ation\", i) }\r")
	tm.expect("... ")
	tm.send("}\r")
	tm.expect("Iteration 100")
	start := time.Now()
	tm.send("\x03")
	tm.expect("interrupted")
	tm.expect(">>> ")
	checkCtrlCLatency(t, time.Since(start))

	// Nothing moves after the interrupt: read the counters twice, a second apart.
	probe := func() string {
		tm.send("fmt.Println(\"state\", it, sess.Steps(train_step), sess.Value(w1).At(0, 0))\r")
		tm.expect("state ")
		tm.expect(">>> ")
		return lastLine(t, tm, "state ")
	}
	first := probe()
	time.Sleep(time.Second)
	second := probe()
	if first != second {
		t.Fatalf("state moved after Ctrl-C: %q then %q", first, second)
	}
	var itN, steps int
	var w float64
	if _, err := fmt.Sscanf(first, "state %d %d %g", &itN, &steps, &w); err != nil || itN < 100 || itN >= 1000 || steps < itN || steps > itN+1 {
		// The loop may stop between a step and the it++ that counts it.
		t.Fatalf("after Ctrl-C: %q (err %v): want 100 <= it < 1000 and one Adam step per iteration", first, err)
	}

	// A typo and a panic: one error line each, nothing lost.
	tm.send("sess.Rnu(train_step, nil)\r")
	tm.expect("has no field or method Rnu); did you mean Run?")
	tm.expect(">>> ")
	tm.send("data.Test.Images.Row(999999)\r")
	tm.expect("row 999999 out of range")
	tm.expect(">>> ")

	// Change the learning rate and the iteration count, then Up recalls
	// the loop (past the 5 history entries since: the two identical probes
	// are one) and Enter runs it again.
	tm.cell("opt.LearningRate = 1e-3")
	tm.cell("n_iterations = 50")
	tm.send(strings.Repeat("\x1b[A", 6))
	tm.expect("it++")
	tm.send("\r")
	tm.expect("Iteration 0")
	tm.expect(">>> ")
	after := probe()
	var itN2, steps2 int
	if _, err := fmt.Sscanf(after, "state %d %d %g", &itN2, &steps2, &w); err != nil || itN2 != itN+50 || steps2 != steps+50 {
		t.Fatalf("after re-running the loop: %q, want it and steps both %d", after, itN+50)
	}
	tm.exit()
}

// lastLine returns the last screen line that starts with prefix.
func lastLine(t *testing.T, tm *term, prefix string) string {
	t.Helper()
	tm.out.mu.Lock()
	defer tm.out.mu.Unlock()
	lines := strings.Split(stripANSI(string(tm.out.buf)), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if l := strings.TrimSpace(lines[i]); strings.HasPrefix(l, prefix) && !strings.Contains(l, "Println") {
			return l
		}
	}
	t.Fatalf("no line starting with %q", prefix)
	return ""
}

// TestRunAndSave runs the tutorial's cells into a session with :run, then
// saves the session's cells with :save and runs the saved script.
func TestRunAndSave(t *testing.T) {
	tutorial, err := filepath.Abs("examples/tutorial.go")
	if err != nil {
		t.Fatal(err)
	}
	out, errs, status := runPiped(t, ":run "+tutorial+":2\nn_train\n:run "+tutorial+":3\nn_hidden1 + n_hidden2\n")
	if status != 0 || !strings.Contains(out, "train 55000 validation 5000 test 10000") || !strings.Contains(out, "55000\n768\n") {
		t.Errorf(":run: status %d\n%s\n%s", status, out, errs)
	}
	_, errs, status = runPiped(t, ":run "+tutorial+":9\n")
	if status == 0 || !strings.Contains(errs, "has 6 cells") {
		t.Errorf(":run of a missing cell: status %d, stderr %q", status, errs)
	}

	script := filepath.Join(t.TempDir(), "saved.go")
	out, errs, status = runPiped(t, "x := 2\ny := x * 3\nnope()\nx := 5\nfunc sq(a int) int { return a * a }\nsq(x) + y\ny\n:save "+script+"\n")
	if status != 1 || !strings.Contains(out, "31\n6\n") || !strings.Contains(out, "saved") {
		t.Fatalf(":save session: status %d\n%s\n%s", status, out, errs)
	}
	out, errs, status = runPiped(t, "", script)
	if status != 0 || out != "31\n6\n" {
		t.Errorf("the saved script printed %q (status %d, stderr %q), want the values the REPL showed, 31 and 6", out, status, errs)
	}
}

// BenchmarkStartup starts nnlab on an empty pipe and waits for it to end:
// process start, a new interpreter session with nn, mnist and fmt
// imported, and exit. The prompt appears at the same point on a terminal.
func BenchmarkStartup(b *testing.B) {
	for i := 0; i < b.N; i++ {
		cmd := exec.Command(nnlabBin)
		cmd.Stdin = strings.NewReader("")
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %s", err, out)
		}
	}
}

// TestTerminalFitChart trains a small model in a UTF-8 terminal: the
// progress bar runs above a live Braille chart of loss and accuracy, and the
// history then prints as a table with curves.
func TestTerminalFitChart(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	env, _ := testEnv(t)
	env = append(env, "TERM=xterm-256color", "LANG=C.UTF-8", "LC_ALL=", "NNLAB_DISPLAY=")
	tm := startFitTerm(t, env)
	tm.send("h := m.Fit(data.Validation, model.FitOptions{Epochs: 2, BatchSize: 32})\r")
	tm.expect("Epoch 2/2")
	tm.expect("── loss")
	tm.expect("── acc")
	tm.expect(">>> ")
	tm.send("h\r")
	tm.expect("epoch")
	tm.expect("┤")
	tm.expect(">>> ")
	tm.exit()
}

// TestTerminalFitInterrupt presses Ctrl-C while Fit runs in the REPL: Fit
// stops at a batch boundary and says where, the session keeps the model,
// and a later Fit resumes the unfinished epoch.
func TestTerminalFitInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	env, _ := testEnv(t)
	tm := startFitTerm(t, env)
	tm.send("m.Fit(data.Validation, model.FitOptions{Epochs: 1000, BatchSize: 32})\r")
	tm.expect("Epoch 2/1000")
	tm.send("\x03")
	tm.expect("stopped at epoch")
	tm.expect(">>> ")
	// The cell was interrupted, so h was not assigned; the model keeps
	// the steps it took.
	tm.send("fmt.Println(\"state\", m.Session().Steps(m.Nodes().Train) > 157)\r")
	tm.expect("state true")
	tm.expect(">>> ")
	// The epoch cut short is finished, not started again: the step count
	// is a whole number of epochs (157 batches of 32 in 5,000 images).
	tm.send("h := m.Fit(data.Validation, model.FitOptions{Epochs: 1, BatchSize: 32})\r")
	tm.expect(">>> ")
	tm.send("fmt.Println(\"after\", h.Interrupted, len(h.Epochs), m.Session().Steps(m.Nodes().Train)%157)\r")
	tm.expect("after false 1 0")
	tm.expect(">>> ")
	tm.exit()
}

// startFitTerm starts the REPL in a terminal with the MNIST data read and
// a small compiled model m.
func startFitTerm(t *testing.T, env []string) *term {
	tm := startTerm(t, env)
	tm.cell(`import "github.com/nnlab/nnlab/nn/model"`)
	tm.cell(`data, err := mnist.ReadDataSets("MNIST_data/", true)`)
	tm.cell(`m := model.Sequential(model.Input(784), model.Dense(64, "relu"), model.Dense(10, "softmax"))`)
	tm.send("m.Compile(nn.AdamOptimizer(1e-3));\r")
	tm.expect(">>> ")
	return tm
}
