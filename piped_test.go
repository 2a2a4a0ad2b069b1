package main

import (
	"os/exec"
	"strings"
	"testing"
)

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
			// A value or a message starts its own line; the cells' own
			// output joins up as the program's would.
			name:       "output without a newline",
			input:      "fmt.Print(\"a\")\nfmt.Print(\"b\")\n1 + 1\nfmt.Print(\"c\")\nnosuch\nfmt.Println(\"d\")\n",
			wantOut:    "ab\n2\nc\nd\n",
			wantErr:    []string{"line 5:1: undefined: nosuch"},
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
