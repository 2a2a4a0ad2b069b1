// Package kernel is nnlab's Jupyter kernel: it speaks the messaging
// protocol (5.3) over ZeroMQ and runs cells in one live session, so values
// stay between cells, a failed cell loses nothing, and an interrupt stops
// the running cell and keeps every value.
//
// The five sockets of a connection file are bound on its address only:
// shell and control (ROUTER) take requests, iopub (PUB) broadcasts
// output and status, stdin (ROUTER) asks the front end for the lines a
// cell reads (input_request), and heartbeat (REP) echoes. Every message received must carry the
// HMAC-SHA256 signature of the connection's key; one that does not is
// logged and dropped.
//
// Shell requests run one at a time in the order received. Control
// requests are handled as they come, so interrupt_request can cancel the
// cell that the shell is running. shutdown_request ends Run; with
// restart set, the front end then starts a new kernel process, which has a
// fresh session.
package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"sync"
	"time"

	"github.com/go-zeromq/zmq4"

	"github.com/nnlab/nnlab/jupyter/wire"
)

// Session is what the kernel needs from an interpreter session;
// *runtime.Session implements it.
type Session interface {
	// Eval runs one cell and returns the display of its value ("" for
	// none). Cancelling ctx stops the cell, which returns once it has
	// stopped, with the session's values kept.
	Eval(ctx context.Context, src string) (out string, err error)
	// Complete proposes completions for line with the cursor at byte
	// offset pos: candidates replace line[replaceFrom:pos].
	Complete(line string, pos int) (candidates []string, replaceFrom int)
	// TypeOf is the type of a name the user defined, for inspection.
	TypeOf(name string) (typ string, ok bool)
}

// Config configures a kernel.
type Config struct {
	// Conn is the connection file's content.
	Conn *wire.ConnectionInfo
	// NewSession makes the session the cells run in; what the user's code
	// writes to stdout and stderr goes to the front end as streams.
	// A read of stdin asks the front end for a line (input_request).
	// Rich output goes through d (display_data, update_display_data).
	NewSession func(stdin io.Reader, stdout, stderr io.Writer, d *Display) (Session, error)
	// NeedsMore reports whether a cell is incomplete (the REPL's
	// continuation test), for is_complete_request.
	NeedsMore func(src string) bool
	// Command, when not nil, is offered each cell first: it runs a cell
	// that is a command of the REPL's (":doc nn.MatMul"), writing to the
	// session's stdout and stderr and stopping when ctx is cancelled, and
	// reports whether it was one.
	Command func(ctx context.Context, code string) (isCmd bool, err error)
	// CommandNames are the commands' names, without the ':', for the
	// completion of a cell that starts with one.
	CommandNames []string
	// Version is nnlab's version, for kernel_info_reply.
	Version string
	// Log receives the kernel's own diagnostics (bad signatures, socket
	// errors); nil means the process's stderr.
	Log *log.Logger
	// Interrupts, when not nil, delivers interrupts that stop the running
	// cell like interrupt_request does (SIGINT, for front ends that use
	// the signal interrupt mode).
	Interrupts <-chan os.Signal
}

// Kernel is one running kernel.
type Kernel struct {
	cfg    Config
	signer *wire.Signer
	log    *log.Logger
	id     string // this kernel's session id, in the headers it sends

	shell, control, stdin, iopub, hb zmq4.Socket
	iopubMu                          sync.Mutex

	sess           Session
	stdout, stderr *stream
	input          *stdin

	mu       sync.Mutex
	cancel   context.CancelFunc // of the running cell; nil between cells
	count    int                // execution count
	history  []histEntry
	shutdown chan bool // receives restart when a shutdown was asked for
	// failedAt is when the last cell failed with stop_on_error (zero if
	// it did not): the execute requests that had arrived by then are
	// aborted. Guarded by mu.
	failedAt time.Time
}

// histEntry is one executed cell, for history_request.
type histEntry struct {
	line          int
	input, output string
}

// arrival is a shell request and when it was received.
type arrival struct {
	m  *wire.Message
	at time.Time
}

