// Package model is a Keras-style high-level API on top of nn's graphs:
// stack layers into a Sequential model, compile it with an optimizer, Fit it
// on MNIST with a progress bar, Evaluate and Predict in bounded memory,
// save it with its architecture and Load it back from the file alone.
//
//	m := model.Sequential(
//		model.Input(28, 28, 1),
//		model.Conv2D(32, 5, "relu").Padding("same"),
//		model.MaxPool(2),
//		model.Flatten(),
//		model.Dense(128, "relu"),
//		model.Dropout(0.5),
//		model.Dense(10, "softmax"),
//	)
//	m.Compile(nn.AdamOptimizer(1e-3))
//	fmt.Println(m.Summary())
//	h := m.Fit(data.Train, model.FitOptions{Epochs: 3, BatchSize: 128, Validation: data.Validation})
//	loss, acc := m.Evaluate(data.Test.Images, data.Test.Labels)
//	m.Save("cnn.safetensors")
//
// A model is an ordinary nn graph with a session: placeholders for the
// input, the labels and a training flag (which switches Dropout and
// BatchNorm between training and inference), a variable per weight named
// after its layer ("dense_1/kernel", "conv2d_1/bias"), and the optimizer's
// training op. Graph() and Session() expose them.
//
// Activations are given by their Keras names ("relu", "softmax") or as
// values: model.ReLU, model.Softmax, model.LeakyReLU(0.2).
//
// Layer constructors return the concrete type *Layer, so that scripts run
// by nnlab's interpreter can pass them to Sequential's variadic parameter;
// New and Add build the same model one layer at a time.
//
// Problems in the model's definition or its data panic with an *nn.Error,
// which nnlab's REPL reports as one line; file errors are returned.
package model

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/nnlab/nnlab/nn"
)

// Model is a stack of layers trained and evaluated as one network.
type Model struct {
	mu     sync.Mutex
	name   string
	layers []*Layer
	counts map[string]int // per layer type, for default names

	opt  nn.Optimizer
	loss string

	// The graph, made by build.
	g        *nn.Graph
	inShape  []int // one example, as the first layer sees it
	x, y     *nn.Node
	training *nn.Node
	logits   *nn.Node // the last layer before a final softmax
	out      *nn.Node // the model's output
	probs    *nn.Node // probabilities (out, or softmax of logits)
	lossNode *nn.Node
	accNode  *nn.Node
	train    *nn.Node // the optimizer's step; rebuilt by Compile
	sess     *nn.Session

	// Training progress, kept across Fit calls so that an interrupted Fit
	// can be continued (see Fit).
	state    fitState
	position atomic.Int64 // epoch<<32 | batch, for Epoch
	history  History

	// PredictBatch is how many examples Evaluate and Predict run at once
	// (default 1000), which bounds their memory.
	PredictBatch int
}

// New returns an empty Sequential model; add layers with Add.
func New() *Model {
	return &Model{name: "sequential", counts: map[string]int{}, loss: LossCrossEntropy}
}

// Sequential returns a model made of the layers in order. The first may
// be Input(...) or carry InputShape; otherwise the input shape is taken
// from the data at the first Fit, Evaluate or Predict.
func Sequential(layers ...*Layer) *Model {
	m := New()
	for _, l := range layers {
		m.Add(l)
	}
	return m
}

// Loss names accepted by Compile.
const (
	// LossCrossEntropy is the softmax cross-entropy against one-hot labels
	// (class-id labels are converted). With a final "softmax" layer it is
	// computed from that layer's logits, which is exact and stable; a model
	// ending in a linear layer has its outputs taken as logits.
	LossCrossEntropy = "categorical_crossentropy"
	// LossMSE is the mean squared error between outputs and labels.
	LossMSE = "mse"
)

