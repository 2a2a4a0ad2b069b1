package mnist

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/nnlab/nnlab/nn"
)

// realData loads the bundled MNIST once per test binary.
var realData = sync.OnceValues(func() (*DataSets, error) { return ReadDataSets("", true) })

func mustReal(t testing.TB) *DataSets {
	t.Helper()
	ds, err := realData()
	if err != nil {
		t.Fatalf("default MNIST data: %v", err)
	}
	return ds
}

func TestReadDataSetsReal(t *testing.T) {
	ds := mustReal(t)
	ids, err := ReadDataSets("", false) // from the cache
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		set  *DataSet
		ids  *DataSet
		n    int
	}{
		{"train", ds.Train, ids.Train, 55000},
		{"validation", ds.Validation, ids.Validation, 5000},
		{"test", ds.Test, ids.Test, 10000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.set.NumExamples != tc.n {
				t.Errorf("NumExamples = %d, want %d", tc.set.NumExamples, tc.n)
			}
			if s := fmt.Sprint(tc.set.Images.Shape()); s != fmt.Sprintf("[%d 784]", tc.n) {
				t.Errorf("images shape %s", s)
			}
			if s := fmt.Sprint(tc.set.Labels.Shape()); s != fmt.Sprintf("[%d 10]", tc.n) {
				t.Errorf("one-hot labels shape %s", s)
			}
			if s := fmt.Sprint(tc.ids.Labels.Shape()); s != fmt.Sprintf("[%d]", tc.n) {
				t.Errorf("class-id labels shape %s", s)
			}
			lo, hi := float32(math.Inf(1)), float32(math.Inf(-1))
			for _, v := range tc.set.Images.Data() {
				lo, hi = min(lo, v), max(hi, v)
			}
			if lo != 0 || hi != 1 {
				t.Errorf("pixels in [%v,%v], want [0,1]", lo, hi)
			}
			oh, cl := tc.set.Labels.Data(), tc.ids.Labels.Data()
			var counts [10]int
			for i := 0; i < tc.n; i++ {
				row := oh[i*10 : (i+1)*10]
				var sum float32
				for _, v := range row {
					sum += v
				}
				c := int(cl[i])
				if sum != 1 || row[c] != 1 {
					t.Fatalf("example %d: one-hot %v, class %d", i, row, c)
				}
				counts[c]++
			}
			for c, k := range counts {
				if k < tc.n/20 {
					t.Errorf("class %d has only %d examples", c, k)
				}
			}
		})
	}
	// The validation set is the start of the training file; its first
	// label is the file's first, a 5; training starts at example 5000.
	if got := ids.Validation.Labels.Data()[0]; got != 5 {
		t.Errorf("first validation label %v, want 5", got)
	}
	if got := ids.Test.Labels.Data()[0]; got != 7 {
		t.Errorf("first test label %v, want 7", got)
	}
	all, err := Read("", Options{ValidationSize: NoValidation})
	if err != nil {
		t.Fatal(err)
	}
	if all.Train.NumExamples != 60000 || all.Validation.NumExamples != 0 {
		t.Errorf("no validation: %d/%d", all.Train.NumExamples, all.Validation.NumExamples)
	}
	if !slices.Equal(all.Train.Images.Row(5000).Data(), ds.Train.Images.Row(0).Data()) {
		t.Error("train set does not start at example 5000 of the file")
	}
}