// Run starts a kernel on cfg.Conn's sockets and serves until ctx is done or
// a front end asks for a shutdown.
func Run(ctx context.Context, cfg Config) error {
	k, err := start(ctx, cfg)
	if err != nil {
		return err
	}
	defer k.close()
	return k.serve(ctx)
}

// start binds the sockets and makes the session.
func start(ctx context.Context, cfg Config) (*Kernel, error) {
	if cfg.Conn == nil || cfg.NewSession == nil || cfg.NeedsMore == nil {
		return nil, errors.New("kernel: Config.Conn, NewSession and NeedsMore are required")
	}
	k := &Kernel{cfg: cfg, signer: wire.NewSigner(cfg.Conn.Key), log: cfg.Log, id: wire.NewID(), shutdown: make(chan bool, 1)}
	if k.log == nil {
		k.log = log.New(os.Stderr, "nnlab kernel: ", log.LstdFlags)
	}
	ci := cfg.Conn
	k.shell = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity(k.id+"-shell")))
	k.control = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity(k.id+"-control")))
	k.stdin = zmq4.NewRouter(ctx, zmq4.WithID(zmq4.SocketIdentity(k.id+"-stdin")))
	k.iopub = zmq4.NewPub(ctx)
	k.hb = zmq4.NewRep(ctx)
	for _, b := range []struct {
		name string
		s    zmq4.Socket
		port int
	}{{"shell", k.shell, ci.ShellPort}, {"control", k.control, ci.ControlPort}, {"stdin", k.stdin, ci.StdinPort},
		{"iopub", k.iopub, ci.IOPubPort}, {"heartbeat", k.hb, ci.HBPort}} {
		if err := b.s.Listen(ci.Endpoint(b.port)); err != nil {
			k.close()
			return nil, fmt.Errorf("kernel: %s socket: %w", b.name, err)
		}
	}
	k.stdout = newStream(k, "stdout")
	k.stderr = newStream(k, "stderr")
	k.input = newStdin(k)
	sess, err := cfg.NewSession(k.input, k.stdout, k.stderr, &Display{k: k})
	if err != nil {
		k.close()
		return nil, err
	}
	k.sess = sess
	return k, nil
}

// close stops the streams and closes the sockets.
func (k *Kernel) close() {
	if k.stdout != nil {
		k.stdout.stop()
		k.stderr.stop()
	}
	for _, s := range []zmq4.Socket{k.shell, k.control, k.stdin, k.iopub, k.hb} {
		if s != nil {
			s.Close()
		}
	}
}

