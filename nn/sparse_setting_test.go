package nn

import "testing"

// useSparse turns the sparse paths of MatMul and Conv2D on or off, whatever
// NNLAB_SPARSE says, until the test ends.
func useSparse(t testing.TB, on bool) {
	old := sparseEnabled
	sparseEnabled = on
	t.Cleanup(func() { sparseEnabled = old })
}
