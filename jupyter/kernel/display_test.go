package kernel

import (
	"io"
	"strings"
	"testing"

	"github.com/nnlab/nnlab/nn/model"
	"github.com/nnlab/nnlab/runtime"
)

// display(v) mid-cell sends display_data with the bundle a bare expression
// of v gets, between the output written before and after it.
func TestDisplayData(t *testing.T) {
	c := startKernel(t)
	tests := []struct {
		code  string
		types []string
		text  string
	}{
		{"img := nn.Zeros(28, 28)\nfmt.Println(\"before\")\ndisplay(img)\nfmt.Println(\"after\")", []string{"text/plain", "image/png"}, ""},
		{"import \"github.com/nnlab/nnlab/nn/model\"\nm := model.Sequential(model.Input(784), model.Dense(10, \"softmax\"))\nfmt.Println(\"before\")\ndisplay(m)\nfmt.Println(\"after\")", []string{"text/plain", "text/html"}, "Param #"},
		{"fmt.Println(\"before\")\ndisplay(40 + 2)\nfmt.Println(\"after\")", []string{"text/plain"}, "42"},
		{"fmt.Println(\"before\")\ndisplay(1, \"two\")\nfmt.Println(\"after\")", []string{"text/plain"}, "two"},
	}
	for _, tt := range tests {
		reply, out := c.execute(tt.code)
		if reply["status"] != "ok" {
			t.Fatalf("%q: %v", tt.code, reply)
		}
		var order []string
		var data map[string]any
		for _, m := range out {
			switch m.Header.MsgType {
			case "stream":
				order = append(order, strings.TrimSpace(content(t, m)["text"].(string)))
			case "display_data":
				order = append(order, "display")
				data = content(t, m)["data"].(map[string]any)
			case "execute_result":
				t.Errorf("%q: an execute_result: display(v) is a statement", tt.code)
			}
		}
		if got := strings.Join(order, " "); got != "before display after" {
			t.Errorf("%q: output %q, want before, display_data, after", tt.code, got)
		}
		if len(data) != len(tt.types) {
			t.Errorf("%q: bundle %v, want %v", tt.code, keys(data), tt.types)
		}
		for _, typ := range tt.types {
			if _, ok := data[typ]; !ok {
				t.Errorf("%q: no %s in %v", tt.code, typ, keys(data))
			}
		}
		if plain, _ := data["text/plain"].(string); !strings.Contains(plain, tt.text) {
			t.Errorf("%q: text/plain %q, want it to contain %q", tt.code, plain, tt.text)
		}
	}
}

// Fit with model.Output set to FitOutput, as nnlab's kernel sets it, shows
// its progress as one display_data with a display id, then
// update_display_data of that id, and no terminal escapes anywhere.
func TestFitDisplayUpdated(t *testing.T) {
	old := model.Output
	t.Cleanup(func() { model.Output = old })
	c := startKernelWith(t, func(stdin io.Reader, stdout, stderr io.Writer, d *Display) (Session, error) {
		model.Output = d.FitOutput(stdout)
		return runtime.New(runtime.Options{Stdin: stdin, Stdout: stdout, Stderr: stderr, Display: d.Value})
	})
	code := `import "github.com/nnlab/nnlab/nn/model"
m := model.Sequential(model.Input(4), model.Dense(2, "softmax"))
m.Compile(nn.AdamOptimizer(0.01))
xs := nn.NewTensor([]float32{0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0}, 4, 4)
ys := nn.NewTensor([]float32{1, 0, 0, 1, 1, 0, 0, 1}, 4, 2)
fmt.Println("before")
h := m.FitArrays(xs, ys, model.FitOptions{Epochs: 3, BatchSize: 2, Verbose: 1})
fmt.Println("after")
len(h.Epochs)`
	reply, out := c.execute(code)
	if reply["status"] != "ok" {
		t.Fatal(reply)
	}
	var order []string
	var id string
	updates := 0
	var last map[string]any
	for _, m := range out {
		if strings.Contains(string(m.Content), `\u001b`) || strings.Contains(string(m.Content), `\r`) {
			t.Errorf("%s has a terminal escape: %s", m.Header.MsgType, m.Content)
		}
		c := content(t, m)
		switch m.Header.MsgType {
		case "display_data", "update_display_data":
			tr, _ := c["transient"].(map[string]any)
			did, _ := tr["display_id"].(string)
			if did == "" {
				t.Fatalf("%s without a display id: %s", m.Header.MsgType, m.Content)
			}
			if m.Header.MsgType == "display_data" {
				if id != "" {
					t.Errorf("a second display_data")
				}
				id = did
				order = append(order, "display")
			} else {
				if did != id {
					t.Errorf("update of display %q, want %q", did, id)
				}
				updates++
			}
			last = c["data"].(map[string]any)
		case "stream":
			order = append(order, strings.TrimSpace(c["text"].(string)))
		}
	}
	t.Logf("one display, %d updates", updates)
	if got := strings.Join(order, " "); got != "before display after" {
		t.Errorf("output %q, want before, the display, after", got)
	}
	if updates < 3 {
		t.Errorf("%d updates, want one per epoch at least", updates)
	}
	if plain, _ := last["text/plain"].(string); !strings.Contains(plain, "Epoch 3/3") {
		t.Errorf("last update's text %q lacks Epoch 3/3", plain)
	}
	if _, ok := last["image/png"]; !ok {
		t.Errorf("last update has no chart: %v", keys(last))
	}
}
