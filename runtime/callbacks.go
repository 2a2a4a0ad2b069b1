package runtime

import (
	"context"
	"fmt"
	"reflect"
	"time"

	"github.com/traefik/yaegi/interp"
)

// callbackExports replace the functions of the shipped symbol tables that
// call a func of the user's on a goroutine of their own. A panic there
// would end the process (no cell is running to catch it); the wrapped
// versions report it on stderr, as a go statement's panic is (see
// __nnlab_go), and the session goes on.
//
// The tables (stdlib/*.go) are generated; these entries are applied over
// them with Use, after the tables. A `go` statement is rewritten instead
// (rewrite.go), and callbacks that compiled code calls on the caller's
// goroutine (sort.Slice, sync.Once.Do, model.EpochSchedule) need nothing:
// their panics reach the cell.
func (s *Session) callbackExports() interp.Exports {
	return interp.Exports{
		"time/time": {
			"AfterFunc": reflect.ValueOf(func(d time.Duration, f func()) *time.Timer {
				return time.AfterFunc(d, s.reportPanic("time.AfterFunc", f))
			}),
		},
		"context/context": {
			"AfterFunc": reflect.ValueOf(func(ctx context.Context, f func()) (stop func() bool) {
				return context.AfterFunc(ctx, s.reportPanic("context.AfterFunc", f))
			}),
		},
	}
}

// reportPanic wraps f, called by what on a goroutine of its own, so that a
// panic in it is reported instead of ending the process.
func (s *Session) reportPanic(what string, f func()) func() {
	if f == nil {
		return nil // as the original: it panics when the time comes
	}
	return func() {
		defer func() {
			if r := recover(); r != nil {
				fmt.Fprintf(s.stderr, "panic in a %s callback: %v\n", what, r)
			}
		}()
		f()
	}
}
