package nn

import (
	"encoding"
	"encoding/base64"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nnlab/nnlab/nn/safetensors"
)

// Checkpoint metadata keys. Tensors are stored under their variable names
// ("w1"); optimizer state as "w1/slot0", "w1/slot1".
const (
	metaFormat   = "format"
	metaWriter   = "writer"
	metaStepPfx  = "nnlab.steps."
	metaDropout  = "nnlab.rng.dropout"
	metaPosition = "nnlab.position"
	formatName   = "nnlab-checkpoint-1"
)

// Save writes the session's variables, with the optimizers' state (Adam's
// moments and step counts) and the dropout generator's state, to path in
// the safetensors format. The write is atomic: an interrupted save leaves
// the previous file intact. Interrupt (Ctrl-C in nnlab) during the write
// stops it with an error saying the file is as it was, unless the
// interrupt was already pending when Save was called.
func (s *Session) Save(path string) error { return s.SaveWithPosition(path, nil) }

// SaveWithPosition is Save that also records a training position, such as
// the MNIST training set's shuffling state, so that training restored with
// RestoreWithPosition continues with exactly the same batches.
func (s *Session) SaveWithPosition(path string, position encoding.BinaryMarshaler) error {
	return s.save(path, position, nil)
}

// SaveWithMetadata is Save that also stores the entries of meta in the
// file's metadata, where safetensors.ReadFile finds them; nn/model keeps
// a model's architecture so. A key the checkpoint itself uses ("format",
// "writer" and those starting with "nnlab.steps.", "nnlab.rng." or
// "nnlab.position") is refused before anything is written.
func (s *Session) SaveWithMetadata(path string, meta map[string]string) error {
	for k := range meta {
		if reservedMeta(k) {
			return &Error{Op: "Session.Save", Msg: fmt.Sprintf("metadata key %q is the checkpoint's own; choose another (%s not written)", k, path)}
		}
	}
	return s.save(path, nil, meta)
}

// reservedMeta reports whether a metadata key is one the checkpoint
// writes itself.
func reservedMeta(k string) bool {
	return k == metaFormat || k == metaWriter || strings.HasPrefix(k, metaStepPfx) ||
		strings.HasPrefix(k, "nnlab.rng.") || k == metaPosition
}

// save is SaveWithPosition with extra metadata entries, which the caller
// has checked against reservedMeta.
func (s *Session) save(path string, position encoding.BinaryMarshaler, extra map[string]string) error {
	pending := Interrupted() // see writeCheckpoint
	s.mu.Lock()
	defer s.mu.Unlock()
	meta := map[string]string{
		metaFormat: formatName,
		metaWriter: "nnlab " + time.Now().UTC().Format(time.RFC3339),
	}
	for k, v := range extra {
		meta[k] = v
	}
	var tensors []safetensors.Tensor
	for _, v := range s.g.Variables() {
		t, ok := s.vars[v]
		if !ok {
			continue
		}
		tensors = append(tensors, safetensors.F32(v.name, t.shape, t.data))
		if sl := s.slots[v]; sl != nil {
			for i, d := range sl {
				if d != nil {
					tensors = append(tensors, safetensors.F32(v.name+"/slot"+strconv.Itoa(i), t.shape, d))
				}
			}
		}
	}
	if len(tensors) == 0 {
		return &Error{Op: "Session.Save", Msg: "no initialised variables to save"}
	}
	for n, k := range s.steps {
		meta[metaStepPfx+n.name] = strconv.Itoa(k)
	}
	if b, err := s.src.MarshalBinary(); err == nil {
		meta[metaDropout] = base64.StdEncoding.EncodeToString(b)
	}
	if position != nil {
		b, err := position.MarshalBinary()
		if err != nil {
			return &Error{Op: "Session.Save", Msg: "training position: " + err.Error()}
		}
		meta[metaPosition] = base64.StdEncoding.EncodeToString(b)
	}
	if err := writeCheckpoint(path, tensors, meta, pending); err != nil {
		if errors.Is(err, ErrInterrupted) {
			return &Error{Op: "Session.Save", Msg: "interrupted before " + path + " was replaced; it is as it was"}
		}
		return &Error{Op: "Session.Save", Msg: err.Error()}
	}
	return nil
}