// Add appends a layer and returns the model, so calls can be chained:
// m.Add(model.Dense(128, "relu")).Add(model.Dense(10, "softmax")). Layers
// cannot be added once the model's graph is built.
func (m *Model) Add(l *Layer) *Model {
	m.mu.Lock()
	defer m.mu.Unlock()
	if l == nil {
		panic(&nn.Error{Op: "model.Add", Msg: "nil layer"})
	}
	if m.g != nil {
		panic(&nn.Error{Op: "model.Add", Msg: "the model is already built (compiled and run); make a new one"})
	}
	for _, o := range m.layers {
		if o == l {
			panic(&nn.Error{Op: "model.Add", Msg: fmt.Sprintf("layer %s was already added", l.cfg.Name)})
		}
	}
	if l.cfg.Name == "" {
		m.counts[l.cfg.Type]++
		l.cfg.Name = fmt.Sprintf("%s_%d", l.cfg.Type, m.counts[l.cfg.Type])
	}
	for _, o := range m.layers {
		if o.cfg.Name == l.cfg.Name {
			panic(&nn.Error{Op: "model.Add", Msg: fmt.Sprintf("two layers named %q", l.cfg.Name)})
		}
	}
	if err := l.cfg.check(); err != nil {
		panic(&nn.Error{Op: "model.Add", Msg: err.Error()})
	}
	if l.cfg.Type == typeInput && len(m.layers) > 0 {
		panic(&nn.Error{Op: "model.Add", Msg: "Input must be the first layer"})
	}
	m.layers = append(m.layers, l)
	return m
}

// Layers returns the model's layers in order.
func (m *Model) Layers() []*Layer {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]*Layer(nil), m.layers...)
}

// Compile sets the optimizer, such as nn.AdamOptimizer(1e-3), and
// optionally the loss (LossCrossEntropy, the default, or LossMSE). The
// optimizer's LearningRate may be changed between Fit calls, and a
// schedule (FitOptions.Schedule) sets it while fitting. Compiling a built
// model again starts the new optimizer from fresh state; the weights stay.
func (m *Model) Compile(opt nn.Optimizer, loss ...string) *Model {
	m.mu.Lock()
	defer m.mu.Unlock()
	if opt == nil {
		panic(&nn.Error{Op: "model.Compile", Msg: "nil optimizer; use nn.AdamOptimizer(1e-3)"})
	}
	if len(loss) > 1 {
		panic(&nn.Error{Op: "model.Compile", Msg: "one loss at most"})
	}
	l := m.loss
	if len(loss) == 1 {
		l = loss[0]
	}
	switch l {
	case LossCrossEntropy, "crossentropy", "sparse_categorical_crossentropy":
		l = LossCrossEntropy
	case LossMSE, "mean_squared_error":
		l = LossMSE
	default:
		panic(&nn.Error{Op: "model.Compile", Msg: fmt.Sprintf("unknown loss %q (want %q or %q)", l, LossCrossEntropy, LossMSE)})
	}
	if m.g != nil && l != m.loss {
		panic(&nn.Error{Op: "model.Compile", Msg: "the loss cannot change once the model is built"})
	}
	m.opt, m.loss, m.train = opt, l, nil
	if m.g != nil {
		m.train = m.opt.Minimize(m.lossNode)
	}
	return m
}

// Optimizer returns the optimizer given to Compile (nil before).
func (m *Model) Optimizer() nn.Optimizer {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.opt
}

// inputShape is the declared input shape, or nil.
func (m *Model) inputShape() []int {
	if len(m.layers) == 0 {
		return nil
	}
	c := m.layers[0].cfg
	if c.Type == typeInput {
		return c.Shape
	}
	return c.InputShape
}

// layerShapes builds the layers in a scratch graph for examples of shape
// in and returns each layer's output shape and parameter counts, read from
// the nodes the layers made.
func (m *Model) layerShapes(in []int) (outs [][]int, trainable, fixed []int, err error) {
	g := nn.NewGraph()
	built, err := buildLayers(m.layers, g.Placeholder(append([]int{nn.None}, in...)...), g.Placeholder())
	if err != nil {
		return nil, nil, nil, err
	}
	for _, b := range built {
		t, f := b.params()
		outs, trainable, fixed = append(outs, b.shape()), append(trainable, t), append(fixed, f)
	}
	return outs, trainable, fixed, nil
}

