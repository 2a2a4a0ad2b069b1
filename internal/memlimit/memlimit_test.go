package memlimit

import (
	"math"
	"strings"
	"testing"
)

func TestTotalIsPlausible(t *testing.T) {
	if tot := Total(); tot < 64<<20 {
		t.Fatalf("Total() = %d bytes, less than 64 MiB", tot)
	}
	t.Logf("total %s, limit %s", FormatBytes(Total()), FormatBytes(Limit()))
}

func TestCheck(t *testing.T) {
	tests := []struct {
		n, size int
		ok      bool
		want    string
	}{
		{1000, 4, true, ""},
		{0, 4, true, ""},
		{100000 * 100000 * 1000, 4, false, "more than this machine"},
		{1 << 62, 4, false, "overflows"},
		{math.MaxInt, math.MaxInt, false, "overflows"},
		{-1, 4, false, "overflows"},
	}
	for _, tt := range tests {
		err := Check("thing", tt.n, tt.size)
		if (err == nil) != tt.ok {
			t.Errorf("Check(%d, %d) = %v, want ok=%v", tt.n, tt.size, err, tt.ok)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Check(%d, %d) = %q, want it to say %q", tt.n, tt.size, err, tt.want)
		}
	}
}

func TestElements(t *testing.T) {
	tests := []struct {
		shape []int
		n     int
		ok    bool
	}{
		{nil, 1, true},
		{[]int{2, 3}, 6, true},
		{[]int{0, 1 << 62}, 0, true},
		{[]int{1 << 62, 4}, 0, false},
		{[]int{1 << 32, 1 << 31}, 0, false},
		{[]int{3, -1}, 0, false},
	}
	for _, tt := range tests {
		n, ok := Elements(tt.shape)
		if n != tt.n || ok != tt.ok {
			t.Errorf("Elements(%v) = %d, %v; want %d, %v", tt.shape, n, ok, tt.n, tt.ok)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for b, want := range map[uint64]string{12: "12 B", 1536: "1.5 KiB", 40e9: "37.3 GiB"} {
		if got := FormatBytes(b); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", b, got, want)
		}
	}
}
