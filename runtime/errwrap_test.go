package runtime

import "testing"

// TestErrorUnwrapMethod: errors.Is and errors.As did not follow an Unwrap
// method of the user's error types (yaegi's wrapper for compiled code has
// only Error), and comparing an error that came back from compiled code
// with one of the cell's (errors.Unwrap(w) == err) panicked with
// "comparing uncomparable type". A type with Unwrap() []error, which the
// new wrapper does not fit, must still work as before.
func TestErrorUnwrapMethod(t *testing.T) {
	s, _, _ := newSession(t)
	runSteps(t, s, []step{
		{cell: "import (\n\t\"errors\"\n\t\"io\"\n)\ntype ValidationError struct{ Field string; Err error }\nfunc (v *ValidationError) Error() string { return v.Field + \": \" + v.Err.Error() }\nfunc (v *ValidationError) Unwrap() error { return v.Err }\nvar ErrRequired = errors.New(\"required\")"},
		{cell: "var err error = &ValidationError{\"name\", ErrRequired}\nerrors.Is(err, ErrRequired)", out: "true"},
		{cell: "w := fmt.Errorf(\"save: %w\", err)\nvar ve *ValidationError\nerrors.Is(w, ErrRequired) && errors.As(w, &ve) && ve.Field == \"name\"", out: "true"},
		{cell: "errors.Unwrap(w) == err, errors.Unwrap(w) != err, err == ErrRequired", out: "(true, false, false)"},
		{cell: "e2 := io.EOF\ne2 == io.EOF && err != io.EOF", out: "true"},
		{cell: "type Multi struct{ errs []error }\nfunc (m Multi) Error() string { return fmt.Sprint(len(m.errs), \" errors\") }", out: ""},
		{cell: "func (m Multi) Unwrap() []error { return m.errs }"},
		{cell: "var me error = Multi{[]error{ErrRequired}}\nfmt.Sprint(me, len(me.(Multi).Unwrap()))", out: `"1 errors 1"`},
		{cell: "me == me", errSub: "comparing uncomparable type"},
	})
}
