package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

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