// writeSmallSet writes a data set of nTrain/nTest 2x2 images where image
// i has all pixels i+1 and label i%10.
func writeSmallSet(t *testing.T, dir string, nTrain, nTest int, gz bool) {
	t.Helper()
	write := func(name string, dims []int, data []byte) {
		b := idxBytes(dims, data)
		if gz {
			name += ".gz"
			b = gzipBytes(b)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	part := func(n int) (img, lab []byte) {
		for i := 0; i < n; i++ {
			img = append(img, byte(i+1), byte(i+1), byte(i+1), byte(i+1))
			lab = append(lab, byte(i%10))
		}
		return
	}
	img, lab := part(nTrain)
	write(TrainImagesFile, []int{nTrain, 2, 2}, img)
	write(TrainLabelsFile, []int{nTrain}, lab)
	img, lab = part(nTest)
	write(TestImagesFile, []int{nTest, 2, 2}, img)
	write(TestLabelsFile, []int{nTest}, lab)
}

func TestReadDataSetsDirectory(t *testing.T) {
	for _, gz := range []bool{false, true} {
		t.Run(fmt.Sprint("gzip=", gz), func(t *testing.T) {
			dir := t.TempDir()
			writeSmallSet(t, dir, 12, 5, gz)
			ds, err := Read(dir, Options{ValidationSize: 2})
			if err != nil {
				t.Fatal(err)
			}
			if ds.Train.NumExamples != 10 || ds.Validation.NumExamples != 2 || ds.Test.NumExamples != 5 {
				t.Fatalf("counts %d/%d/%d", ds.Train.NumExamples, ds.Validation.NumExamples, ds.Test.NumExamples)
			}
			if got := ds.Train.Images.At(0, 0) * 255; math.Abs(got-3) > 1e-4 {
				t.Errorf("first training pixel %v/255, want 3/255", got)
			}
			if got := ds.Train.Labels.Data()[0]; got != 2 {
				t.Errorf("first training label %v, want 2", got)
			}
			if _, err := ReadDataSets(dir, true); err == nil || !strings.Contains(err.Error(), "validation size 5000") {
				t.Errorf("default validation size on 12 examples: err = %v", err)
			}
			// Some mirrors spell the names with a dot: train-images.idx3-ubyte.
			suffix := map[bool]string{true: ".gz"}[gz]
			for _, f := range dataFiles {
				dotted := strings.Replace(f, "-idx", ".idx", 1)
				if err := os.Rename(filepath.Join(dir, f+suffix), filepath.Join(dir, dotted+suffix)); err != nil {
					t.Fatal(err)
				}
			}
			if ds, err := Read(dir, Options{ValidationSize: 2}); err != nil || ds.Test.NumExamples != 5 {
				t.Errorf("dotted names: %v", err)
			}
		})
	}
}

func TestReadDataSetsErrors(t *testing.T) {
	empty := t.TempDir() // exists, but holds no files
	if _, err := ReadDataSets(empty, true); err == nil || !strings.Contains(err.Error(), "Download") {
		t.Errorf("empty dir: err = %v", err)
	}
	cases := []struct {
		name    string
		file    string
		content []byte
		want    string
	}{
		{"labels not rank 1", TrainLabelsFile, idxBytes([]int{12, 1}, make([]byte, 12)), "want [count]"},
		{"images rank 2", TrainImagesFile, idxBytes([]int{12, 4}, make([]byte, 48)), "want [count rows cols]"},
		{"count mismatch", TrainLabelsFile, idxBytes([]int{11}, make([]byte, 11)), "12 images but"},
		{"label 10", TestLabelsFile, idxBytes([]int{5}, []byte{0, 1, 10, 3, 4}), "label 10"},
		{"truncated", TestImagesFile, idxBytes([]int{5, 2, 2}, make([]byte, 19)), "truncated"},
		{"garbage", TrainImagesFile, []byte("<html>not found</html>"), "bad magic"},
		{"other size", TestImagesFile, idxBytes([]int{5, 3, 3}, make([]byte, 45)), "pixels per image"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeSmallSet(t, dir, 12, 5, false)
			p := filepath.Join(dir, tc.file)
			os.WriteFile(p, tc.content, 0o644)
			_, err := Read(dir, Options{ValidationSize: 2})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), dir) {
				t.Errorf("err = %v, want %q and the path", err, tc.want)
			}
		})
	}
}

// ids returns the example index encoded in each row of a small-set batch.
func ids(x *nn.Tensor) []int {
	var r []int
	d := x.Data()
	for i := 0; i < x.Shape()[0]; i++ {
		r = append(r, int(math.Round(float64(d[i*4])*255))-1)
	}
	return r
}

func TestNextBatch(t *testing.T) {
	dir := t.TempDir()
	writeSmallSet(t, dir, 12, 5, false)
	nn.Seed(42)
	ds, err := Read(dir, Options{ValidationSize: 2, OneHot: true})
	if err != nil {
		t.Fatal(err)
	}
	perm1 := nn.NewRand("mnist/train").Perm(10)
	var got []int
	for b := 0; b < 3; b++ {
		x, y := ds.Train.NextBatch(4)
		if fmt.Sprint(x.Shape(), y.Shape()) != "[4 4] [4 10]" {
			t.Fatalf("shapes %v %v", x.Shape(), y.Shape())
		}
		for i, id := range ids(x) {
			if y.At(i, id%10) != 1 {
				t.Fatalf("label of example %d does not follow it", id)
			}
		}
		got = append(got, ids(x)...)
		if b == 1 && ds.Train.EpochsCompleted() != 0 {
			t.Errorf("epochs after 8 of 10: %d", ds.Train.EpochsCompleted())
		}
	}
	if ds.Train.EpochsCompleted() != 1 {
		t.Errorf("epochs after 12 of 10: %d", ds.Train.EpochsCompleted())
	}
	// Examples 2..11 of the file form the training set.
	want := make([]int, 10)
	for i, p := range perm1 {
		want[i] = p + 2
	}
	if !slices.Equal(got[:10], want) {
		t.Errorf("first epoch %v, want the permutation %v", got[:10], want)
	}
	// The batch crossing the boundary continues with a new shuffle.
	x, _ := ds.Train.NextBatch(8)
	second := append(got[10:], ids(x)...)
	sorted := slices.Sorted(slices.Values(second))
	if !slices.Equal(sorted, []int{2, 3, 4, 5, 6, 7, 8, 9, 10, 11}) {
		t.Errorf("second epoch %v is not a permutation", second)
	}
	if slices.Equal(second, got[:10]) {
		t.Error("second epoch not reshuffled")
	}
	// Larger than the set: an error, and the position is unchanged.
	epochs := ds.Train.EpochsCompleted()
	func() {
		defer func() {
			if e, ok := recover().(*nn.Error); !ok || !strings.Contains(e.Msg, "larger than the data set") {
				t.Errorf("batch of 25 from 10: %v, want an *nn.Error", e)
			}
		}()
		ds.Train.NextBatch(25)
	}()
	if ds.Train.EpochsCompleted() != epochs {
		t.Errorf("a refused batch moved the position")
	}
	x, _ = ds.Train.NextBatch(10)
	// Fresh tensors: writing to a batch leaves the data set alone.
	x.Data()[0] = 99
	for _, v := range ds.Train.Images.Data() {
		if v == 99 {
			t.Fatal("batch shares storage with the data set")
		}
	}
	if x, y := ds.Test.NextBatch(0); x.Len() != 0 || y.Len() != 0 {
		t.Error("empty batch not empty")
	}
}