// Build makes the model's graph and session now, for examples of the given
// shape (Input(...) or the first layer's InputShape need not be repeated:
// call Build() without arguments). Fit, Evaluate and Predict build a model
// on their first call, so Build is needed only to inspect Graph or Session
// before that.
//
// A model's graph holds only the model, so that its checkpoints hold
// exactly its variables: building makes a graph of its own (nn.NewGraph)
// and never touches the default graph, whose nodes, names and sessions
// stay as they were. The model's nodes cannot be combined with them.
func (m *Model) Build(shape ...int) *Model {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(shape) == 0 {
		shape = m.inputShape()
		if shape == nil {
			panic(&nn.Error{Op: "model.Build", Msg: "no input shape: start the model with model.Input(...) or pass the shape"})
		}
	}
	m.build(shape)
	return m
}

// build makes the graph for examples of shape in. Caller holds m.mu.
func (m *Model) build(in []int) {
	if m.g != nil {
		return
	}
	if len(m.layers) == 0 {
		panic(&nn.Error{Op: "model", Msg: "the model has no layers"})
	}
	if decl := m.inputShape(); decl != nil {
		if numElements(decl) != numElements(in) {
			panic(&nn.Error{Op: "model", Msg: fmt.Sprintf("examples of shape %v do not fit the input shape %v", in, decl)})
		}
		in = decl
	}
	outs, _, _, err := m.layerShapes(in)
	if err != nil {
		panic(&nn.Error{Op: "model", Msg: err.Error()})
	}
	last := outs[len(outs)-1]
	if len(last) != 1 {
		panic(&nn.Error{Op: "model", Msg: fmt.Sprintf("the output %s must be a vector per example; end with Flatten and Dense", shapeString(last))})
	}
	m.g = nn.NewGraph()
	m.inShape = append([]int(nil), in...)
	m.x = m.g.Placeholder(append([]int{nn.None}, in...)...).Named("input")
	m.training = m.g.Placeholder().Named("training")
	built, err := buildLayers(m.layers, m.x, m.training)
	if err != nil { // layerShapes passed: not expected
		panic(&nn.Error{Op: "model", Msg: err.Error()})
	}
	for i, l := range m.layers {
		l.vars = built[i].vars
	}
	m.out = built[len(built)-1].out
	pre := built[len(built)-1].pre
	classes := last[0]
	m.y = m.g.Placeholder(nn.None, classes).Named("labels")
	lastAct := m.layers[len(m.layers)-1].cfg.activation()
	switch {
	case m.loss == LossMSE:
		m.logits, m.probs = nil, m.out
		m.lossNode = nn.ReduceMean(nn.Square(nn.Sub(m.out, m.y)))
	case lastAct == Softmax:
		m.logits, m.probs = pre, m.out
		m.lossNode = nn.ReduceMean(nn.SoftmaxCrossEntropyWithLogits(m.y, m.logits))
	default:
		m.logits, m.probs = m.out, nn.Softmax(m.out)
		m.lossNode = nn.ReduceMean(nn.SoftmaxCrossEntropyWithLogits(m.y, m.logits))
	}
	m.lossNode.Named("loss")
	m.accNode = nn.ReduceMean(nn.Cast(nn.Equal(nn.ArgMax(m.out, 1), nn.ArgMax(m.y, 1)), nn.Float32)).Named("accuracy")
	if m.opt != nil {
		m.train = m.opt.Minimize(m.lossNode)
	}
	m.sess = nn.NewSessionOn(m.g)
	m.sess.Run(m.g.GlobalVariablesInitializer(), nil)
}

// Graph returns the model's graph (nil until it is built).
func (m *Model) Graph() *nn.Graph {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.g
}

// Session returns the session holding the model's weights (nil until the
// model is built).
func (m *Model) Session() *nn.Session {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.sess
}

