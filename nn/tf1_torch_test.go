package nn

import (
	"bytes"
	"encoding/json"
	"math"
	osexec "os/exec"
	"strings"
	"testing"
)

// torchScript computes, with PyTorch in float64, the values TestAgainstTorch
// compares: it reads the inputs as JSON on stdin and writes the results.
const torchScript = `
import json, sys
import torch
import torch.nn.functional as F
torch.set_default_dtype(torch.float64)
d = json.load(sys.stdin)
def t(name, shape, grad=False):
    return torch.tensor(d[name]).reshape(shape).requires_grad_(grad)
def flat(x):
    return x.detach().reshape(-1).tolist()
out = {}

y, x = t("xent_y", (2, 3), True), t("xent_x", (2, 3), True)
xent = -(y * F.log_softmax(x, 1)).sum(1)
(xent * t("xent_w", (2,))).sum().backward()
out["xent"], out["xent_dy"], out["xent_dx"] = flat(xent), flat(y.grad), flat(x.grad)

a, b = t("bmm_a", (2, 3, 4), True), t("bmm_b", (2, 4, 5), True)
c = torch.bmm(a, b)
(c * t("bmm_w", (2, 3, 5))).sum().backward()
out["bmm"], out["bmm_da"], out["bmm_db"] = flat(c), flat(a.grad), flat(b.grad)

x = t("img", (2, 6, 7, 2), True)
nchw = x.permute(0, 3, 1, 2)
mp = F.max_pool2d(nchw, (3, 2), (2, 1)).permute(0, 2, 3, 1)
ap = F.avg_pool2d(nchw, (3, 2), (2, 1)).permute(0, 2, 3, 1)
(mp * t("pool_w", mp.shape)).sum().backward()
out["maxpool"], out["maxpool_dx"], out["avgpool"] = flat(mp), flat(x.grad), flat(ap)

x, f = t("img", (2, 6, 7, 2), True), t("filter", (3, 2, 2, 3), True)
conv = F.conv2d(x.permute(0, 3, 1, 2), f.permute(3, 2, 0, 1), stride=(2, 1)).permute(0, 2, 3, 1)
(conv * t("conv_w", conv.shape)).sum().backward()
out["conv"], out["conv_dx"], out["conv_df"] = flat(conv), flat(x.grad), flat(f.grad)

bn = torch.nn.BatchNorm1d(3, eps=1e-3, momentum=0.01)
bn.train()
out["bn"] = flat(bn(t("bn_x", (5, 3))))
out["bn_mean"], out["bn_var"] = flat(bn.running_mean), flat(bn.running_var)

r = t("red", (2, 3, 4, 5))
out["sum02"], out["mean13"] = flat(r.sum((0, 2))), flat(r.mean((1, 3)))
json.dump(out, sys.stdout)
`

