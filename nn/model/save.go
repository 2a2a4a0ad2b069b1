package model

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/safetensors"
)

// MetadataKey is the safetensors metadata entry in which Save stores the
// model's architecture and training position as JSON.
const MetadataKey = "nnlab.model"

const modelFormat = "nnlab-model-1"

// saved is the JSON stored under MetadataKey.
type saved struct {
	Format     string          `json:"format"`
	Name       string          `json:"name"`
	Input      []int           `json:"input"`
	Layers     []LayerConfig   `json:"layers"`
	Loss       string          `json:"loss"`
	Optimizer  *savedOptimizer `json:"optimizer,omitempty"`
	Epoch      int             `json:"epoch"`
	Batch      int             `json:"batch,omitempty"` // batches done in the unfinished epoch
	Done       int             `json:"done,omitempty"`  // examples done in it
	Rows       int             `json:"rows,omitempty"`
	BestValAcc float64         `json:"best_val_acc,omitempty"`
	Shuffle    string          `json:"shuffle,omitempty"` // generator state before the current epoch's shuffle
	Augment    string          `json:"augment,omitempty"`
}

type savedOptimizer struct {
	Type         string  `json:"type"`
	LearningRate float64 `json:"learning_rate"`
	Beta1        float64 `json:"beta1,omitempty"`
	Beta2        float64 `json:"beta2,omitempty"`
	Epsilon      float64 `json:"epsilon,omitempty"`
	Momentum     float64 `json:"momentum,omitempty"`
}

func describeOptimizer(o nn.Optimizer) *savedOptimizer {
	switch o := o.(type) {
	case *nn.Adam:
		return &savedOptimizer{Type: "adam", LearningRate: o.LearningRate, Beta1: o.Beta1, Beta2: o.Beta2, Epsilon: o.Epsilon}
	case *nn.GradientDescent:
		return &savedOptimizer{Type: "sgd", LearningRate: o.LearningRate}
	case *nn.Momentum:
		return &savedOptimizer{Type: "momentum", LearningRate: o.LearningRate, Momentum: o.Momentum}
	}
	return nil
}

func (s *savedOptimizer) optimizer() nn.Optimizer {
	switch s.Type {
	case "adam":
		a := nn.AdamOptimizer(s.LearningRate)
		a.Beta1, a.Beta2, a.Epsilon = s.Beta1, s.Beta2, s.Epsilon
		return a
	case "sgd":
		return nn.GradientDescentOptimizer(s.LearningRate)
	case "momentum":
		return nn.MomentumOptimizer(s.LearningRate, s.Momentum)
	}
	return nil
}

// Save writes the model to path as a safetensors file: every weight under
// its variable's name ("conv2d_1/kernel"), the optimizer's state, and, in
// the metadata entry MetadataKey, the architecture and training position
// as JSON, so that Load rebuilds the model from the file alone and Fit
// continues where it was. The write is atomic: a failed or interrupted
// save leaves any previous file intact.
func (m *Model) Save(path string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.g == nil {
		in := m.inputShape()
		if in == nil {
			return &nn.Error{Op: "model.Save", Msg: "the model has no input shape and no weights yet: fit it first or start it with model.Input(...)"}
		}
		m.build(in)
	}
	return m.save(path)
}

// save is Save with m.mu held and the model built.
func (m *Model) save(path string) error {
	meta, err := json.Marshal(m.describe())
	if err != nil {
		return &nn.Error{Op: "model.Save", Msg: err.Error()}
	}
	// One write: the session's weights and optimizer state with the
	// model's description beside them.
	return m.sess.SaveWithMetadata(path, map[string]string{MetadataKey: string(meta)})
}

func (m *Model) describe() *saved {
	s := &saved{Format: modelFormat, Name: m.name, Input: m.inShape, Loss: m.loss, Optimizer: describeOptimizer(m.opt),
		Epoch: m.state.epoch, Batch: m.state.batch, Done: m.state.done, BestValAcc: m.state.bestVal}
	for _, l := range m.layers {
		s.Layers = append(s.Layers, l.Config())
	}
	if s.Done > 0 {
		s.Rows = m.state.rows
		s.Shuffle = base64.StdEncoding.EncodeToString(m.state.shuffleS)
	}
	if m.state.augment != nil {
		if b, err := m.state.augment.MarshalBinary(); err == nil {
			s.Augment = base64.StdEncoding.EncodeToString(b)
		}
	}
	return s
}

// readSaved reads the model description from a file written by Save.
func readSaved(path string) (*saved, error) {
	f, err := safetensors.ReadFile(path)
	if err != nil {
		return nil, err
	}
	js, ok := f.Metadata[MetadataKey]
	if !ok {
		return nil, fmt.Errorf("%s: no model description (%q metadata): not saved by model.Save; use nn's Session.Restore for plain checkpoints", path, MetadataKey)
	}
	var s saved
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		return nil, fmt.Errorf("%s: model description: %v", path, err)
	}
	if s.Format != modelFormat {
		return nil, fmt.Errorf("%s: model format %q, want %q", path, s.Format, modelFormat)
	}
	if err := checkSaved(&s, f); err != nil {
		return nil, fmt.Errorf("%s: model description: %v", path, err)
	}
	return &s, nil
}

