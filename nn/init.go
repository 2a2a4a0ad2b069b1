package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Initializer describes the initial value of a variable.
type Initializer struct {
	kind   string
	shape  []int
	mean   float64
	stddev float64
	value  float64
	limit  float64
}

// TruncatedNormal draws from a normal distribution with the given standard
// deviation, redrawing values more than two standard deviations from the mean.
func TruncatedNormal(shape []int, stddev float64) *Initializer {
	return newInit("TruncatedNormal", shape, &Initializer{kind: "truncated_normal", stddev: stddev})
}

// RandomNormal draws from a normal distribution with mean 0.
func RandomNormal(shape []int, stddev float64) *Initializer {
	return newInit("RandomNormal", shape, &Initializer{kind: "normal", stddev: stddev})
}

// Constant fills every element with value: Constant(0.1, []int{512}).
func Constant(value float64, shape []int) *Initializer {
	return newInit("Constant", shape, &Initializer{kind: "constant", value: value})
}

// GlorotUniform draws uniformly from ±sqrt(6/(fanIn+fanOut)), Keras's default
// for dense and convolution kernels. For shapes of rank > 2 the leading
// dimensions count as receptive field, as in Keras.
func GlorotUniform(shape []int) *Initializer {
	fanIn, fanOut := fans(shape)
	return newInit("GlorotUniform", shape, &Initializer{kind: "uniform", limit: math.Sqrt(6 / float64(fanIn+fanOut))})
}

func fans(shape []int) (in, out int) {
	switch len(shape) {
	case 0:
		return 1, 1
	case 1:
		return shape[0], shape[0]
	}
	field := numElements(shape[:len(shape)-2])
	return field * shape[len(shape)-2], field * shape[len(shape)-1]
}

func newInit(name string, shape []int, in *Initializer) *Initializer {
	for _, d := range shape {
		if d < 0 {
			panic(&Error{Op: name, Msg: fmt.Sprintf("shape %v: a variable needs every dimension known", shape)})
		}
	}
	in.shape = append([]int{}, shape...)
	return in
}

// Shape returns the shape of the values the initializer makes.
func (in *Initializer) Shape() []int { return append([]int(nil), in.shape...) }

func (in *Initializer) String() string {
	switch in.kind {
	case "constant":
		return fmt.Sprintf("Constant(%g, %v)", in.value, in.shape)
	case "uniform":
		return fmt.Sprintf("Uniform(±%g, %v)", in.limit, in.shape)
	}
	return fmt.Sprintf("%s(stddev=%g, %v)", in.kind, in.stddev, in.shape)
}

// fill writes fresh initial values into dst.
func (in *Initializer) fill(dst []float32, r *rand.Rand) {
	switch in.kind {
	case "constant":
		for i := range dst {
			dst[i] = float32(in.value)
		}
	case "normal":
		for i := range dst {
			dst[i] = float32(in.mean + in.stddev*r.NormFloat64())
		}
	case "truncated_normal":
		for i := range dst {
			z := r.NormFloat64()
			for z < -2 || z > 2 {
				z = r.NormFloat64()
			}
			dst[i] = float32(in.mean + in.stddev*z)
		}
	case "uniform":
		for i := range dst {
			dst[i] = float32((2*r.Float64() - 1) * in.limit)
		}
	}
}