// TestAgainstTorch compares the ops of this issue with PyTorch, where
// python3 has it (Debian's python3-torch); elsewhere the other tests check
// the same ops against central differences and naive loops.
func TestAgainstTorch(t *testing.T) {
	// Debian's python3-torch is for /usr/bin/python3, which may not be the
	// python3 on PATH.
	py := ""
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if osexec.Command(p, "-c", "import torch").Run() == nil {
			py = p
			break
		}
	}
	if py == "" {
		t.Skip("PyTorch is not available to python3 or /usr/bin/python3 (apt-get install python3-torch)")
	}
	ResetDefaultGraph()
	Seed(9)
	in := map[string][]float32{
		"xent_y": {0, 0, 1, 0.2, 0.5, 0.3}, "xent_x": {0, -50, -200, 1.5, -0.5, 0.25}, "xent_w": {1, -0.7},
		"bmm_a": randTensor("torch/a", 2, 3, 4).data, "bmm_b": randTensor("torch/b", 2, 4, 5).data,
		"bmm_w":  weightsFor(30).data,
		"img":    randTensor("torch/img", 2, 6, 7, 2).data,
		"filter": randTensor("torch/f", 3, 2, 2, 3).data,
		"bn_x":   randTensor("torch/bn", 5, 3).data,
		"red":    randTensor("torch/red", 2, 3, 4, 5).data,
	}
	// Pool and conv outputs: [2,2,6,2] and [2,2,6,3] (VALID, strides 2 and 1).
	in["pool_w"], in["conv_w"] = weightsFor(48).data, weightsFor(72).data
	stdin, _ := json.Marshal(in)
	cmd := osexec.Command(py, "-c", torchScript)
	cmd.Stdin = bytes.NewReader(stdin)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v\n%s", err, stderr.String())
	}
	var want map[string][]float64
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	got := map[string][]float32{}
	// input returns a variable of zeros plus the constant data, so that the
	// variable's gradient is the input's.
	input := func(name string, shape ...int) (v, x *Node) {
		v = Variable(Constant(0, shape)).Named(name)
		return v, Add(v, Const(NewTensor(append([]float32{}, in[name]...), shape...)))
	}
	run := func(n *Node, feed Feed) []float32 {
		s := NewSession()
		s.Run(GlobalVariablesInitializer(), nil)
		return s.Run(n, feed).data
	}
	scaled := func(y *Node, w string) *Node {
		return ReduceSum(Mul(Reshape(y, -1), Const(NewTensor(in[w], len(in[w])))))
	}

	vy, y := input("xent_y", 2, 3)
	vx, x := input("xent_x", 2, 3)
	xent := SoftmaxCrossEntropyWithLogitsV2(y, x)
	g := gradOf(t, scaled(xent, "xent_w"), []*Node{vy, vx}, nil)
	got["xent"], got["xent_dy"], got["xent_dx"] = run(xent, nil), g[0], g[1]

	va, a := input("bmm_a", 2, 3, 4)
	vb, b := input("bmm_b", 2, 4, 5)
	g = gradOf(t, scaled(MatMul(a, b), "bmm_w"), []*Node{va, vb}, nil)
	got["bmm"], got["bmm_da"], got["bmm_db"] = run(MatMul(a, b), nil), g[0], g[1]

	vi, img := input("img", 2, 6, 7, 2)
	mp := MaxPoolWindow(img, []int{3, 2}, []int{2, 1}, "VALID")
	got["maxpool"], got["maxpool_dx"] = run(mp, nil), gradOf(t, scaled(mp, "pool_w"), []*Node{vi}, nil)[0]
	got["avgpool"] = run(AvgPoolWindow(img, []int{1, 3, 2, 1}, []int{1, 2, 1, 1}, "VALID"), nil)

	vf, f := input("filter", 3, 2, 2, 3)
	conv := Conv2DStrides(img, f, []int{2, 1}, "VALID")
	g = gradOf(t, scaled(conv, "conv_w"), []*Node{vi, vf}, nil)
	got["conv"], got["conv_dx"], got["conv_df"] = run(conv, nil), g[0], g[1]

	bx := Placeholder(None, 3)
	train := Placeholder()
	bn := BatchNorm(bx, train)
	_, _, mean, variance := bnParams(bn)
	step := GradientDescentOptimizer(0).Minimize(ReduceSum(bn))
	s := NewSession()
	s.Run(GlobalVariablesInitializer(), nil)
	feed := Feed{bx: NewTensor(in["bn_x"], 5, 3), train: 1}
	got["bn"] = s.RunAll([]*Node{bn, step}, feed)[0].data
	got["bn_mean"], got["bn_var"] = s.Value(mean).data, s.Value(variance).data

	_, red := input("red", 2, 3, 4, 5)
	got["sum02"], got["mean13"] = run(ReduceSum(red, 0, 2), nil), run(ReduceMean(red, 1, -1), nil)

	for name, w := range want {
		g := got[name]
		if len(g) != len(w) {
			t.Errorf("%s: %d values, PyTorch %d", name, len(g), len(w))
			continue
		}
		for i := range w {
			if math.Abs(float64(g[i])-w[i]) > 1e-4*math.Max(1, math.Abs(w[i])) {
				t.Errorf("%s[%d] = %v, PyTorch %v", name, i, g[i], w[i])
				break
			}
		}
	}
}
