package kernel

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"
)

// respondBound is how long the kernel may take to answer a heartbeat or a
// control request while a cell floods stdout: the promise is well under a
// second; the bound is generous for a loaded machine.
const respondBound = 5 * time.Second

// A cell that prints 100,000 lines leaves the kernel responsive: the
// heartbeat and control requests are answered while it runs, all of the
// output arrives, in order, in few messages; and a cell printing without
// end stops on an interrupt.
func TestStreamFloodResponsive(t *testing.T) {
	c := startKernel(t)
	const lines = 100000
	id := c.send(c.shell, "execute_request", map[string]any{"code": fmt.Sprintf("for i := 0; i < %d; i++ {\n\tfmt.Println(i)\n}", lines), "silent": false})
	replied := make(chan map[string]any, 1)
	go func() { replied <- content(t, c.reply(c.shell, id)) }()

	var worst time.Duration
	pings := 0
	var reply map[string]any
	for reply == nil {
		start := time.Now()
		ping := fmt.Sprintf("ping %d", pings)
		if err := c.hb.Send(zmq4.NewMsgString(ping)); err != nil {
			t.Fatal(err)
		}
		echo := make(chan string, 1)
		go func() {
			m, err := c.hb.Recv()
			if err != nil {
				echo <- err.Error()
				return
			}
			echo <- string(m.Bytes())
		}()
		select {
		case got := <-echo:
			if got != ping {
				t.Fatalf("heartbeat echoed %q, want %q", got, ping)
			}
		case <-time.After(respondBound):
			t.Fatalf("no heartbeat within %v while the cell prints", respondBound)
		}
		kid := c.send(c.control, "kernel_info_request", map[string]any{})
		c.reply(c.control, kid)
		worst = max(worst, time.Since(start))
		pings++
		select {
		case reply = <-replied:
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Logf("%d heartbeats and control requests answered while the cell ran; slowest %v", pings, worst)
	if worst > respondBound {
		t.Errorf("a heartbeat and control request took %v", worst)
	}
	if reply["status"] != "ok" {
		t.Fatal(reply)
	}
	out := c.outputs(id)
	var want strings.Builder
	for i := range lines {
		fmt.Fprintln(&want, i)
	}
	if got := text(t, out, "stream"); got != want.String() {
		t.Errorf("output differs: %d bytes, want %d", len(got), want.Len())
	}
	t.Logf("%d lines in %d messages", lines, len(out))
	if len(out) > lines/100 {
		t.Errorf("%d messages for %d lines: not batched", len(out), lines)
	}

	// Printing without end: the interrupt stops it, and the kernel goes on.
	id = c.send(c.shell, "execute_request", map[string]any{"code": "kept := 7\nfor i := 0; ; i++ {\n\tfmt.Println(i)\n}", "silent": false})
	if _, ok := c.waitFor(id, "stream", wait); !ok {
		t.Fatal("the endless loop printed nothing")
	}
	start := time.Now()
	c.reply(c.control, c.send(c.control, "interrupt_request", map[string]any{}))
	reply = content(t, c.reply(c.shell, id))
	latency := time.Since(start)
	t.Logf("interrupt latency while printing: %v", latency)
	if latency > respondBound {
		t.Errorf("the printing loop stopped %v after the interrupt", latency)
	}
	if reply["ename"] != "Interrupted" {
		t.Errorf("reply to the interrupted cell: %v", reply)
	}
	c.drain()
	if _, out := c.execute("kept"); text(t, out, "execute_result") != "7" {
		t.Errorf("after the interrupt: %q, want 7", text(t, out, "execute_result"))
	}
}
