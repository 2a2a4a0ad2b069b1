package runtime

import (
	"context"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestCheckMessages: compile errors read like the Go compiler's, at the
// user's line, with a hint for Python and TensorFlow habits, and with no
// interpreter internals.
func TestCheckMessages(t *testing.T) {
	setup := []string{
		`type DS struct{ NumExamples int; Images []float32 }`,
		`func (d DS) Len() int { return d.NumExamples }`,
		`type Data struct{ Train, Test DS }`,
		`data := &Data{Train: DS{NumExamples: 3}}`,
		`sess := nn.NewSession()`,
		`x := nn.Placeholder(2, 2)`,
		`import "github.com/nnlab/nnlab/nn/model"`,
		`km := model.Sequential(model.Input(784), model.Dense(10, "softmax"))`,
	}
	for _, tc := range []struct{ cell, want string }{
		{"km.compile(optimizer=nn.AdamOptimizer(0.1))", "e.g. km.Compile(nn.AdamOptimizer(0.1)) (km.Compile is func(nn.Optimizer, ...string) *model.Model)"},
		{`m := model.Sequential(model.Input(784)); m.fit(x, x, epochs=5, batch_size=128, shuffle=true)`, "Go has no keyword arguments: Fit takes its options as a struct, e.g. m.Fit(x, x, model.FitOptions{Epochs: 5, BatchSize: 128})"},
		{"sess.run(x, nil)", "line 1:6: sess.run undefined (type *nn.Session has no field or method run); did you mean Run?"},
		{"sess.Rnu(x, nil)", "did you mean Run?"},
		{"data.train.NumExamples", "line 1:6: data.train undefined (type *Data has no field or method train); did you mean Train?"},
		{"data.Train.num_examples", "did you mean NumExamples?"},
		{"y := nn.Matmul(x, x)", "line 1:9: undefined: nn.Matmul; did you mean nn.MatMul?"},
		{"loss := nn.SoftmaxCrossEntropyWithLogits(labels=x, logits=x)", "Go has no keyword arguments: pass the values in the order of the parameters, e.g. nn.SoftmaxCrossEntropyWithLogits(x, x) (nn.SoftmaxCrossEntropyWithLogits is func(*nn.Node, *nn.Node) *nn.Node)"},
		{"learning_rate = 1e-4", "line 1:1: undefined: learning_rate; to declare a new variable, write learning_rate := ..."},
		{"data.Train.NumExamples()", "NumExamples is a field, not a method or function: write data.Train.NumExamples without ()"},
		{"n := data.Train.Len + 1", "Len is a method, not a field: call it, data.Train.Len()"},
		{"nn.MatMul(x)", "not enough arguments in call to nn.MatMul, have (*nn.Node), want (*nn.Node, *nn.Node)"},
		{"return", "line 1:1: return outside a function"},
		{"first := nosuch.Field", "line 1:10: undefined: nosuch"},
		{`import "runtime"`, `line 1:8: nnlab does not ship package runtime (the README`},
		{`import "rand"`, `line 1:8: nnlab does not ship package rand; did you mean "math/rand"?`},
		{"type List struct{ head *elem }", "line 1:25: undefined: elem; declare elem in an earlier cell, or in the same cell"},
		{"func later() int { return sooner() }", "line 1:27: undefined: sooner; declare sooner in an earlier cell, or in the same cell"},
		{"v := True", "undefined: True; Go spells it true"},
		{"xs := []int{2, 1}; sort.Ints(xs)", `line 1:20: undefined: sort; the package is not imported: add import "sort"`},
		{"p := nn.Placeholder(nn.Float32, []int{-1, 784})", "in argument to nn.Placeholder; nn.Placeholder is func(...int) *nn.Node"},
		{"w := nn.Variable(nn.Zeros(784, 10))", "nn.Variable is func(*nn.Initializer) *nn.Node; make a *nn.Initializer with nn.Constant(...), nn.GlorotUniform(...)"},
		{"sess.Run(3, nil)", "sess.Run is func(*nn.Node, nn.Feed) *nn.Tensor"},
		{"r := rand.Intn(3)", `undefined: rand; the package is not imported: add import "math/rand"`},
		{`m := model.New(); m.Compile("adam")`, "string does not implement nn.Optimizer (missing method Minimize); make a nn.Optimizer with nn.AdamOptimizer(...), nn.GradientDescentOptimizer(...)"},
		{"for i in range(10):", "line 1:7: expected '{', found in; Go loops with range: for i := range 10 { ... }"},
		{"def f(x):", "Go declares functions with func"},
		{"ys := [1, 2, 3]", "line 1:9: unexpected comma; expecting ]; Go writes a list as a slice literal: []float64{1, 2, 3}"},
		{`d := {"a": 1}`, `Go writes a dict as a map literal: map[string]int{"a": 1}`},
		{"z := 1 if true else 2", "Go has no conditional expression"},
		{`fmt.Println(f"{x}")`, "Go formats with fmt.Sprintf"},
		{"v := 3; w := v ** 2", "Go has no ** operator: math.Pow(x, y)"},
		{"ok := not true", "Go writes not as !"},
		{"b := true and false", "Go writes and, or as &&, ||"},
		{"g := lambda x: x", "Go writes a function literal"},
		{"xs := []int{1}; last := xs[-1]", "Go has no negative indexes: the last element is xs[len(xs)-1]"},
		{"xs := []int{1}; xs.append(2)", "append is a builtin function: xs = append(xs, ...)"},
		{"v := None", "line 1:6: undefined: None; Go spells it nil"},
		{"import tensorflow as tf", "the API of TensorFlow is package nn here, and MNIST's is mnist, both imported already: tf.matmul is nn.MatMul"},
		{"from tensorflow.examples.tutorials.mnist import input_data", "the API of TensorFlow is package nn here"},
		{"import numpy as np", "numpy's arrays are nn's tensors here: nn.NewTensor(values, shape...)"},
		{"t := nn.Zeros(2, 3); v := t[0]", "cannot index t (variable of type *nn.Tensor); a tensor's values are t.At(i, j) (one value) or t.Data()"},
		{"a := nn.ScalarConst(1); s := nn.NewSession(); s.Run([]*nn.Node{a, a}, nil)", "to fetch several nodes at once, sess.RunAll([]*nn.Node{a, b}, feed)"},
		{"a := nn.ScalarConst(1); b := a + a", "operator + not defined on a (variable of type *nn.Node); nodes combine with nn.Add(a, b), nn.Sub, nn.Mul and nn.Div"},
		{"a := nn.ScalarConst(1); b := a * 2", "(mismatched types *nn.Node and untyped int); nodes combine with nn.Add(a, b)"},
		{"c := nn.MatMul(nn.Constant(1, []int{2, 3}), nn.Const(nn.Ones(3, 2)))", "nn.Constant makes an initializer for nn.Variable; a constant node is nn.Const(t), such as nn.Const(nn.Ones(2, 3))"},
		{"t := nn.Zeros([]int{2, 3})", "nn.Zeros is func(...int) *nn.Tensor; pass the sizes one by one, nn.Zeros(2, 3), or a slice as nn.Zeros(shape...)"},
		{"x := nn.Placeholder(nn.Float32, []int{-1, 784})", "it takes only the shape (values are float32): nn.Placeholder(nn.None, 784)"},
		{"t := nn.Zeros(2, 3); n := len(t)", "a tensor's size is t.Len() (its values) or t.Shape()[0] (its rows)"},
		{"fmt.Println(x", "line 1:14: missing ',' before newline in argument list"},
	} {
		s, _, _ := newSession(t)
		for _, c := range setup {
			if _, err := s.Eval(context.Background(), c); err != nil {
				t.Fatalf("set-up %q: %v", c, err)
			}
		}
		_, err := s.Eval(context.Background(), tc.cell)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s", tc.cell, err, tc.want)
			continue
		}
		for _, bad := range []string{"CFG", "16000001", "nil reflect", "definition loop", "panic"} {
			if strings.Contains(err.Error(), bad) {
				t.Errorf("%q: %v: interpreter internals (%s)", tc.cell, err, bad)
			}
		}
		if msg := err.Error(); strings.HasSuffix(msg, ": ") || strings.Contains(msg, "\n") {
			t.Errorf("%q: %q is not one whole line", tc.cell, msg)
		}
	}
}

