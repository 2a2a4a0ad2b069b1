//go:build ignore

package main

import (
	"image"
	"image/color"
	"image/png"
	"os"

	"github.com/nnlab/nnlab/nn/mnist"
)

// prep OUT.png FILES...: prepared 28x28 of each, 20 per row.
func main() {
	fs := os.Args[2:]
	rows := (len(fs) + 19) / 20
	img := image.NewGray(image.Rect(0, 0, 30*20, 30*rows))
	for i := range img.Pix {
		img.Pix[i] = 128
	}
	for k, f := range fs {
		t, err := mnist.LoadImage(f)
		if err != nil {
			println(err.Error())
			continue
		}
		p := t.Data()
		for y := 0; y < 28; y++ {
			for x := 0; x < 28; x++ {
				img.SetGray(30*(k%20)+x, 30*(k/20)+y, color.Gray{uint8(255 * (1 - p[y*28+x]))})
			}
		}
	}
	o, _ := os.Create(os.Args[1])
	png.Encode(o, img)
	o.Close()
}
