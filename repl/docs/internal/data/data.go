// Package data is the format of the documentation that package docs embeds
// and that its generator (../gen) writes: JSON with one package or symbol
// per line, so that a regeneration shows as a readable diff.
package data

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Set is all the documentation: the packages, then their symbols.
type Set struct {
	Packages []*Package `json:"packages"`
	Symbols  []*Symbol  `json:"symbols"`
}

// Package is a package overview.
type Package struct {
	Path     string     `json:"path"`               // import path
	Name     string     `json:"name"`               // package name
	Project  bool       `json:"project,omitempty"`  // one of nnlab's own packages
	Doc      string     `json:"doc,omitempty"`      // package comment as text, maybe shortened
	Examples []*Example `json:"examples,omitempty"` // package-level Example functions
}

// Symbol is one exported constant, variable, function, type or method.
type Symbol struct {
	Path     string     `json:"path"`               // import path of its package
	Name     string     `json:"name"`               // "MatMul", or "Session.Run" for a method
	Kind     string     `json:"kind"`               // "const", "var", "func", "type" or "method"
	Type     string     `json:"type,omitempty"`     // for a func, the type it constructs (go/doc's association)
	Decl     string     `json:"decl"`               // declaration, formatted (maybe shortened)
	Doc      string     `json:"doc,omitempty"`      // doc comment as text, maybe shortened
	Examples []*Example `json:"examples,omitempty"` // Example functions for this symbol
}

// Example is one Example function: its body and expected output.
type Example struct {
	Suffix string `json:"suffix,omitempty"` // "" or the part after the symbol, e.g. "second"
	Code   string `json:"code"`
	Output string `json:"output,omitempty"`
}

// Encode writes s as JSON, one package or symbol per line.
func Encode(s *Set) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	b.WriteString("{\"packages\": [\n")
	for i, p := range s.Packages {
		if err := enc.Encode(p); err != nil {
			return nil, err
		}
		sep(&b, i, len(s.Packages))
	}
	b.WriteString("],\n\"symbols\": [\n")
	for i, y := range s.Symbols {
		if err := enc.Encode(y); err != nil {
			return nil, err
		}
		sep(&b, i, len(s.Symbols))
	}
	b.WriteString("]}\n")
	return b.Bytes(), nil
}

// sep replaces the encoder's newline after element i of n with ",\n"
// unless it is the last.
func sep(b *bytes.Buffer, i, n int) {
	if i < n-1 {
		b.Truncate(b.Len() - 1)
		b.WriteString(",\n")
	}
}

// Decode reads what Encode wrote.
func Decode(b []byte) (*Set, error) {
	var s Set
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("documentation data: %v", err)
	}
	return &s, nil
}