// TestLongLineMessages: a compile error in a very long line quotes a short
// part of it (go/types repeats a literal or an expression whole), and
// keeps the position and what is wrong.
func TestLongLineMessages(t *testing.T) {
	s, _, _ := newSession(t)
	long := strings.Repeat("a", 100000)
	sum := strings.Repeat("xx + ", 20000) + "xx"
	for _, tc := range []struct{ cell, start, end string }{
		{`var q int = "` + long + `"`, `line 1:13: cannot use "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" (untyped string constant`, "as int value in variable declaration"},
		{`var q int = "` + strings.Repeat("é", 3000) + `"`, `line 1:13: cannot use "ééééééééééééééééééé…"`, "as int value in variable declaration"},
		{"xx := \"s\"\nvar w int = " + sum, "line 2:13: cannot use xx + xx", " + xx (value of type string) as int value in variable declaration"},
	} {
		_, err := s.Eval(context.Background(), tc.cell)
		if err == nil {
			t.Fatalf("%.40q: no error", tc.cell)
		}
		msg := err.Error()
		if len(msg) > 600 || !strings.HasPrefix(msg, tc.start) || !strings.HasSuffix(msg, tc.end) || !utf8.ValidString(msg) {
			t.Errorf("%.40q: message of %d bytes %.300q", tc.cell, len(msg), msg)
		}
	}
}

// TestCellOfOnlyAComment: a cell that is only an unterminated comment says
// so (it has no statements, and was dropped without a word); a cell of
// whole comments is nothing to run.
func TestCellOfOnlyAComment(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "x := 1"},
		{cell: "/* open comment\nx := 2", errSub: "line 1:1: comment not terminated"},
		{cell: "// a comment\n/* and another */"},
		{cell: "x", out: "1"},
	})
}
