package wire

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func testMessage() *Message {
	return &Message{
		Identities:   [][]byte{[]byte("client-1")},
		Header:       NewHeader("execute_request", "s1"),
		ParentHeader: json.RawMessage(`{"msg_id":"p"}`),
		Metadata:     map[string]any{"k": "v"},
		Content:      json.RawMessage(`{"code":"1+1"}`),
		Buffers:      [][]byte{[]byte("buf")},
	}
}

func TestRoundTrip(t *testing.T) {
	s := NewSigner("secret")
	frames, err := s.Encode(testMessage())
	if err != nil {
		t.Fatal(err)
	}
	// The signature is the HMAC of the four JSON frames, as Python's
	// jupyter_client computes it.
	mac := hmac.New(sha256.New, []byte("secret"))
	for _, f := range frames[3:7] {
		mac.Write(f)
	}
	if got, want := string(frames[2]), hex.EncodeToString(mac.Sum(nil)); got != want {
		t.Errorf("signature %s, want %s", got, want)
	}
	m, err := s.Decode(frames)
	if err != nil {
		t.Fatal(err)
	}
	if string(m.Identities[0]) != "client-1" || m.Header.MsgType != "execute_request" || string(m.Content) != `{"code":"1+1"}` ||
		string(m.ParentHeader) != `{"msg_id":"p"}` || m.Metadata["k"] != "v" || string(m.Buffers[0]) != "buf" {
		t.Errorf("decoded %+v", m)
	}
}

func TestDecodeRejects(t *testing.T) {
	good, err := NewSigner("secret").Encode(testMessage())
	if err != nil {
		t.Fatal(err)
	}
	with := func(i int, b string) [][]byte {
		f := append([][]byte(nil), good...)
		f[i] = []byte(b)
		return f
	}
	tests := []struct {
		name   string
		key    string
		frames [][]byte
		sigErr bool
	}{
		{"wrong key", "other", good, true},
		{"content changed", "secret", with(6, `{"code":"os.Exit(1)"}`), true},
		{"header changed", "secret", with(3, strings.Replace(string(good[3]), "execute_request", "shutdown_request", 1)), true},
		{"no signature", "secret", with(2, ""), true},
		{"no delimiter", "secret", with(1, "x"), false},
		{"too few frames", "secret", good[:5], false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewSigner(tt.key).Decode(tt.frames)
			if err == nil {
				t.Fatal("decoded; want an error")
			}
			if errors.Is(err, ErrSignature) != tt.sigErr {
				t.Errorf("err = %v; signature error: %v, want %v", err, errors.Is(err, ErrSignature), tt.sigErr)
			}
		})
	}
}

func TestEmptyKeyIsUnsigned(t *testing.T) {
	s := NewSigner("")
	frames, err := s.Encode(testMessage())
	if err != nil {
		t.Fatal(err)
	}
	if len(frames[2]) != 0 {
		t.Errorf("signature %q with no key", frames[2])
	}
	if _, err := s.Decode(frames); err != nil {
		t.Error(err)
	}
}

func TestReadConnectionFile(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "c.json")
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ci, err := ReadConnectionFile(write(`{"shell_port":5001,"iopub_port":5002,"stdin_port":5003,"control_port":5004,"hb_port":5005,"ip":"127.0.0.1","key":"k","transport":"tcp","signature_scheme":"hmac-sha256","kernel_name":"nnlab"}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := ci.Endpoint(ci.ShellPort); got != "tcp://127.0.0.1:5001" {
		t.Errorf("shell endpoint %s", got)
	}
	for _, bad := range []string{`{"ip":"127.0.0.1","signature_scheme":"hmac-md5"}`, `{"ip":"127.0.0.1","transport":"udp"}`, `{"transport":"tcp"}`, `not json`} {
		if _, err := ReadConnectionFile(write(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}
