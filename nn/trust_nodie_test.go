package nn

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestZerosRefusesWhatCannotFit: sizes typed by mistake are an *Error
// naming the shape, not a fatal out-of-memory or an empty tensor.
func TestZerosRefusesWhatCannotFit(t *testing.T) {
	tests := []struct {
		shape []int
		want  string
	}{
		{[]int{100000, 100000, 100}, "[100000,100000,100]"},
		{[]int{1 << 62, 4}, "more elements than an int holds"},
		{[]int{1 << 31, 1 << 31, 4}, "more elements than an int holds"},
		{[]int{3, -2}, "negative"},
	}
	for _, tt := range tests {
		err := catch(func() { Zeros(tt.shape...) })
		var e *Error
		if !errors.As(err, &e) || !strings.Contains(e.Msg, tt.want) {
			t.Errorf("Zeros(%v): %v, want an *Error saying %q", tt.shape, err, tt.want)
		}
	}
	if got := Zeros(2, 3).Len(); got != 6 {
		t.Errorf("Zeros(2, 3).Len() = %d", got)
	}
}

// TestPlanRefusesHugeOutput: an op whose output cannot fit fails when the
// run is planned, as an error from Run.
func TestPlanRefusesHugeOutput(t *testing.T) {
	ResetDefaultGraph()
	defer ResetDefaultGraph()
	a := Placeholder(None, 1)
	b := Placeholder(1, None)
	c := MatMul(a, b)
	s := NewSession()
	big := 1 << 20
	_, err := s.RunContext(context.Background(), []*Node{c}, Feed{a: Zeros(big, 1), b: Zeros(1, big)})
	if err == nil || !strings.Contains(err.Error(), "more than this machine") {
		t.Fatalf("Run of a [2^20,2^20] matmul: %v, want a memory error", err)
	}
}

// TestZeroValueStrings: String of zero values never panics.
func TestZeroValueStrings(t *testing.T) {
	for _, v := range []interface{ String() string }{&Tensor{}, &Tensor{shape: []int{3}}, &Tensor{shape: []int{2, 2}, data: []float32{1}}, &Session{}, (*Session)(nil)} {
		if err := catch(func() { _ = v.String() }); err != nil {
			t.Errorf("%T String: %v", v, err)
		}
	}
}

func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok {
				err = e
			} else {
				err = errors.New("panic")
			}
		}
	}()
	f()
	return nil
}
