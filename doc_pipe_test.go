package main

import (
	"regexp"
	"strings"
	"testing"
)

// TestDocPiped types :doc, :apropos and :timeit into nnlab through a pipe.
func TestDocPiped(t *testing.T) {
	input := `:doc nn.MatMul
:apropos dropout
sess := nn.NewSession()
:doc sess
:timeit x := 1 + 1
:doc nosuchname
`
	stdout, stderr, status := runPiped(t, input)
	for _, want := range []string{
		"func MatMul(a, b *Node) *Node\n    MatMul multiplies two matrices",
		"nn.Dropout — Dropout zeroes each element",
		"sess: *nn.Session\n",
		"Methods:\n",
		"func (s *Session) Run(fetch *Node, feed Feed) *Tensor\n",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	if !regexp.MustCompile(`(?m)^median \d+(\.\d+)? (ns|µs|ms|s), min \d+(\.\d+)? (ns|µs|ms|s), \d+ runs$`).MatchString(stdout) {
		t.Errorf("no :timeit summary in stdout:\n%s", stdout)
	}
	if want := "line 6: no documentation for nosuchname"; !strings.Contains(stderr, want) || strings.Count(stderr, "\n") != 1 {
		t.Errorf("stderr = %q, want one line with %q", stderr, want)
	}
	if status != 1 {
		t.Errorf("status %d, want 1 (the unknown name failed)", status)
	}
}
