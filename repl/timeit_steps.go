package repl

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// sessionSteps matches the training step count in an *nn.Session's String.
var sessionSteps = regexp.MustCompile(`(\d+) training steps?\)$`)

// trainingSteps reads how many training steps each of the user's
// *nn.Session values has run, so that :timeit can say when timing a
// statement trained the model further.
func (r *REPL) trainingSteps(ctx context.Context) map[string]int {
	typer, ok := r.sess.(TypeNamer)
	if !ok {
		return nil
	}
	steps := map[string]int{}
	r.keepAns(ctx, func() {
		for _, n := range r.sess.Names() {
			if t, ok := typer.TypeOf(n); !ok || t != "*nn.Session" {
				continue
			}
			s, err := r.evalQuoted(ctx, "fmt.Sprint("+n+")")
			if err != nil {
				continue
			}
			if m := sessionSteps.FindStringSubmatch(s); m != nil {
				steps[n], _ = strconv.Atoi(m[1])
			}
		}
	})
	return steps
}

// trainedNote says which sessions trained further between before and
// after, or "".
func trainedNote(before, after map[string]int) string {
	var parts []string
	for n, a := range after {
		if b, ok := before[n]; ok && a > b {
			parts = append(parts, fmt.Sprintf("%s ran %d more training steps", n, a-b))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	sort.Strings(parts)
	return "note: timing trained the model: " + strings.Join(parts, ", ") + " (its weights changed)"
}

// interruptedAt is the message for a cell stopped by Ctrl-C: with the
// training step each session has reached, when there are sessions (a
// training loop stops between two steps, and the weights keep what they
// learned).
func (r *REPL) interruptedAt() string {
	// The stopped cell may still be finishing a compiled call: do not wait.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	steps := r.trainingSteps(ctx)
	var parts []string
	for n, k := range steps {
		if k > 0 {
			parts = append(parts, fmt.Sprintf("%s after training step %d", n, k))
		}
	}
	if len(parts) == 0 {
		return "interrupted"
	}
	sort.Strings(parts)
	return "interrupted: " + strings.Join(parts, ", ")
}
