package runtime

import (
	"fmt"
	"strings"
)

// recoverShow, deferred by the functions that format a user's values,
// turns a panic in a formatter (a String method of a zero value, say)
// into one line naming the type, so that showing a value can never end
// the session.
func recoverShow(out *string, what func() string) {
	r := recover()
	if r == nil {
		return
	}
	msg := strings.SplitN(fmt.Sprint(r), "\n", 2)[0]
	*out = fmt.Sprintf("<%s cannot be shown: its formatting panicked: %s>", what(), msg)
}

// typesOf names the types of vals for recoverShow: "*nn.Tensor".
func typesOf(vals []any) func() string {
	return func() string {
		ts := make([]string, len(vals))
		for i, v := range vals {
			ts[i] = fmt.Sprintf("%T", v)
			// Interpreted values behind an interface arrive in yaegi's
			// wrapper types: stdlib._fmt_Stringer is a fmt.Stringer.
			if w, ok := strings.CutPrefix(ts[i], "stdlib._"); ok {
				ts[i] = strings.Replace(w, "_", ".", 1)
			}
			if ts[i] == "stdlib.stringer" { // nnlab's own wrapper (stdlib/maptypes.go)
				ts[i] = "fmt.Stringer"
			}
		}
		if len(ts) == 1 {
			return "a value of type " + ts[0]
		}
		return "values of types " + strings.Join(ts, ", ")
	}
}
