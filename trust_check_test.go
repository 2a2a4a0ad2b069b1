package main

import (
	"strings"
	"testing"
)

// TestTrustCheck types cells into the piped REPL as a learner would: each
// failing cell gets one clear error line, and the cells after it print the
// values from before it unchanged.
func TestTrustCheck(t *testing.T) {
	for _, tc := range []struct {
		name    string
		input   string
		wantOut string   // exact stdout: the probes' displays
		wantErr []string // substrings of stderr, in order
		notErr  []string // must not appear in stderr
	}{
		{
			name:    "a redeclaration beside an undefined name keeps x",
			input:   "x := 42\nx := 43; k := nosuch\nx\n",
			wantOut: "42\n",
			wantErr: []string{"line 2:15: undefined: nosuch"},
		},
		{
			name: "a misspelt initialiser keeps the trained session",
			input: "sess := nn.NewSession()\nw := nn.Variable(nn.Constant(2, []int{1}))\nsess.Run(nn.GlobalVariablesInitializer(), nil);\n" +
				"sess := nn.NewSession(); sess.Run(nn.GlobalVariablesInitialiser(), nil)\n" +
				"sess == nil\nsess.Run(w, nil).Data()[0]\n",
			wantOut: "false\n2\n",
			wantErr: []string{"undefined: nn.GlobalVariablesInitialiser; did you mean nn.GlobalVariablesInitializer?"},
		},
		{
			name:    "a string plus an int keeps x",
			input:   "x := 42\nx := \"a\" + 1\nx\n",
			wantOut: "42\n",
			wantErr: []string{`line 2:6: invalid operation: "a" + 1 (mismatched types untyped string and untyped int)`},
		},
		{
			name:    "a func beside a failing statement is not declared",
			input:   "func ok() int { return 1 }; q := nosuch3\nok()\n",
			wantErr: []string{"undefined: nosuch3", "line 2:1: undefined: ok"},
		},
		{
			name:    "a failure in a block of a multi-line cell",
			input:   "n := 3\nfor i := 0; i < 2; i++ {\n\tn += i\n\tif n > 1 { m := nope; _ = m }\n}\nn\n",
			wantOut: "3\n",
			wantErr: []string{"line 4:18: undefined: nope"},
		},
		{
			name:    "a runtime panic keeps the statements before it",
			input:   "a := 1\nb := 1; a = 2; var s []int; s[5] = 1; b = 3\na\nb\n",
			wantOut: "2\n1\n",
			wantErr: []string{"line 2: panic: runtime error: index out of range [5] with length 0"},
		},
		{
			name:  "habits from Python and TensorFlow",
			input: "sess := nn.NewSession()\nx := nn.Placeholder(2)\nsess.run(x, nil)\nnn.Matmul(x, x)\nlearning_rate = 1e-4\nnn.SoftmaxCrossEntropyWithLogits(labels=x, logits=x)\nreturn\n",
			wantErr: []string{
				"line 3:6: sess.run undefined (type *nn.Session has no field or method run); did you mean Run?",
				"line 4:4: undefined: nn.Matmul; did you mean nn.MatMul?",
				"line 5:1: undefined: learning_rate; to declare a new variable, write learning_rate := ...",
				"Go has no keyword arguments: pass the values in the order of the parameters, e.g. nn.SoftmaxCrossEntropyWithLogits(x, x)",
				"line 7:1: return outside a function",
			},
			notErr: []string{"CFG", "16000001", "reflect", "panic"},
		},
		{
			name:    "a field of a name that does not exist yet",
			input:   "first := data.Test.Images\n",
			wantErr: []string{"line 1:10: undefined: data"},
			notErr:  []string{"panic", "nil pointer"},
		},
		{
			name:    "a type then a var of the same name, typed cell by cell",
			input:   "type Celsius float64\nfunc (c Celsius) String() string { return fmt.Sprintf(\"%.1f C\", float64(c)) }\nc := Celsius(3)\nc.String()\na := 2\nvar b = a + 1\nb\n",
			wantOut: "\"3.0 C\"\n3\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, _ := runPiped(t, tc.input)
			if out != tc.wantOut {
				t.Errorf("stdout = %q, want %q (stderr %q)", out, tc.wantOut, errOut)
			}
			checkInOrder(t, errOut, tc.wantErr)
			for _, bad := range tc.notErr {
				if strings.Contains(errOut, bad) {
					t.Errorf("stderr %q contains %q", errOut, bad)
				}
			}
		})
	}
}

// checkInOrder fails t unless stderr holds each of want, in that order.
func checkInOrder(t *testing.T, stderr string, want []string) {
	t.Helper()
	rest := stderr
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("stderr %q lacks %q (in order)", stderr, w)
			return
		}
		rest = rest[i+len(w):]
	}
}
