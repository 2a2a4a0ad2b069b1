package plot

import (
	"os"
	"testing"
)

// The null device is a character device on every system, and no terminal:
// counting every character device as one drew escape sequences into NUL.
func TestNullDeviceIsNotTerminal(t *testing.T) {
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if IsTerminal(f) {
		t.Errorf("%s is a terminal", os.DevNull)
	}
	if w := ttyWidth(f); w != 0 {
		t.Errorf("%s has a width of %d columns", os.DevNull, w)
	}
}

func TestDetectCapsWindowsTerminal(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want Caps
	}{
		{map[string]string{"WT_SESSION": "5e1c4a4e-0000-4000-8000-000000000000"}, Caps{UTF8: true, Color256: true, TrueColor: true}},
		{map[string]string{"WT_SESSION": "x", DisplayEnv: "plain"}, Caps{}},
		{map[string]string{}, Caps{}}, // a console without Windows Terminal: plain
	} {
		if got := detectCaps(true, func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("detectCaps(true, %v) = %+v, want %+v", tc.env, got, tc.want)
		}
	}
}
