package runtime

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// nnlabSync is the package of the checked mutexes that the symbol tables
// give the user's code in place of sync's.
const nnlabSync = "github.com/nnlab/nnlab/internal/sync"

// blockedAfter is how long a cell waits, with every goroutine of the
// user's blocked, before the session says so (see watchBlocked).
const blockedAfter = 5 * time.Second

// waitStates are the states, as Go's stack traces name them, of a
// goroutine that only another goroutine can wake.
var waitStates = map[string]bool{
	"chan receive": true, "chan send": true, "select": true, "select (no cases)": true,
	"chan receive (nil chan)": true, "chan send (nil chan)": true,
	"sync.WaitGroup.Wait": true, "sync.Mutex.Lock": true, "sync.RWMutex.Lock": true,
	"sync.RWMutex.RLock": true, "sync.Cond.Wait": true, "semacquire": true,
}

// watchBlocked runs beside the cell that runner's execution runs until
// stopped is closed. Where Go would end a program whose goroutines all
// wait ("fatal error: all goroutines are asleep - deadlock!"), the cell
// would wait until Ctrl-C without a word: once the cell and every other
// goroutine running interpreted code have been seen waiting on a channel,
// a select, a WaitGroup or a lock, straight from the user's code, twice a
// second apart after after, it says so once. A goroutine that computes,
// sleeps, or waits inside a compiled call (input, the network) keeps it
// quiet, so a training loop never triggers it; a timer or a signal that
// will wake the cell cannot be seen, so the message names them.
func (s *Session) watchBlocked(runner uint64, stopped <-chan struct{}, after time.Duration) {
	start := time.Now()
	t := time.NewTimer(after)
	defer t.Stop()
	seen := 0
	for {
		select {
		case <-stopped:
			return
		case <-t.C:
		}
		what := allBlocked(runner)
		if what == "" {
			seen = 0
		} else if seen++; seen == 2 {
			select {
			case <-stopped:
			default:
				fmt.Fprintf(s.stderr, "this cell has waited %s on %s, and no goroutine of yours is running: unless a timer, a signal or another program wakes it, it is a deadlock (Go would stop with \"all goroutines are asleep\"); press Ctrl-C to stop it\n", time.Since(start).Round(time.Second), what)
			}
			return
		}
		t.Reset(time.Second)
	}
}

// allBlocked names what the cell run from runner waits on (a channel
// receive, a select, ...) when it and every other goroutine running
// interpreted code wait for one another; "" otherwise.
func allBlocked(runner uint64) string {
	marker := executionMarker(runner)
	what := ""
	for _, g := range allStacks() {
		if !strings.Contains(g, "github.com/traefik/yaegi/interp.runCfg(") {
			continue // not running interpreted code
		}
		op, ok := waitsOn(g)
		if !ok {
			return ""
		}
		if strings.Contains(g+"\n", marker) {
			what = op
		}
	}
	return what
}

// waitsOn reports whether the goroutine of stack g waits, straight from
// interpreted code, for another goroutine, and names the operation.
func waitsOn(g string) (string, bool) {
	head, _, _ := strings.Cut(g, "\n")
	i, j := strings.IndexByte(head, '['), strings.LastIndexByte(head, ']')
	if i < 0 || j < i {
		return "", false
	}
	state, _, _ := strings.Cut(head[i+1:j], ",") // "chan receive, 5 minutes"
	if !waitStates[state] {
		return "", false
	}
	op := ""
	for _, f := range frames(g) {
		switch {
		case strings.HasPrefix(f, "sync.(*WaitGroup).Wait"):
			op = "a sync.WaitGroup's Wait"
		case strings.Contains(f, "sync.(*Mutex).Lock"), strings.Contains(f, "sync.(*RWMutex).Lock"), strings.Contains(f, "sync.(*RWMutex).RLock"):
			if op == "" {
				op = "a lock"
			}
		case strings.HasPrefix(f, "sync.(*Cond).Wait"):
			op = "a sync.Cond's Wait"
		case strings.HasPrefix(f, "runtime."), strings.HasPrefix(f, "internal/"), strings.HasPrefix(f, "reflect."),
			strings.HasPrefix(f, "sync."), strings.HasPrefix(f, nnlabSync+"."):
		case strings.HasPrefix(f, "github.com/traefik/yaegi/interp."):
			if op != "" {
				return op, true
			}
			name := strings.TrimPrefix(f, "github.com/traefik/yaegi/interp.")
			switch {
			case strings.HasPrefix(name, "recv"):
				return "a channel receive", true
			case strings.HasPrefix(name, "send"):
				return "a channel send", true
			case strings.HasPrefix(name, "_select"):
				return "a select", true
			}
			return "a wait", true
		default:
			return "", false // inside a compiled package's call
		}
	}
	return "", false
}

// allStacks returns the stack of every goroutine, one string each.
func allStacks() []string {
	buf := make([]byte, 1<<16)
	for {
		n := goruntimeStack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	return strings.Split(string(buf), "\n\n")
}

// executionMarker is the line that ends the stack of the goroutine
// yaegi's ExecuteWithContext started from goroutine runner.
func executionMarker(runner uint64) string {
	return "interp.(*Interpreter).ExecuteWithContext in goroutine " + strconv.FormatUint(runner, 10) + "\n"
}
