package kernel

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/nnlab/nnlab/jupyter/wire"
	"github.com/nnlab/nnlab/runtime"
)

// wait bounds every wait for a message: generous, for a loaded machine.
const wait = 30 * time.Second

// client is a minimal front end speaking to a kernel started by startKernel.
type client struct {
	t       *testing.T
	signer  *wire.Signer
	session string
	shell   zmq4.Socket
	control zmq4.Socket
	iopub   zmq4.Socket
	hb      zmq4.Socket
	msgs    chan *wire.Message // from iopub
	logs    *syncBuffer        // the kernel's log
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// freePorts returns n TCP ports free on 127.0.0.1.
func freePorts(t *testing.T, n int) []int {
	var ports []int
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	for _, l := range ls {
		l.Close()
	}
	return ports
}

// startKernel runs a kernel with a real session and connects a client.
func startKernel(t *testing.T) *client {
	return startKernelWith(t, func(stdin io.Reader, stdout, stderr io.Writer, d *Display) (Session, error) {
		return runtime.New(runtime.Options{Stdin: stdin, Stdout: stdout, Stderr: stderr, Display: d.Value})
	})
}

// startKernelWith starts a kernel whose sessions newSession makes.
func startKernelWith(t *testing.T, newSession func(stdin io.Reader, stdout, stderr io.Writer, d *Display) (Session, error)) *client {
	p := freePorts(t, 5)
	ci := &wire.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: p[0], ControlPort: p[1], IOPubPort: p[2], StdinPort: p[3], HBPort: p[4], Key: "test-key", SignatureScheme: "hmac-sha256"}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Conn:       ci,
			NewSession: newSession,
			NeedsMore:  runtime.NeedsMore,
			Version:    "test",
			Log:        log.New(logs, "", 0),
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(wait):
			t.Error("the kernel did not stop")
		}
	})
	c := connect(t, ci)
	c.logs = logs
	return c
}

// connect makes a client of the kernel at ci, and waits until the kernel
// answers and its iopub reaches the client.
func connect(t *testing.T, ci *wire.ConnectionInfo) *client {
	ctx, cancel := context.WithCancel(context.Background())
	c := &client{t: t, signer: wire.NewSigner(ci.Key), session: wire.NewID(), msgs: make(chan *wire.Message, 1000)}
	c.shell = zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity(c.session)))
	c.control = zmq4.NewDealer(ctx, zmq4.WithID(zmq4.SocketIdentity(c.session)))
	c.iopub = zmq4.NewSub(ctx)
	c.hb = zmq4.NewReq(ctx)
	t.Cleanup(func() {
		cancel()
		for _, s := range []zmq4.Socket{c.shell, c.control, c.iopub, c.hb} {
			s.Close()
		}
	})
	for _, d := range []struct {
		s    zmq4.Socket
		port int
	}{{c.shell, ci.ShellPort}, {c.control, ci.ControlPort}, {c.iopub, ci.IOPubPort}, {c.hb, ci.HBPort}} {
		var err error
		for start := time.Now(); time.Since(start) < wait; time.Sleep(20 * time.Millisecond) {
			if err = d.s.Dial(ci.Endpoint(d.port)); err == nil {
				break
			}
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := c.iopub.SetOption(zmq4.OptionSubscribe, ""); err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			zm, err := c.iopub.Recv()
			if err != nil {
				return
			}
			if m, err := c.signer.Decode(zm.Frames); err == nil {
				c.msgs <- m
			}
		}
	}()
	// A subscription takes effect some time after the connection: ask for
	// kernel_info until its status messages arrive.
	for start := time.Now(); ; {
		id := c.send(c.shell, "kernel_info_request", map[string]any{})
		c.reply(c.shell, id)
		if _, ok := c.waitFor(id, "status", 500*time.Millisecond); ok {
			break
		}
		if time.Since(start) > wait {
			t.Fatal("no iopub message from the kernel")
		}
	}
	c.drain()
	return c
}

// send sends a request and returns its msg_id.
func (c *client) send(s zmq4.Socket, msgType string, content any) string {
	return c.sendSigned(s, c.signer, msgType, content)
}

func (c *client) sendSigned(s zmq4.Socket, signer *wire.Signer, msgType string, content any) string {
	c.t.Helper()
	b, err := json.Marshal(content)
	if err != nil {
		c.t.Fatal(err)
	}
	m := &wire.Message{Header: wire.NewHeader(msgType, c.session), Content: b}
	frames, err := signer.Encode(m)
	if err != nil {
		c.t.Fatal(err)
	}
	if err := s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		c.t.Fatal(err)
	}
	return m.Header.MsgID
}

