package plot

import (
	"bytes"
	"strings"
	"testing"
)

// TestNoColorAndDumbTerminal checks NO_COLOR (no colour, whatever else the
// environment says) and TERM=dumb (plain output).
func TestNoColorAndDumbTerminal(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Caps
	}{
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "xterm-256color", "COLORTERM": "truecolor", "NO_COLOR": "1"}, utf8Only},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "xterm-kitty", "NO_COLOR": "yes"}, utf8Only},
		{map[string]string{"LANG": "en_US.UTF-8", DisplayEnv: "halfblock", "NO_COLOR": "1"}, utf8Only},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "xterm-256color", "NO_COLOR": ""}, color256},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "dumb", "COLORTERM": "truecolor"}, Caps{}},
		{map[string]string{"LANG": "en_US.UTF-8", "TERM": "DUMB"}, Caps{}},
	} {
		if got := detectCaps(true, func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("detectCaps(true, %v) = %+v, want %+v", tc.env, got, tc.want)
		}
	}
	for _, caps := range []Caps{utf8Only, {}} {
		out := Braille([]Series{{Name: "loss", Y: []float64{3, 2, 1}}}, 20, 4, caps)
		if strings.Contains(out, "\x1b") {
			t.Errorf("escape codes with %+v: %q", caps, out)
		}
	}
}

// TestXUnit checks that the x axis of a chart can carry its unit, and that
// a live chart writes it.
func TestXUnit(t *testing.T) {
	s := []Series{{Name: "loss", X: []float64{3.5, 4, 4.5}, Y: []float64{3, 2, 1}}}
	out := BrailleX(s, 30, 4, Caps{}, "epoch")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	axis := lines[len(lines)-2]
	if !strings.HasSuffix(axis, "4.5 epoch") || !strings.Contains(axis, "3.5") {
		t.Errorf("x axis %q, want 3.5 ... 4.5 epoch\n%s", axis, out)
	}
	var b bytes.Buffer
	c := NewLiveChartCaps(&b, 30, 4, true, Caps{})
	c.XUnit = "epoch"
	c.Update("status", s...)
	if !strings.Contains(b.String(), "4.5 epoch") {
		t.Errorf("live chart: %q", b.String())
	}
}
