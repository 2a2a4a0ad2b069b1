package kernel

import (
	"strings"
	"testing"
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
