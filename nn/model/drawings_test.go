package model_test

import (
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/mnist"
	"github.com/nnlab/nnlab/nn/model"
)

// cnnPath is the model examples/cnn.go saves, or $NNLAB_CNN.
func cnnPath() string {
	if p := os.Getenv("NNLAB_CNN"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "cnn.safetensors")
}

// drawing renders MNIST digit img ([784], ink 1) the way a person's photo
// or scan of a drawing might look: at a random size and position on a
// larger canvas, dark ink of some colour on light paper of another.
func drawing(img []float32, r *rand.Rand) image.Image {
	w, h := 60+r.IntN(160), 60+r.IntN(160)
	size := int(float64(min(w, h)) * (0.35 + 0.55*r.Float64()))
	x0, y0 := r.IntN(w-size+1), r.IntN(h-size+1)
	paper := color.RGBA{uint8(200 + r.IntN(56)), uint8(200 + r.IntN(56)), uint8(190 + r.IntN(66)), 255}
	ink := color.RGBA{uint8(r.IntN(110)), uint8(r.IntN(110)), uint8(r.IntN(140)), 255}
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	noise := 6 * r.Float64()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := 0.0
			if x >= x0 && x < x0+size && y >= y0 && y < y0+size {
				// Bilinear sample of the 28x28 digit.
				sx := (float64(x-x0)+0.5)*28/float64(size) - 0.5
				sy := (float64(y-y0)+0.5)*28/float64(size) - 0.5
				a = bilinear(img, sx, sy)
			}
			mix := func(p, i uint8) uint8 {
				v := float64(p)*(1-a) + float64(i)*a + noise*(2*r.Float64()-1)
				return uint8(max(0, min(255, v)))
			}
			out.SetRGBA(x, y, color.RGBA{mix(paper.R, ink.R), mix(paper.G, ink.G), mix(paper.B, ink.B), 255})
		}
	}
	return out
}

func bilinear(img []float32, x, y float64) float64 {
	at := func(i, j int) float64 {
		if i < 0 || j < 0 || i >= 28 || j >= 28 {
			return 0
		}
		return float64(img[j*28+i])
	}
	i, j := int(x+1)-1, int(y+1)-1 // floor for x > -1
	fx, fy := x-float64(i), y-float64(j)
	return (1-fy)*((1-fx)*at(i, j)+fx*at(i+1, j)) + fy*((1-fx)*at(i, j+1)+fx*at(i+1, j+1))
}

// TestOwnDrawings pastes MNIST test digits onto larger canvases of varied
// size, position, ink and paper, writes them as PNG and JPEG files, and
// checks that the trained CNN (examples/cnn.go's cnn.safetensors, or
// $NNLAB_CNN) reads them back through mnist.LoadImage with at least 97%
// accuracy. With $NNLAB_DRAWINGS_OUT set, the images are written there
// (digitK.png or .jpg, K the drawing's number) and kept.
func TestOwnDrawings(t *testing.T) {
	path := cnnPath()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no trained model at %s (run go run examples/cnn.go, or set NNLAB_CNN)", path)
	}
	d := data(t)
	m, err := model.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 400
	if testing.Short() {
		n = 100
	}
	r := rand.New(rand.NewPCG(42, 1))
	dir := t.TempDir()
	if d := os.Getenv("NNLAB_DRAWINGS_OUT"); d != "" {
		dir = d // keep the drawings, e.g. for examples/predict.go
	}
	labels := model.ClassIDs(d.Test.Labels)
	var inputs []*nn.Tensor
	var want []int
	for k := 0; k < n; k++ {
		i := r.IntN(d.Test.NumExamples)
		img := drawing(d.Test.Images.Row(i).Data(), r)
		name := filepath.Join(dir, "digit"+itoa(k))
		f, err := os.Create(name + map[bool]string{true: ".png", false: ".jpg"}[k%3 != 0])
		if err != nil {
			t.Fatal(err)
		}
		if k%3 != 0 {
			err = png.Encode(f, img)
		} else {
			err = jpeg.Encode(f, img, &jpeg.Options{Quality: 85})
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			t.Fatal(err)
		}
		x, err := mnist.LoadImage(f.Name())
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, x)
		want = append(want, int(labels.Data()[i]))
	}
	if out := os.Getenv("NNLAB_DRAWINGS_OUT"); out != "" {
		var b []byte
		for k, w := range want {
			b = append(b, "digit"+itoa(k)+"\t"+itoa(w)+"\n"...)
		}
		if err := os.WriteFile(filepath.Join(out, "labels.txt"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pred := m.PredictClasses(mnist.Stack(inputs...)).Data()
	right := 0
	for k := range want {
		if int(pred[k]) == want[k] {
			right++
		}
	}
	acc := float64(right) / float64(n)
	t.Logf("own drawings: %d of %d right (%.2f%%)", right, n, 100*acc)
	if acc < 0.97 {
		t.Errorf("accuracy on drawings %.4f, want >= 0.97", acc)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	s := ""
	for ; n > 0; n /= 10 {
		s = string(rune('0'+n%10)) + s
	}
	return s
}
