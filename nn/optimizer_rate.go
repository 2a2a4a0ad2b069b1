package nn

// The learning-rate accessors of the optimizers, so that code holding an
// Optimizer (a schedule, a callback) can read and set the rate without
// knowing the concrete type. The field keeps the name LearningRate, as in
// TensorFlow's constructors, so the methods are named Rate and SetRate.

// Rate returns a.LearningRate.
func (a *Adam) Rate() float64 { return a.LearningRate }

// SetRate sets a.LearningRate.
func (a *Adam) SetRate(lr float64) { a.LearningRate = lr }

// Rate returns o.LearningRate.
func (o *GradientDescent) Rate() float64 { return o.LearningRate }

// SetRate sets o.LearningRate.
func (o *GradientDescent) SetRate(lr float64) { o.LearningRate = lr }

// Rate returns o.LearningRate.
func (o *Momentum) Rate() float64 { return o.LearningRate }

// SetRate sets o.LearningRate.
func (o *Momentum) SetRate(lr float64) { o.LearningRate = lr }