// reply receives the reply to request id on s.
func (c *client) reply(s zmq4.Socket, id string) *wire.Message {
	c.t.Helper()
	type result struct {
		m   *wire.Message
		err error
	}
	rc := make(chan result, 1)
	go func() {
		for {
			zm, err := s.Recv()
			if err != nil {
				rc <- result{err: err}
				return
			}
			m, err := c.signer.Decode(zm.Frames)
			if err != nil {
				rc <- result{err: err}
				return
			}
			if parentID(m) == id {
				rc <- result{m: m}
				return
			}
		}
	}()
	select {
	case r := <-rc:
		if r.err != nil {
			c.t.Fatal(r.err)
		}
		return r.m
	case <-time.After(wait):
		c.t.Fatalf("no reply to %s", id)
	}
	return nil
}

func parentID(m *wire.Message) string {
	var h wire.Header
	json.Unmarshal(m.ParentHeader, &h)
	return h.MsgID
}

// waitFor returns the next iopub message of type msgType answering id.
func (c *client) waitFor(id, msgType string, timeout time.Duration) (*wire.Message, bool) {
	deadline := time.After(timeout)
	for {
		select {
		case m := <-c.msgs:
			if parentID(m) == id && m.Header.MsgType == msgType {
				return m, true
			}
		case <-deadline:
			return nil, false
		}
	}
}

// outputs collects the iopub messages other than status answering id,
// until its idle status.
func (c *client) outputs(id string) []*wire.Message {
	c.t.Helper()
	var out []*wire.Message
	deadline := time.After(wait)
	for {
		select {
		case m := <-c.msgs:
			if parentID(m) != id {
				continue
			}
			if m.Header.MsgType == "status" {
				if strings.Contains(string(m.Content), "idle") {
					return out
				}
				continue
			}
			out = append(out, m)
		case <-deadline:
			c.t.Fatalf("no idle status for %s; got %d messages", id, len(out))
		}
	}
}

func (c *client) drain() {
	for {
		select {
		case <-c.msgs:
		case <-time.After(100 * time.Millisecond):
			return
		}
	}
}

// execute runs code and returns the reply's content and the iopub messages.
func (c *client) execute(code string) (map[string]any, []*wire.Message) {
	c.t.Helper()
	id := c.send(c.shell, "execute_request", map[string]any{"code": code, "silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": false, "stop_on_error": true})
	r := c.reply(c.shell, id)
	return content(c.t, r), c.outputs(id)
}

