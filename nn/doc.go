// Package nn builds and trains neural networks in the style of TensorFlow 1:
// a program first describes a computation as a graph, then runs parts of it
// in a session.
//
// # Graphs
//
// Calls such as Placeholder, Variable, MatMul, Add, Relu and
// SoftmaxCrossEntropyWithLogits compute nothing: each adds a *Node to a
// Graph (the default graph, DefaultGraph, unless built with a Graph's own
// Placeholder, Variable and Const) and returns it. A node has a static shape,
// checked as the graph is built, in which None marks a dimension known only
// when data arrives, usually the batch:
//
//	x := nn.Placeholder(nn.None, 784) // fed at each run
//	w := nn.Variable(nn.TruncatedNormal([]int{784, 10}, 0.1))
//	b := nn.Variable(nn.Constant(0.1, []int{10}))
//	logits := nn.Add(nn.MatMul(x, w), b) // shape [?, 10]
//
// Every op's gradient is defined beside its forward computation, so an
// optimizer can differentiate any scalar loss built from them:
//
//	loss := nn.ReduceMean(nn.SoftmaxCrossEntropyWithLogits(y, logits))
//	train := nn.AdamOptimizer(1e-3).Minimize(loss)
//
// # Sessions
//
// A Session holds the values of a graph's variables and the optimizers'
// state. Running GlobalVariablesInitializer sets the variables; Run
// computes a node from values fed to the placeholders (a Feed), and
// running a training op takes one optimization step:
//
//	sess := nn.NewSession()
//	sess.Run(nn.GlobalVariablesInitializer(), nil)
//	for i := 0; i < 1000; i++ {
//		images, labels := data.Train.NextBatch(100)
//		sess.Run(train, nn.Feed{x: images, y: labels})
//	}
//	fmt.Println(sess.Run(loss, nn.Feed{x: testImages, y: testLabels}))
//
// A session runs a fetch through a plan cached per set of fetches and fed
// shapes, so a training step allocates nothing after the first. Session.Save
// and Session.Restore write and read checkpoints in the safetensors format.
//
// Problems in a graph or a run (shapes that do not match, an unfed
// placeholder) panic with an *Error naming the op, which nnlab's REPL
// reports as one line; RunContext returns them as errors instead.
//
// Package nn/model builds Keras-style Sequential models on top of this
// package; nn/mnist reads the MNIST data set.
package nn
