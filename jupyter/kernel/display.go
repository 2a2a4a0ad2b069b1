package kernel

import (
	"io"
	"sync"

	"github.com/nnlab/nnlab/jupyter/mime"
	"github.com/nnlab/nnlab/jupyter/wire"
)

// Display sends rich output (display_data and update_display_data) to the
// front end at the point the running cell has reached in its output: what
// the cell wrote to stdout and stderr before is sent first.
type Display struct {
	k *Kernel
}

// Value sends display_data with v's MIME bundle (see mime.For), text being
// v's display in the REPL. It is what display(v) does in a notebook
// (runtime.Options.Display).
func (d *Display) Value(v any, text string) {
	d.Send(mime.For(v, text), "", false)
}

// Send sends data as display_data, or with update as update_display_data
// of the display id (which update requires). An id given to display_data
// lets later updates replace it in place; it is transient, so a saved
// notebook keeps the output and not the id.
func (d *Display) Send(data mime.Bundle, id string, update bool) {
	parent := d.flush()
	content := map[string]any{"data": data, "metadata": map[string]any{}}
	if id != "" {
		content["transient"] = map[string]any{"display_id": id}
	}
	msgType := "display_data"
	if update {
		msgType = "update_display_data"
	}
	d.k.publish(parent, msgType, content)
}

// flush sends the cell's pending stream output and returns the request it
// answers.
func (d *Display) flush() *wire.Message {
	d.k.stderr.Flush()
	d.k.stdout.mu.Lock()
	defer d.k.stdout.mu.Unlock()
	d.k.stdout.flushLocked()
	return d.k.stdout.parent
}

// FitOutput returns the writer for Fit's progress (model.Output) in a
// notebook: it writes to w and implements model.Panel, so Fit shows its
// progress and chart in one display updated in place.
func (d *Display) FitOutput(w io.Writer) io.Writer {
	return &fitOutput{Writer: w, d: d}
}

// fitOutput is what FitOutput returns.
type fitOutput struct {
	io.Writer
	d *Display
}

// NewPanel implements model.Panel: the first update sends display_data
// with a new display id, later ones update_display_data of that id.
func (o *fitOutput) NewPanel() func(text string, png []byte) {
	id := "nnlab-fit-" + wire.NewID()
	var mu sync.Mutex
	shown := false
	return func(text string, png []byte) {
		mu.Lock()
		defer mu.Unlock()
		b := mime.Bundle{"text/plain": text}
		if png != nil {
			b["image/png"] = mime.Base64(png)
		}
		o.d.Send(b, id, shown)
		shown = true
	}
}