// serve runs the socket loops until a shutdown.
func (k *Kernel) serve(ctx context.Context) error {
	ctx, stop := context.WithCancel(ctx)
	defer stop()
	go k.heartbeat(ctx)
	// Requests are taken off the socket as they come, so that their
	// arrival times tell which were queued behind a failed cell.
	shellc := make(chan arrival, 1024)
	go k.receive(ctx, k.shell, "shell", func(m *wire.Message) {
		select {
		case shellc <- arrival{m, time.Now()}:
		case <-ctx.Done():
		}
	})
	go k.receive(ctx, k.control, "control", func(m *wire.Message) { k.handle(ctx, k.control, m) })
	go k.receive(ctx, k.stdin, "stdin", func(m *wire.Message) {
		if m.Header.MsgType != "input_reply" {
			return
		}
		select {
		case k.input.replies <- m:
		default: // nobody asked
		}
	})
	if k.cfg.Interrupts != nil {
		go func() {
			for {
				select {
				case <-k.cfg.Interrupts:
					k.interrupt()
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	k.publish(nil, "status", map[string]any{"execution_state": "starting"})
	for {
		select {
		case a := <-shellc:
			k.handle(ctx, k.shell, a.m)
			// Abort what had arrived when a cell failed ("Run All" sends
			// its cells together), as ipykernel does, so the cells after
			// a failed one do not run on without its values.
			for failedAt := k.takeFailure(); !failedAt.IsZero(); failedAt = k.takeFailure() {
				k.abortQueued(ctx, shellc, failedAt)
			}
		case <-k.shutdown:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// receive reads messages from s, drops those that fail their signature
// check and passes the others to f, until ctx is done.
func (k *Kernel) receive(ctx context.Context, s zmq4.Socket, name string, f func(*wire.Message)) {
	for {
		zm, err := s.Recv()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			k.log.Printf("%s: receiving: %v", name, err)
			continue
		}
		m, err := k.signer.Decode(zm.Frames)
		if err != nil {
			k.log.Printf("%s: message dropped: %v", name, err)
			continue
		}
		f(m)
	}
}

// heartbeat echoes what the front end sends on the heartbeat socket.
func (k *Kernel) heartbeat(ctx context.Context) {
	for {
		m, err := k.hb.Recv()
		if ctx.Err() != nil {
			return
		}
		if err != nil {
			continue
		}
		if err := k.hb.Send(m); err != nil && ctx.Err() == nil {
			k.log.Printf("heartbeat: %v", err)
		}
	}
}

// message returns a new message of type msgType answering parent (nil: none).
func (k *Kernel) message(parent *wire.Message, msgType string, content any) (*wire.Message, error) {
	c, err := json.Marshal(content)
	if err != nil {
		return nil, err
	}
	m := &wire.Message{Header: wire.NewHeader(msgType, k.id), Content: c}
	if parent != nil {
		m.ParentHeader, err = json.Marshal(parent.Header)
		if err != nil {
			return nil, err
		}
	}
	return m, nil
}

// send sends a message of type msgType answering parent on s, routed back
// to parent's sender.
func (k *Kernel) send(s zmq4.Socket, parent *wire.Message, msgType string, content any) {
	m, err := k.message(parent, msgType, content)
	if err != nil {
		k.log.Printf("%s: %v", msgType, err)
		return
	}
	m.Identities = parent.Identities
	k.sendFrames(s, m)
}

// publish broadcasts a message of type msgType on iopub.
func (k *Kernel) publish(parent *wire.Message, msgType string, content any) {
	m, err := k.message(parent, msgType, content)
	if err != nil {
		k.log.Printf("%s: %v", msgType, err)
		return
	}
	m.Identities = [][]byte{[]byte("kernel." + k.id + "." + msgType)}
	k.iopubMu.Lock()
	defer k.iopubMu.Unlock()
	k.sendFrames(k.iopub, m)
}

func (k *Kernel) sendFrames(s zmq4.Socket, m *wire.Message) {
	frames, err := k.signer.Encode(m)
	if err != nil {
		k.log.Printf("%s: %v", m.Header.MsgType, err)
		return
	}
	if err := s.Send(zmq4.NewMsgFrom(frames...)); err != nil {
		k.log.Printf("sending %s: %v", m.Header.MsgType, err)
	}
}

// interrupt cancels the running cell, if any.
func (k *Kernel) interrupt() {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.cancel != nil {
		k.cancel()
	}
}

// takeFailure returns and clears the time the last cell failed with
// stop_on_error (zero for none).
func (k *Kernel) takeFailure() time.Time {
	k.mu.Lock()
	defer k.mu.Unlock()
	t := k.failedAt
	k.failedAt = time.Time{}
	return t
}

// abortQueued answers the execute requests that had arrived by failedAt
// with status "aborted"; other requests are handled. The first request
// that came later is handled as usual, and ends the aborting.
func (k *Kernel) abortQueued(ctx context.Context, shellc <-chan arrival, failedAt time.Time) {
	for {
		select {
		case a := <-shellc:
			m := a.m
			if a.at.After(failedAt) || m.Header.MsgType != "execute_request" {
				k.handle(ctx, k.shell, m)
				if a.at.After(failedAt) {
					return
				}
				continue
			}
			k.publish(m, "status", map[string]any{"execution_state": "busy"})
			k.mu.Lock()
			count := k.count
			k.mu.Unlock()
			k.send(k.shell, m, "execute_reply", map[string]any{"status": "aborted", "execution_count": count})
			k.publish(m, "status", map[string]any{"execution_state": "idle"})
		default:
			return
		}
	}
}