func content(t *testing.T, m *wire.Message) map[string]any {
	var c map[string]any
	if err := json.Unmarshal(m.Content, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// text joins what the messages of type msgType carry: stream text, or the
// text/plain of results and the evalue of errors.
func text(t *testing.T, msgs []*wire.Message, msgType string) string {
	var b strings.Builder
	for _, m := range msgs {
		if m.Header.MsgType != msgType {
			continue
		}
		c := content(t, m)
		switch msgType {
		case "stream":
			b.WriteString(c["text"].(string))
		case "error":
			b.WriteString(c["evalue"].(string))
		default:
			b.WriteString(c["data"].(map[string]any)["text/plain"].(string))
		}
	}
	return b.String()
}

func TestExecute(t *testing.T) {
	c := startKernel(t)
	tests := []struct {
		code, status, stdout, result, errText string
	}{
		{code: "x := 40 + 2", status: "ok"},
		{code: "x", status: "ok", result: "42"},
		{code: `fmt.Println("hello, world"); x++`, status: "ok", stdout: "hello, world\n"},
		{code: "y := 1\nnope()", status: "error", errText: "line 2:1: undefined: nope"},
		{code: "x", status: "ok", result: "43"},
		{code: "var s []int\ns[3] = 1", status: "error", errText: "line 2"},
		{code: `fmt.Print("a"); fmt.Print("b")`, status: "ok", stdout: "ab"},
	}
	for i, tt := range tests {
		reply, out := c.execute(tt.code)
		if reply["status"] != tt.status {
			t.Errorf("%q: status %v, want %s (%v)", tt.code, reply["status"], tt.status, reply)
		}
		if got := reply["execution_count"].(float64); int(got) != i+1 {
			t.Errorf("%q: execution_count %v, want %d", tt.code, got, i+1)
		}
		if got := text(t, out, "stream"); got != tt.stdout {
			t.Errorf("%q: stdout %q, want %q", tt.code, got, tt.stdout)
		}
		if got := text(t, out, "execute_result"); got != tt.result {
			t.Errorf("%q: result %q, want %q", tt.code, got, tt.result)
		}
		if got := text(t, out, "error"); !strings.Contains(got, tt.errText) || (tt.errText == "") != (got == "") {
			t.Errorf("%q: error %q, want one containing %q", tt.code, got, tt.errText)
		}
		if len(out) == 0 || out[0].Header.MsgType != "execute_input" {
			t.Errorf("%q: first message is not execute_input: %v", tt.code, out)
		}
	}
}

// A message with a wrong signature is never run, and is logged.
func TestBadSignatureDropped(t *testing.T) {
	c := startKernel(t)
	c.sendSigned(c.shell, wire.NewSigner("wrong-key"), "execute_request", map[string]any{"code": "hacked := 1", "silent": false})
	c.sendSigned(c.control, wire.NewSigner(""), "shutdown_request", map[string]any{"restart": false})
	reply, out := c.execute("hacked")
	if reply["status"] != "error" || !strings.Contains(text(t, out, "error"), "undefined: hacked") {
		t.Errorf("the badly signed cell ran: %v %s", reply, text(t, out, "execute_result"))
	}
	for start := time.Now(); strings.Count(c.logs.String(), "dropped") < 2; time.Sleep(10 * time.Millisecond) {
		if time.Since(start) > wait {
			t.Fatalf("the kernel logged %q; want two dropped messages", c.logs.String())
		}
	}
	if !strings.Contains(c.logs.String(), "invalid message signature") {
		t.Errorf("log %q does not say why", c.logs.String())
	}
}

func TestHeartbeat(t *testing.T) {
	c := startKernel(t)
	for i := range 3 {
		ping := fmt.Sprintf("ping %d", i)
		if err := c.hb.Send(zmq4.NewMsgString(ping)); err != nil {
			t.Fatal(err)
		}
		m, err := c.hb.Recv()
		if err != nil {
			t.Fatal(err)
		}
		if string(m.Bytes()) != ping {
			t.Errorf("heartbeat echoed %q, want %q", m.Bytes(), ping)
		}
	}
}

// An interrupt_request on control stops a busy loop promptly; the values
// are kept, the loop does not resume, and the next cell runs.
func TestInterrupt(t *testing.T) {
	c := startKernel(t)
	c.execute("n := 0\nkept := 7")
	id := c.send(c.shell, "execute_request", map[string]any{"code": "for {\n\tn++\n}", "silent": false})
	if _, ok := c.waitFor(id, "execute_input", wait); !ok {
		t.Fatal("the loop did not start")
	}
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	iid := c.send(c.control, "interrupt_request", map[string]any{})
	if r := content(t, c.reply(c.control, iid)); r["status"] != "ok" {
		t.Errorf("interrupt_reply %v", r)
	}
	reply := content(t, c.reply(c.shell, id))
	latency := time.Since(start)
	t.Logf("interrupt latency: %v", latency)
	if latency > 5*time.Second {
		t.Errorf("the loop stopped %v after the interrupt; the promise is 1 s", latency)
	}
	if reply["status"] != "error" || reply["ename"] != "Interrupted" {
		t.Errorf("reply to the interrupted cell: %v", reply)
	}
	_, out := c.execute("a := n\nkept")
	if got := text(t, out, "execute_result"); got != "7" {
		t.Errorf("kept = %q after the interrupt, want 7", got)
	}
	_, out = c.execute("n > 0 && n == a")
	if got := text(t, out, "execute_result"); got != "true" {
		t.Errorf("n counted and stopped: %q, want true", got)
	}
}

// A loop that prints every step sends its output in a few stream messages,
// all of it, in order.
func TestStreamBatched(t *testing.T) {
	c := startKernel(t)
	reply, out := c.execute("for i := 0; i < 2000; i++ {\n\tfmt.Println(\"step\", i)\n}")
	if reply["status"] != "ok" {
		t.Fatal(reply)
	}
	var want strings.Builder
	for i := range 2000 {
		fmt.Fprintln(&want, "step", i)
	}
	if got := text(t, out, "stream"); got != want.String() {
		t.Errorf("output differs: %d bytes, want %d", len(got), want.Len())
	}
	n := 0
	for _, m := range out {
		if m.Header.MsgType == "stream" {
			n++
		}
	}
	t.Logf("2000 lines in %d stream messages", n)
	if n > 200 {
		t.Errorf("%d stream messages for 2000 lines: not batched", n)
	}
}

func TestRequests(t *testing.T) {
	c := startKernel(t)
	c.execute("sess := nn.NewSession()\nnombre := 1")
	tests := []struct {
		msgType string
		content map[string]any
		want    map[string]any // fields of the reply's content
		check   func(map[string]any) string
	}{
		{"is_complete_request", map[string]any{"code": "func f() {"}, map[string]any{"status": "incomplete", "indent": "    "}, nil},
		{"is_complete_request", map[string]any{"code": "x := 1 +"}, map[string]any{"status": "incomplete"}, nil},
		{"is_complete_request", map[string]any{"code": "x := `raw"}, map[string]any{"status": "incomplete"}, nil},
		{"is_complete_request", map[string]any{"code": "x := 1"}, map[string]any{"status": "complete"}, nil},
		{"is_complete_request", map[string]any{"code": "f(x))"}, map[string]any{"status": "invalid"}, nil},
		{"is_complete_request", map[string]any{"code": "x := 1 @ 2"}, map[string]any{"status": "invalid"}, nil},
		{"complete_request", map[string]any{"code": "fmt.Prin", "cursor_pos": 8}, map[string]any{"cursor_start": 4.0, "cursor_end": 8.0}, func(r map[string]any) string {
			return fmt.Sprint(r["matches"])
		}},
		// Positions count code points: "é" is one, though two bytes.
		{"complete_request", map[string]any{"code": "s := \"é\"\nnom", "cursor_pos": 12}, map[string]any{"cursor_start": 9.0, "cursor_end": 12.0}, func(r map[string]any) string {
			return fmt.Sprint(r["matches"])
		}},
		{"complete_request", map[string]any{"code": "sess.Ru + 1", "cursor_pos": 7}, map[string]any{"cursor_start": 5.0, "cursor_end": 7.0}, func(r map[string]any) string {
			return fmt.Sprint(r["matches"])
		}},
		{"inspect_request", map[string]any{"code": "y := nn.MatMul(", "cursor_pos": 15, "detail_level": 0}, map[string]any{"found": true}, func(r map[string]any) string {
			return r["data"].(map[string]any)["text/plain"].(string)
		}},
		{"inspect_request", map[string]any{"code": "sess.Run", "cursor_pos": 6, "detail_level": 0}, map[string]any{"found": true}, func(r map[string]any) string {
			return r["data"].(map[string]any)["text/plain"].(string)
		}},
		{"inspect_request", map[string]any{"code": "nothingLikeThis", "cursor_pos": 3, "detail_level": 0}, map[string]any{"found": false}, nil},
		{"comm_info_request", map[string]any{}, map[string]any{"status": "ok"}, nil},
		{"kernel_info_request", map[string]any{}, map[string]any{"protocol_version": "5.3"}, func(r map[string]any) string {
			return fmt.Sprint(r["language_info"])
		}},
	}
	wantIn := map[int]string{6: "Println", 7: "nombre", 8: "Run", 9: "func MatMul", 10: "method of *nn.Session", 13: "file_extension:.go"}
	for i, tt := range tests {
		id := c.send(c.shell, tt.msgType, tt.content)
		r := content(t, c.reply(c.shell, id))
		for k, v := range tt.want {
			if r[k] != v {
				t.Errorf("%d %s %v: %s = %v, want %v (%v)", i, tt.msgType, tt.content, k, r[k], v, r)
			}
		}
		if tt.check != nil {
			if got := tt.check(r); !strings.Contains(got, wantIn[i]) {
				t.Errorf("%d %s %v: %q does not contain %q", i, tt.msgType, tt.content, got, wantIn[i])
			}
		}
	}
}

func TestHistory(t *testing.T) {
	c := startKernel(t)
	for _, code := range []string{"a := 1", "a + 1", "b := 2", "a + 1"} {
		c.execute(code)
	}
	tests := []struct {
		req  map[string]any
		want string
	}{
		{map[string]any{"hist_access_type": "tail", "n": 2, "output": false, "raw": true}, `[[1,3,"b := 2"],[1,4,"a + 1"]]`},
		{map[string]any{"hist_access_type": "tail", "n": 1, "output": true, "raw": true}, `[[1,4,["a + 1","2"]]]`},
		{map[string]any{"hist_access_type": "range", "session": 1, "start": 2, "stop": 3, "output": false, "raw": true}, `[[1,2,"a + 1"]]`},
		{map[string]any{"hist_access_type": "search", "pattern": "a ?*", "output": false, "raw": true}, `[[1,1,"a := 1"],[1,2,"a + 1"],[1,4,"a + 1"]]`},
		{map[string]any{"hist_access_type": "search", "pattern": "a ?*", "unique": true, "output": false, "raw": true}, `[[1,1,"a := 1"],[1,4,"a + 1"]]`},
	}
	for _, tt := range tests {
		id := c.send(c.shell, "history_request", tt.req)
		var r struct {
			History json.RawMessage `json:"history"`
		}
		json.Unmarshal(c.reply(c.shell, id).Content, &r)
		if string(r.History) != tt.want {
			t.Errorf("%v: %s, want %s", tt.req, r.History, tt.want)
		}
	}
}

// shutdown_request ends Run, after its reply.
func TestShutdown(t *testing.T) {
	p := freePorts(t, 5)
	ci := &wire.ConnectionInfo{Transport: "tcp", IP: "127.0.0.1", ShellPort: p[0], ControlPort: p[1], IOPubPort: p[2], StdinPort: p[3], HBPort: p[4], Key: "k", SignatureScheme: "hmac-sha256"}
	done := make(chan error, 1)
	go func() {
		done <- Run(context.Background(), Config{
			Conn: ci,
			NewSession: func(stdin io.Reader, stdout, stderr io.Writer, _ *Display) (Session, error) {
				return runtime.New(runtime.Options{Stdin: stdin, Stdout: stdout, Stderr: stderr})
			},
			NeedsMore: runtime.NeedsMore,
			Log:       log.New(io.Discard, "", 0),
		})
	}()
	c := connect(t, ci)
	id := c.send(c.control, "shutdown_request", map[string]any{"restart": true})
	if r := content(t, c.reply(c.control, id)); r["status"] != "ok" || r["restart"] != true {
		t.Errorf("shutdown_reply %v", r)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run: %v", err)
		}
	case <-time.After(wait):
		t.Fatal("Run did not return after shutdown_request")
	}
}

// A digit tensor's result carries an image/png, a model's an HTML table;
// both keep their text/plain.
func TestRichResults(t *testing.T) {
	c := startKernel(t)
	tests := []struct {
		code  string
		types []string
	}{
		{"img := nn.Zeros(28, 28)\nimg", []string{"text/plain", "image/png"}},
		{"import \"github.com/nnlab/nnlab/nn/model\"\nm := model.Sequential(model.Input(784), model.Dense(10, \"softmax\"))\nm", []string{"text/plain", "text/html"}},
		{"40 + 2", []string{"text/plain"}},
	}
	for _, tt := range tests {
		reply, out := c.execute(tt.code)
		if reply["status"] != "ok" {
			t.Fatalf("%q: %v", tt.code, reply)
		}
		var data map[string]any
		for _, m := range out {
			if m.Header.MsgType == "execute_result" {
				data = content(t, m)["data"].(map[string]any)
			}
		}
		if len(data) != len(tt.types) {
			t.Errorf("%q: bundle %v, want %v", tt.code, keys(data), tt.types)
		}
		for _, typ := range tt.types {
			if _, ok := data[typ]; !ok {
				t.Errorf("%q: no %s in %v", tt.code, typ, keys(data))
			}
		}
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	return ks
}

// Cells sent together ("Run All") after a failed one are aborted, not run.
func TestAbortAfterError(t *testing.T) {
	c := startKernel(t)
	req := func(code string, stop bool) string {
		return c.send(c.shell, "execute_request", map[string]any{"code": code, "silent": false, "stop_on_error": stop})
	}
	// The failing cell runs long enough for the others to have arrived.
	c.execute(`import "time"`)
	ids := []string{req("time.Sleep(500 * time.Millisecond)\nvar s []int\ns[1] = 0", true), req("x := 1", true), req("y := 2", true)}
	var status []string
	for _, id := range ids {
		status = append(status, content(t, c.reply(c.shell, id))["status"].(string))
	}
	if fmt.Sprint(status) != "[error aborted aborted]" {
		t.Errorf("statuses %v, want [error aborted aborted]", status)
	}
	if reply, _ := c.execute("x"); reply["status"] != "error" {
		t.Errorf("an aborted cell ran: %v", reply)
	}
	// Without stop_on_error, the next cells run.
	ids = []string{req("nope()", false), req("z := 3", true)}
	c.reply(c.shell, ids[0])
	if r := content(t, c.reply(c.shell, ids[1])); r["status"] != "ok" {
		t.Errorf("after a failure without stop_on_error: %v", r)
	}
}
