//go:build !amd64 && !arm64

package vec

const useAVX2 = false

// kernelName is what Kernel reports.
const kernelName = "generic"

func adamAVX2(w, grad, m, v *float32, n int, lr, b1, c1, b2, c2, eps float32) {
	panic("unreachable")
}

func addAVX2(dst, a, b *float32, n int) { panic("unreachable") }

func reluAVX2(y, x *float32, n int)                       { panic("unreachable") }
func reluGradAVX2(dst, grad, y *float32, n int, add bool) { panic("unreachable") }

func maxIndexAVX2(dst, idx, x *float32, offs *int, noffs, n int) { panic("unreachable") }

func winogradInAVX2(dst, src *[16][]float32, n int) { panic("unreachable") }

func winogradOutAVX2(dst *[4][]float32, src *[16][]float32, bias *float32, relu bool, n int) {
	panic("unreachable")
}

func copyBlocksAVX2(dst, src *float32, outer, inner, n, so, si int) { panic("unreachable") }
func addBlocksAVX2(dst, src *float32, outer, inner, n, do, di int)  { panic("unreachable") }