func TestNextBatchDeterministic(t *testing.T) {
	dir := t.TempDir()
	writeSmallSet(t, dir, 40, 5, true)
	draw := func(seed int64) []int {
		nn.Seed(seed)
		ds, err := Read(dir, Options{ValidationSize: 5})
		if err != nil {
			t.Fatal(err)
		}
		var r []int
		for i := 0; i < 5; i++ {
			x, _ := ds.Train.NextBatch(16)
			r = append(r, ids(x)...)
		}
		return r
	}
	a, b, c := draw(7), draw(7), draw(8)
	if !slices.Equal(a, b) {
		t.Error("same seed, different batches")
	}
	if slices.Equal(a, c) {
		t.Error("different seeds, same batches")
	}
}

func TestNextBatchPanicsOnNegative(t *testing.T) {
	dir := t.TempDir()
	writeSmallSet(t, dir, 12, 5, false)
	ds, _ := Read(dir, Options{ValidationSize: 2})
	defer func() {
		var e *nn.Error
		if r, _ := recover().(error); !errors.As(r, &e) {
			t.Errorf("recovered %v, want *nn.Error", r)
		}
	}()
	ds.Train.NextBatch(-1)
}

func TestDefaultDir(t *testing.T) {
	t.Setenv("MNIST_DIR", "/some/where")
	if d, _ := DefaultDir(); d != "/some/where" {
		t.Errorf("MNIST_DIR ignored: %s", d)
	}
	t.Setenv("MNIST_DIR", "")
	d, err := DefaultDir()
	if err != nil || !hasMNIST(d) {
		t.Fatalf("DefaultDir = %s, %v", d, err)
	}
	if !strings.Contains(filepath.ToSlash(d), "github.com/petar/!go!m!n!i!s!t@") {
		t.Errorf("unexpected default dir %s", d)
	}
	if p, _ := moduleCachePath("github.com/BurntSushi/toml", "v1.0.0"); filepath.ToSlash(p) != "github.com/!burnt!sushi/toml@v1.0.0" {
		t.Errorf("escaping: %s", p)
	}
}

func TestPositionRoundTrip(t *testing.T) {
	nn.Seed(7)
	a, err := ReadDataSets("", true)
	if err != nil {
		t.Fatal(err)
	}
	a.Validation.NextBatch(4999) // near the end of an epoch
	state, err := a.Validation.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := a.Validation.NextBatch(10) // crosses into a new shuffle
	b, _ := ReadDataSets("", true)
	if err := b.Validation.UnmarshalBinary(state); err != nil {
		t.Fatal(err)
	}
	got, _ := b.Validation.NextBatch(10)
	for i, v := range want.Data() {
		if got.Data()[i] != v {
			t.Fatalf("batch after restoring differs at %d", i)
		}
	}
	for _, bad := range [][]byte{nil, []byte("junk"), state[:len(state)-3], append(append([]byte{}, state...), 1)} {
		if err := b.Train.UnmarshalBinary(bad); err == nil {
			t.Errorf("UnmarshalBinary accepted %d bad bytes", len(bad))
		}
	}
	if err := b.Train.UnmarshalBinary(state); err == nil {
		t.Error("a validation-set position was accepted by the training set")
	}
}

func TestMissingDirReadsBundledCopy(t *testing.T) {
	d, err := ReadDataSets("MNIST_data/", true)
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.NumExamples != 55000 {
		t.Errorf("%d training examples", d.Train.NumExamples)
	}
}

// TestGCTarget checks that caching the data sets lowers the collector's
// growth target, so that batches reuse pages instead of faulting in new ones.
func TestGCTarget(t *testing.T) {
	if os.Getenv("GOGC") != "" {
		t.Skip("GOGC is set: ReadDataSets keeps it")
	}
	if _, err := realData(); err != nil {
		t.Skip(err)
	}
	got := debug.SetGCPercent(100)
	debug.SetGCPercent(got)
	if got != cachedGCPercent {
		t.Fatalf("GC target after ReadDataSets is %d%%, want %d%%", got, cachedGCPercent)
	}
}