// Load rebuilds a model saved by Save from the file alone: its layers,
// optimizer, weights, optimizer state and training position. The model
// is built (in a new default graph; see Build) and ready for Predict,
// Evaluate or more Fit.
func Load(path string) (*Model, error) {
	s, err := readSaved(path)
	if err != nil {
		return nil, &nn.Error{Op: "model.Load", Msg: err.Error()}
	}
	m, err := fromSaved(s)
	if err != nil {
		return nil, &nn.Error{Op: "model.Load", Msg: fmt.Sprintf("%s: %v", path, err)}
	}
	if err := m.Restore(path); err != nil {
		return nil, err
	}
	return m, nil
}

// fromSaved builds the model a description describes.
func fromSaved(s *saved) (m *Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, ok := r.(*nn.Error)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%s", e.Msg)
		}
	}()
	m = New()
	if s.Name != "" {
		m.name = s.Name
	}
	for _, c := range s.Layers {
		c := c
		m.Add(&Layer{cfg: c})
	}
	if s.Optimizer != nil {
		if o := s.Optimizer.optimizer(); o != nil {
			m.Compile(o, s.Loss)
		}
	} else if s.Loss != "" {
		m.loss = s.Loss
	}
	if len(s.Input) == 0 {
		return nil, fmt.Errorf("no input shape")
	}
	m.Build(s.Input...)
	return m, nil
}

// Restore loads weights, optimizer state and training position saved by
// Save into this model, whose layers must match the file's. Nothing
// changes on error.
func (m *Model) Restore(path string) error {
	s, err := readSaved(path)
	if err != nil {
		return &nn.Error{Op: "model.Restore", Msg: err.Error()}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.g == nil {
		m.build(s.Input)
	}
	var mine []LayerConfig
	for _, l := range m.layers {
		mine = append(mine, l.Config())
	}
	if !sameLayers(mine, s.Layers) || !slices.Equal(m.inShape, s.Input) {
		return &nn.Error{Op: "model.Restore", Msg: fmt.Sprintf("%s holds a different model (%d layers, input %v); use model.Load", path, len(s.Layers), s.Input)}
	}
	// Check every number and state before the first value changes.
	fail := func(format string, args ...any) error {
		return &nn.Error{Op: "model.Restore", Msg: fmt.Sprintf("%s: ", path) + fmt.Sprintf(format, args...)}
	}
	switch {
	case s.Epoch < 0 || s.Batch < 0 || s.Done < 0:
		return fail("training position out of range (epoch %d, batch %d, examples done %d)", s.Epoch, s.Batch, s.Done)
	case s.Done > 0 && (s.Rows <= 0 || s.Rows > maxRows || s.Done > s.Rows):
		return fail("row count %d out of range (1 to %d, at least the %d examples done)", s.Rows, maxRows, s.Done)
	case math.IsNaN(s.BestValAcc) || s.BestValAcc < 0 || s.BestValAcc > 1:
		return fail("best validation accuracy %v is not between 0 and 1", s.BestValAcc)
	}
	var shuffle, augment []byte
	shuffleSrc, augmentSrc := new(rand.PCG), new(rand.PCG)
	if s.Done > 0 {
		if shuffle, err = base64.StdEncoding.DecodeString(s.Shuffle); err == nil {
			err = shuffleSrc.UnmarshalBinary(shuffle)
		}
		if err != nil {
			return fail("shuffle state: %v", err)
		}
	}
	if s.Augment != "" {
		if augment, err = base64.StdEncoding.DecodeString(s.Augment); err == nil {
			err = augmentSrc.UnmarshalBinary(augment)
		}
		if err != nil {
			return fail("augmentation state: %v", err)
		}
	}
	if err := m.sess.Restore(path); err != nil {
		return err
	}
	st := &m.state
	st.epoch, st.batch, st.done, st.bestVal = s.Epoch, s.Batch, s.Done, s.BestValAcc
	st.lossSum, st.accSum, st.images, st.seconds = 0, 0, 0, 0
	if st.shuffle == nil {
		st.shuffle, st.augment = nn.NewSource("model/shuffle"), nn.NewSource("augment")
	}
	if augment != nil {
		*st.augment = *augmentSrc
	}
	if s.Done > 0 {
		*st.shuffle = *shuffleSrc
		st.rows, st.shuffleS = s.Rows, shuffle
		st.perm = rand.New(st.shuffle).Perm(s.Rows)
	} else {
		st.batch, st.done = 0, 0
	}
	m.publish()
	return nil
}

func sameLayers(a, b []LayerConfig) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Type != y.Type || x.Name != y.Name || x.Units != y.Units || x.Filters != y.Filters || x.Kernel != y.Kernel ||
			x.Pool != y.Pool || x.Strides != y.Strides || x.Padding != y.Padding || x.Activation != y.Activation ||
			x.Rate != y.Rate || x.Alpha != y.Alpha || !slices.Equal(x.Shape, y.Shape) {
			return false
		}
	}
	return true
}
