package plot_test

import (
	"fmt"

	"github.com/nnlab/nnlab/nn/plot"
)

func ExampleTableFor() {
	fmt.Print(plot.TableFor(plot.Caps{}, []string{"layer", "params"}, [][]string{
		{"dense_1", "401920"},
		{"dense_2", "5130"},
	}))
	// Output:
	// +---------+--------+
	// | layer   | params |
	// +---------+--------+
	// | dense_1 | 401920 |
	// | dense_2 |   5130 |
	// +---------+--------+
}

func ExampleBraille() {
	loss := plot.Series{Name: "loss", Y: []float64{2.3, 1.1, 0.6, 0.4, 0.3}}
	fmt.Print(plot.Braille([]plot.Series{loss}, 10, 4, plot.Caps{})) // not a terminal: ASCII
	// Output:
	// 2.3 |*
	//     | *
	//     |  **
	// 0.3 |    ******
	//     +----------
	//      1        5
	//      * loss
}
