package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

var modCache struct {
	once sync.Once
	dir  string
}

// goModCache is the go command's module cache, where the tests' private
// HOME would hide it from nnlab.
func goModCache(t *testing.T) string {
	modCache.once.Do(func() {
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err == nil {
			modCache.dir = strings.TrimSpace(string(out))
		}
	})
	return modCache.dir
}

// trainable is a tiny graph with a training step, for the command tests.
const trainable = `x := nn.Placeholder(nn.None, 2)
w := nn.Variable(nn.Constant(0.1, []int{2, 1})).Named("w")
loss := nn.ReduceMean(nn.MatMul(x, w))
train := nn.GradientDescentOptimizer(0.0001).Minimize(loss)
sess := nn.NewSession()
sess.Run(nn.GlobalVariablesInitializer(), nil)
feed := nn.Feed{x: nn.NewTensor([]float32{1, 2}, 1, 2)}
`

// TestModelCommands checks :save-model and :load-model with sessions and
// models, quoted paths with spaces, and their messages.
func TestModelCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "my models")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	sessFile, modelFile := filepath.Join(dir, "sess.st"), filepath.Join(dir, "m.st")
	cells := trainable + `import "github.com/nnlab/nnlab/nn/model"
m := model.Sequential(model.Input(2), model.Dense(2, "softmax"))
m.Compile(nn.AdamOptimizer(0.01));
h := m.FitArrays(nn.NewTensor([]float32{1, 0, 0, 1}, 2, 2), nn.NewTensor([]float32{1, 0, 0, 1}, 2, 2), model.FitOptions{Epochs: 1, BatchSize: 2, Verbose: -1})
:save-model "` + sessFile + `"
:save-model sess "` + sessFile + `"
:load-model sess '` + sessFile + `'
:save-model m "` + modelFile + `"
:load-model m ` + "`" + modelFile + "`" + `
n := 3
:save-model n /tmp/never.st
:save-model "unterminated
`
	out, errOut, _ := runPiped(t, cells)
	for _, want := range []string{
		"saved sess to " + sessFile + "\n",
		"restored sess from " + sessFile + "\n",
		"saved m to " + modelFile + "\n",
		"restored m from " + modelFile + "\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stdout lacks %q:\n%s", want, out)
		}
	}
	for _, want := range []string{
		"several sessions and models (m, sess)",
		"save-model: n is a int, not a session or model (no Save method)",
		"unterminated quoted argument",
	} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if _, err := os.Stat("/tmp/never.st"); err == nil {
		t.Error(":save-model of an int wrote a file")
	}
}

// TestTimeitSaysItTrained checks that :timeit of a training step says that
// the model trained further, and of anything else says nothing of it.
func TestTimeitSaysItTrained(t *testing.T) {
	out, errOut, status := runPiped(t, trainable+":timeit sess.Run(train, feed)\n:timeit sess.Run(loss, feed)\n")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	if n := strings.Count(out, "note: timing trained the model: sess ran "); n != 1 {
		t.Errorf("%d notes of training, want 1:\n%s", n, out)
	}
}

