package runtime

import (
	"go/types"
	"testing"
	"time"

	"github.com/nnlab/nnlab/stdlib"
)

// TestTypeConvAllPackages converts every package of the symbol tables and
// spot-checks a few objects against what Go says about them.
func TestTypeConvAllPackages(t *testing.T) {
	c := newTypeConv(stdlib.Symbols)
	start := time.Now()
	for path := range c.tables {
		if _, err := c.Import(path); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("converted %d packages in %v", len(c.tables), time.Since(start))
	for _, tc := range []struct{ path, name, want string }{
		{"strings", "ToUpper", "func strings.ToUpper(string) string"},
		{"fmt", "Stringer", "type fmt.Stringer interface{String() string}"},
		{"time", "Second", "const time.Second time.Duration"},
		{"bufio", "MaxScanTokenSize", "const bufio.MaxScanTokenSize untyped int"},
		{"os", "Stdout", "var os.Stdout *os.File"},
		{"fmt", "Println", "func fmt.Println(...interface{}) (int, error)"},
	} {
		p, _ := c.Import(tc.path)
		o := p.Scope().Lookup(tc.name)
		if o == nil {
			t.Errorf("%s.%s: missing", tc.path, tc.name)
			continue
		}
		if got := types.ObjectString(o, nil); got != tc.want {
			t.Errorf("%s.%s = %q, want %q", tc.path, tc.name, got, tc.want)
		}
	}
	p, _ := c.Import("bytes")
	buf := p.Scope().Lookup("Buffer").Type()
	ms := types.NewMethodSet(types.NewPointer(buf))
	if ms.Len() < 10 {
		t.Errorf("*bytes.Buffer has %d methods", ms.Len())
	}
}

// TestTypeConvSealedInterface: a compiled type implements an interface of
// its package with unexported methods, which reflect's method lists lack.
func TestTypeConvSealedInterface(t *testing.T) {
	c := newTypeConv(stdlib.Symbols)
	p, err := c.Import("github.com/nnlab/nnlab/nn")
	if err != nil {
		t.Fatal(err)
	}
	opt := p.Scope().Lookup("Optimizer").Type().Underlying().(*types.Interface)
	adam := p.Scope().Lookup("AdamOptimizer").Type().(*types.Signature).Results().At(0).Type()
	if !types.Implements(adam, opt) {
		t.Errorf("%v does not implement nn.Optimizer", adam)
	}
	if types.Implements(types.Typ[types.Int], opt) {
		t.Error("int implements nn.Optimizer")
	}
}
