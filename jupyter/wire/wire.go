// Package wire is the Jupyter messaging protocol's wire format (version
// 5.3): connection files, message headers, and the multipart frames of a
// message with their HMAC signature.
//
// A message on a ZeroMQ socket is the frames
//
//	identities... "<IDS|MSG>" signature header parent_header metadata content buffers...
//
// where the signature is the hex HMAC of the four JSON frames that follow
// it, keyed by the connection file's key. See
// https://jupyter-client.readthedocs.io/en/latest/messaging.html.
package wire

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"
)

// ProtocolVersion is the version of the messaging protocol spoken here.
const ProtocolVersion = "5.3"

// delimiter separates the routing identities from the message proper.
const delimiter = "<IDS|MSG>"

// ConnectionInfo is the content of a connection file, which the front end
// writes and passes to the kernel with -f.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	IOPubPort       int    `json:"iopub_port"`
	StdinPort       int    `json:"stdin_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and checks a connection file.
func ReadConnectionFile(path string) (*ConnectionInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var ci ConnectionInfo
	if err := json.Unmarshal(b, &ci); err != nil {
		return nil, fmt.Errorf("connection file %s: %w", path, err)
	}
	if ci.Transport == "" {
		ci.Transport = "tcp"
	}
	if ci.SignatureScheme == "" {
		ci.SignatureScheme = "hmac-sha256"
	}
	switch {
	case ci.Transport != "tcp" && ci.Transport != "ipc":
		return nil, fmt.Errorf("connection file %s: transport %q: want tcp or ipc", path, ci.Transport)
	case ci.SignatureScheme != "hmac-sha256":
		return nil, fmt.Errorf("connection file %s: signature scheme %q: only hmac-sha256 is supported", path, ci.SignatureScheme)
	case ci.IP == "":
		return nil, fmt.Errorf("connection file %s: no ip", path)
	}
	return &ci, nil
}

// Endpoint is the ZeroMQ address of a port of the connection: ip:port for
// tcp, and the ipc path convention (ip-port) of jupyter_client for ipc.
func (ci *ConnectionInfo) Endpoint(port int) string {
	if ci.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", ci.IP, port)
	}
	return fmt.Sprintf("tcp://%s:%d", ci.IP, port)
}

// Header is a message header.
type Header struct {
	MsgID    string `json:"msg_id"`
	Session  string `json:"session"`
	Username string `json:"username"`
	Date     string `json:"date"`
	MsgType  string `json:"msg_type"`
	Version  string `json:"version"`
}

// Message is one protocol message. ParentHeader is the raw header of the
// request a message answers ({} for none), so that a client's header
// fields come back exactly as they were sent.
type Message struct {
	Identities   [][]byte // routing prefix of a ROUTER socket; the topic on IOPub
	Header       Header
	ParentHeader json.RawMessage
	Metadata     map[string]any
	Content      json.RawMessage
	Buffers      [][]byte
}

// ErrSignature is returned by Decode for a message whose signature does not
// match its content.
var ErrSignature = errors.New("wire: invalid message signature")

// Signer signs and verifies messages with a connection's key. An empty
// key means that messages are neither signed nor checked, as the protocol
// says.
type Signer struct {
	key []byte
}

// NewSigner returns a Signer for key.
func NewSigner(key string) *Signer { return &Signer{key: []byte(key)} }

// sign returns the hex HMAC-SHA256 of parts.
func (s *Signer) sign(parts ...[]byte) []byte {
	if len(s.key) == 0 {
		return nil
	}
	mac := hmac.New(sha256.New, s.key)
	for _, p := range parts {
		mac.Write(p)
	}
	sum := mac.Sum(nil)
	out := make([]byte, hex.EncodedLen(len(sum)))
	hex.Encode(out, sum)
	return out
}

// Encode returns the frames of m, signed.
func (s *Signer) Encode(m *Message) ([][]byte, error) {
	header, err := json.Marshal(m.Header)
	if err != nil {
		return nil, err
	}
	parent := []byte(m.ParentHeader)
	if len(parent) == 0 {
		parent = []byte("{}")
	}
	meta := m.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	metadata, err := json.Marshal(meta)
	if err != nil {
		return nil, err
	}
	content := []byte(m.Content)
	if len(content) == 0 {
		content = []byte("{}")
	}
	frames := make([][]byte, 0, len(m.Identities)+6+len(m.Buffers))
	frames = append(frames, m.Identities...)
	frames = append(frames, []byte(delimiter), s.sign(header, parent, metadata, content), header, parent, metadata, content)
	return append(frames, m.Buffers...), nil
}

// Decode parses frames into a message and checks its signature: a message
// whose signature is wrong (or missing when there is a key) is an error
// wrapping ErrSignature, and must not be acted on.
func (s *Signer) Decode(frames [][]byte) (*Message, error) {
	i := 0
	for i < len(frames) && !bytes.Equal(frames[i], []byte(delimiter)) {
		i++
	}
	if i == len(frames) {
		return nil, errors.New("wire: no <IDS|MSG> delimiter in message")
	}
	if len(frames) < i+6 {
		return nil, fmt.Errorf("wire: message has %d frames after the delimiter, want at least 5", len(frames)-i-1)
	}
	sig, header, parent, metadata, content := frames[i+1], frames[i+2], frames[i+3], frames[i+4], frames[i+5]
	if len(s.key) > 0 && !hmac.Equal(sig, s.sign(header, parent, metadata, content)) {
		return nil, ErrSignature
	}
	m := &Message{Identities: frames[:i], ParentHeader: json.RawMessage(parent), Content: json.RawMessage(content), Buffers: frames[i+6:]}
	if err := json.Unmarshal(header, &m.Header); err != nil {
		return nil, fmt.Errorf("wire: message header: %w", err)
	}
	if err := json.Unmarshal(metadata, &m.Metadata); err != nil {
		return nil, fmt.Errorf("wire: message metadata: %w", err)
	}
	return m, nil
}

// NewID returns a random message or session id (a UUID version 4).
func NewID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// NewHeader returns a header for a new message of type msgType from
// session.
func NewHeader(msgType, session string) Header {
	return Header{
		MsgID:    NewID(),
		Session:  session,
		Username: "kernel",
		Date:     time.Now().UTC().Format("2006-01-02T15:04:05.000000Z07:00"),
		MsgType:  msgType,
		Version:  ProtocolVersion,
	}
}