// TestRunFromFile checks that :run places errors at the file's lines and
// runs no cell after main returned.
func TestRunFromFile(t *testing.T) {
	script := writeFile(t, "cells.go", `package main

import "fmt"

func main() {
	x := 1
	// %% two
	if x == 1 {
		fmt.Println("returning")
		return
	}
	// %% three
	fmt.Println("after return")
}
`)
	out, errOut, status := runPiped(t, ":run "+script+"\nx + 1\n")
	if status != 0 || out != "returning\n2\n" {
		t.Errorf("after a return: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	spaced := filepath.Join(t.TempDir(), "my cells.go")
	src, _ := os.ReadFile(script)
	os.WriteFile(spaced, src, 0o600)
	out, errOut, status = runPiped(t, ":run \""+spaced+"\"\n:run \""+spaced+"\":1\n:load '"+spaced+"'\n")
	if status != 0 || out != "returning\nreturning\n" || errOut != "" {
		t.Errorf("quoted paths: status %d, stdout %q, stderr %q", status, out, errOut)
	}
	bad := writeFile(t, "bad.go", "package main\n\nfunc main() {\n\t// %% one\n\ty := 2\n\t// %% two\n\n\tz := nosuch\n\t_ = z\n}\n")
	_, errOut, _ = runPiped(t, ":run "+bad+"\ny\n")
	if !strings.Contains(errOut, bad+":8:7: undefined: nosuch (cell 2)") {
		t.Errorf(":run error %q, want it at %s:8:7", errOut, bad)
	}
}

// TestInterruptSaysStep stops a training loop with an interrupt and checks
// that the message says which training step the session reached.
func TestInterruptSaysStep(t *testing.T) {
	cmd := exec.Command(nnlabBin)
	cmd.Env, _ = testEnv(t)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, errb := &syncBuffer{}, &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	stdin.Write([]byte(trainable + "fmt.Println(\"training\")\nfor { sess.Run(train, feed) }\n"))
	if err := out.waitFor("training", hangGuard); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // let it take some steps
	cmd.Process.Signal(os.Interrupt)
	if err := errb.waitFor("interrupted: sess after training step ", hangGuard); err != nil {
		t.Fatal(err)
	}
	stdin.Close()
	cmd.Wait()
}

// TestNoColorInTerminal checks NO_COLOR and TERM=dumb in the REPL on a
// pseudo-terminal: a digit is drawn without colour, and as plain ASCII on
// a dumb terminal.
func TestNoColorInTerminal(t *testing.T) {
	digit := `d := make([]float32, 784); for i := 300; i < 320; i++ { d[i] = 1 }; nn.NewTensor(d, 28, 28)`
	for _, tc := range []struct {
		name string
		env  []string
		bad  []string // what the drawing must not contain
	}{
		{"NO_COLOR", []string{"NO_COLOR=1", "TERM=xterm-256color", "COLORTERM=truecolor", "LANG=C.UTF-8"}, []string{"\x1b[38;", "\x1b[48;"}},
		{"TERM=dumb", []string{"TERM=dumb", "LANG=C.UTF-8"}, []string{"\x1b[38;", "\x1b[48;", "▀", "▄", "█"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env, _ := testEnv(t)
			env = append(env, tc.env...)
			env = append(env, "NNLAB_DISPLAY=")
			tm := startTerm(t, env)
			mark := len(rawOutput(tm.out))
			tm.send(digit + "\r")
			tm.expect("Tensor(shape=[28,28], float32)")
			tm.expect(">>> ")
			drawn := rawOutput(tm.out)[mark:]
			if !strings.Contains(drawn, "Tensor(shape=[28,28], float32)") {
				t.Fatalf("no digit drawn: %q", drawn)
			}
			for _, b := range tc.bad {
				if strings.Contains(drawn, b) {
					t.Errorf("%s: the drawing contains %q: %q", tc.name, b, drawn)
				}
			}
			tm.exit()
		})
	}
}

// rawOutput is everything b received, escape codes included.
func rawOutput(b *syncBuffer) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

// TestDisplayDataSets checks that the MNIST data sets print by their
// fields, at the prompt and in :vars, not as pointers.
func TestDisplayDataSets(t *testing.T) {
	out, errOut, status := runPiped(t, "data, err := mnist.ReadDataSets(\"MNIST_data/\", true)\ndata\n:vars\nacc := data.Test.Images.At(0, 300)\nfloat32(0.9075), float64(float32(0.9075))\n")
	if status != 0 {
		t.Fatalf("status %d: %s", status, errOut)
	}
	for _, want := range []string{
		"&mnist.DataSets{\n  Train: &mnist.DataSet{Images: Tensor(shape=[55000,784], float32), Labels: Tensor(shape=[55000,10], float32), NumExamples: 55000},\n",
		"data  *mnist.DataSets  &mnist.DataSets{Train: *mnist.DataSet, Validation: *mnist...",
		"(0.9075, 0.9075)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "0x") {
		t.Errorf("a pointer is shown:\n%s", out)
	}
}

// TestFitOnDumbTerminal checks that Fit on TERM=dumb prints a line per
// epoch: no bar or chart redrawn in place.
func TestFitOnDumbTerminal(t *testing.T) {
	if testing.Short() {
		t.Skip("trains on MNIST")
	}
	env, _ := testEnv(t)
	env = append(env, "TERM=dumb", "LANG=C.UTF-8")
	tm := startFitTerm(t, env)
	mark := len(rawOutput(tm.out))
	tm.send("h := m.Fit(data.Validation, model.FitOptions{Epochs: 2, BatchSize: 64})\r")
	tm.expect("Epoch 2/2")
	tm.expect(">>> ")
	out := rawOutput(tm.out)[mark:]
	// What Fit wrote: from the first epoch line to the next prompt.
	if i := strings.Index(out, "Epoch 1/2"); i >= 0 {
		out = out[i:]
	}
	if i := strings.Index(out, ">>> "); i >= 0 {
		out = out[:i]
	}
	out = out[:strings.LastIndex(out, "\n")+1] // the prompt's redrawing is readline's
	for _, bad := range []string{"\x1b[K", "A\x1b[2K", "\x1b[2K", "⠀", "──"} {
		if strings.Contains(out, bad) {
			t.Errorf("Fit on TERM=dumb wrote %q: %q", bad, out)
		}
	}
	if strings.Count(out, "Epoch ") != 2 {
		t.Errorf("want one line per epoch: %q", out)
	}
	tm.exit()
}
