package runtime

// sourcePackages are the packages yaegi compiles from its own generic
// source when it is given the standard library (interp.Use).
var sourcePackages = map[string]bool{"cmp": true, "maps": true, "slices": true}

// shipped reports whether user code can import path: a package of the
// symbol tables the interpreter was given, or one of yaegi's source
// packages. yaegi itself would look for any other one under GOPATH and
// explain GOPATH instead of naming the package.
func (s *Session) shipped(path string) bool {
	return sourcePackages[path] || len(s.in.Symbols(path)) > 0
}
