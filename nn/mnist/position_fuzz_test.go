package mnist

import (
	"testing"

	"github.com/nnlab/nnlab/nn"
)

// FuzzUnmarshalPosition feeds arbitrary bytes (as a hostile checkpoint's
// metadata would) to DataSet.UnmarshalBinary: it must return an error or a
// valid position, never panic, and a rejected input must change nothing.
func FuzzUnmarshalPosition(f *testing.F) {
	small := func() *DataSet {
		return &DataSet{Images: nn.Zeros(5, 784), Labels: nn.Zeros(5, 10), NumExamples: 5, name: "fuzz"}
	}
	d := small()
	d.NextBatch(3)
	good, err := d.MarshalBinary()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add([]byte(positionMagic + "\x00\x05\x00\x00\x00"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		d := small()
		before, _ := d.MarshalBinary()
		if err := d.UnmarshalBinary(b); err != nil {
			after, _ := d.MarshalBinary()
			if string(after) != string(before) {
				t.Fatal("a rejected position changed the data set")
			}
			return
		}
		// An accepted position must be usable.
		d.NextBatch(5) // the whole set: crosses an epoch from any position
	})
}