// Nodes of the built model, for use with its Session: the input and label
// placeholders, the training flag (feed 1 to train, 0 otherwise), the
// output, the loss and the accuracy.
type Nodes struct {
	Input, Labels, Training, Output, Loss, Accuracy, Train *nn.Node
}

// Nodes returns the built model's nodes (all nil before it is built).
func (m *Model) Nodes() Nodes {
	m.mu.Lock()
	defer m.mu.Unlock()
	return Nodes{m.x, m.y, m.training, m.out, m.lossNode, m.accNode, m.train}
}

// Summary returns a table of the layers with their output shapes and
// parameter counts, and the totals, as Keras prints it. The input shape
// must be known (Input, InputShape, or a model already fitted).
func (m *Model) Summary() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	in := m.inShape
	if in == nil {
		in = m.inputShape()
	}
	if in == nil {
		return fmt.Sprintf("Model: %q (%d layers) has no input shape yet: start it with model.Input(...) or fit it to data first", m.name, len(m.layers))
	}
	outs, trainable, fixed, err := m.layerShapes(in)
	if err != nil {
		return fmt.Sprintf("Model: %q: %v", m.name, err)
	}
	type row struct{ name, shape, params string }
	rows := []row{}
	var totalT, totalF int
	for i, l := range m.layers {
		totalT += trainable[i]
		totalF += fixed[i]
		if l.cfg.Type == typeInput {
			continue
		}
		rows = append(rows, row{
			name:   fmt.Sprintf("%s (%s)", l.cfg.Name, l.cfg.className()),
			shape:  shapeString(outs[i]),
			params: commas(trainable[i] + fixed[i]),
		})
	}
	w1, w2, w3 := len("Layer (type)"), len("Output Shape"), len("Param #")
	for _, r := range rows {
		w1, w2, w3 = max(w1, len(r.name)), max(w2, len(r.shape)), max(w3, len(r.params))
	}
	w1, w2 = w1+4, w2+4
	width := w1 + w2 + w3
	var b strings.Builder
	line := func(c byte) { b.WriteString(strings.Repeat(string(c), width) + "\n") }
	fmt.Fprintf(&b, "Model: %q\n", m.name)
	line('_')
	fmt.Fprintf(&b, "%-*s%-*s%s\n", w1, "Layer (type)", w2, "Output Shape", "Param #")
	line('=')
	for i, r := range rows {
		if i > 0 {
			line('_')
		}
		fmt.Fprintf(&b, "%-*s%-*s%s\n", w1, r.name, w2, r.shape, r.params)
	}
	line('=')
	fmt.Fprintf(&b, "Total params: %s\n", commas(totalT+totalF))
	fmt.Fprintf(&b, "Trainable params: %s\n", commas(totalT))
	fmt.Fprintf(&b, "Non-trainable params: %s\n", commas(totalF))
	line('_')
	return b.String()
}

// CountParams returns the number of trainable and non-trainable parameters
// (0, 0 while the input shape is unknown).
func (m *Model) CountParams() (trainable, nonTrainable int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	in := m.inShape
	if in == nil {
		in = m.inputShape()
	}
	if in == nil {
		return 0, 0
	}
	_, t, f, err := m.layerShapes(in)
	if err != nil {
		return 0, 0
	}
	for i := range t {
		trainable += t[i]
		nonTrainable += f[i]
	}
	return trainable, nonTrainable
}

// String describes the model in one line.
func (m *Model) String() string {
	m.mu.Lock()
	n := len(m.layers)
	m.mu.Unlock()
	epochs, _ := m.Epoch()
	t, f := m.CountParams()
	return fmt.Sprintf("Model(%d layers, %s parameters, %d epochs trained)", n, commas(t+f), epochs)
}

// commas prints n with thousands separators: 1,199,882.
func commas(n int) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 && s[i-1] != '-' {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// Output is where Fit and the other methods print progress unless told
// otherwise (FitOptions.Output). An embedding program such as nnlab's
// script runner may point it elsewhere.
var Output io.Writer = os.Stdout