// Restore loads variables and optimizer state saved by Save into this
// session. Every variable of the graph must be in the file with the same
// shape; the error lists what does not match. Nothing changes on error.
func (s *Session) Restore(path string) error { return s.RestoreWithPosition(path, nil) }

// RestoreWithPosition is Restore that also restores a training position
// saved by SaveWithPosition.
func (s *Session) RestoreWithPosition(path string, position encoding.BinaryUnmarshaler) error {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return &Error{Op: "Session.Restore", Msg: err.Error()}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return errClosed("Session.Restore")
	}
	fail := func(format string, args ...any) error {
		return &Error{Op: "Session.Restore", Msg: fmt.Sprintf("%s: ", path) + fmt.Sprintf(format, args...)}
	}
	byName := map[string]safetensors.Tensor{}
	for _, t := range f.Tensors {
		byName[t.Name] = t
	}
	// Check everything before changing anything.
	type load struct {
		v      *Node
		values []float32
		slots  [2][]float32
	}
	var loads []load
	var problems []string
	used := map[string]bool{}
	for _, v := range s.g.Variables() {
		t, ok := byName[v.name]
		if !ok {
			problems = append(problems, fmt.Sprintf("%s %s is not in the file", variableName(v), FormatShape(v.shape)))
			continue
		}
		used[v.name] = true
		if !equalShape(t.Shape, v.shape) {
			problems = append(problems, fmt.Sprintf("%s has shape %s in the graph, %s in the file", variableName(v), FormatShape(v.shape), FormatShape(t.Shape)))
			continue
		}
		vals, err := t.Float32s()
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		l := load{v: v, values: vals}
		for i := range l.slots {
			name := v.name + "/slot" + strconv.Itoa(i)
			st, ok := byName[name]
			if !ok {
				continue
			}
			used[name] = true
			if !equalShape(st.Shape, v.shape) {
				problems = append(problems, fmt.Sprintf("optimizer state %q has shape %s, want %s", name, FormatShape(st.Shape), FormatShape(v.shape)))
				continue
			}
			if l.slots[i], err = st.Float32s(); err != nil {
				problems = append(problems, err.Error())
			}
		}
		loads = append(loads, l)
	}
	var extra []string
	for name := range byName {
		if !used[name] {
			extra = append(extra, name)
		}
	}
	sort.Strings(extra)
	if len(extra) > 0 {
		problems = append(problems, fmt.Sprintf("the file has tensors the graph lacks: %s", strings.Join(extra, ", ")))
	}
	if len(problems) > 0 {
		return fail("%s", strings.Join(problems, "; "))
	}
	var dropout *rand.PCG
	if enc, ok := f.Metadata[metaDropout]; ok {
		b, err := base64.StdEncoding.DecodeString(enc)
		if err == nil {
			dropout = new(rand.PCG)
			err = dropout.UnmarshalBinary(b)
		}
		if err != nil {
			return fail("bad dropout state: %v", err)
		}
	}
	steps := map[*Node]int{}
	for _, n := range s.g.Nodes() {
		if n.kind != kindTrain {
			continue
		}
		if v, ok := f.Metadata[metaStepPfx+n.name]; ok {
			k, err := strconv.Atoi(v)
			if err != nil || k < 0 {
				return fail("bad step count %q for %s", v, n.name)
			}
			steps[n] = k
		}
	}
	// The position is restored last of the checks: it is the caller's,
	// and changes only if it is valid.
	if position != nil {
		enc, ok := f.Metadata[metaPosition]
		if !ok {
			return fail("no training position saved (use SaveWithPosition)")
		}
		b, err := base64.StdEncoding.DecodeString(enc)
		if err == nil {
			err = position.UnmarshalBinary(b)
		}
		if err != nil {
			return fail("training position: %v", err)
		}
	}
	// Commit: copy in place, so cached plans keep pointing at live tensors.
	for _, l := range loads {
		t := s.vars[l.v]
		if t == nil {
			t = Zeros(l.v.shape...)
			s.vars[l.v] = t
		}
		copy(t.data, l.values)
		delete(s.slots, l.v)
		if l.slots[0] != nil || l.slots[1] != nil {
			s.slots[l.v] = &[2][]float32{l.slots[0], l.slots[1]}
		}
	}
	s.steps = steps
	if dropout != nil {
		*s.src = *dropout
	}
	return nil
}

func equalShape(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
