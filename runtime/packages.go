package runtime

import (
	"strings"

	"github.com/nnlab/nnlab/stdlib"
)

// sourcePackages are the packages yaegi compiles from its own generic
// source when it is given the standard library (interp.Use).
var sourcePackages = map[string]bool{"cmp": true, "maps": true, "slices": true}

// shipped reports whether user code can import path: a compiled package
// of stdlib.Symbols, one of yaegi's source packages, or the runtime's own.
func shipped(path string) bool {
	if sourcePackages[path] || path == rtPath {
		return true
	}
	name := path
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		name = path[i+1:]
	}
	// A table's key is the path and the package's name: "math/rand/v2/rand".
	if stdlib.Symbols[path+"/"+name] != nil {
		return true
	}
	for k := range stdlib.Symbols {
		if strings.HasPrefix(k, path+"/") && !strings.Contains(k[len(path)+1:], "/") {
			return true
		}
	}
	return false
}
