package nn

import (
	"fmt"
	"math"
)

// LeakyRelu returns x where x > 0 and alpha*x elsewhere, element-wise, as
// tf.nn.leaky_relu (whose default alpha is 0.2). Its gradient is 1 where
// x > 0 and alpha elsewhere.
func LeakyRelu(x *Node, alpha float64) *Node {
	if math.IsNaN(alpha) || math.IsInf(alpha, 0) {
		panic(&Error{Op: "leaky_relu", Msg: fmt.Sprintf("alpha %v is not a finite number", alpha)})
	}
	a := float32(alpha)
	return unary("leaky_relu", x,
		func(x float32) float32 {
			if x > 0 {
				return x
			}
			return a * x
		},
		func(x, _ float32) float32 {
			if x > 0 {
				return 1
			}
			return a
		})
}
