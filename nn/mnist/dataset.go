package mnist

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"

	"github.com/nnlab/nnlab/nn"
	"github.com/nnlab/nnlab/nn/internal/parallel"
)

// NumClasses is the number of digit classes, the width of one-hot labels.
const NumClasses int = 10

// DefaultValidationSize is how many of the 60,000 training-file images
// ReadDataSets sets aside as the validation set (the first ones).
const DefaultValidationSize int = 5000

// NoValidation as Options.ValidationSize asks for an empty validation set.
const NoValidation int = -1

// The four files of the data set, by their canonical (LeCun) names. In a
// directory each may also carry a .gz suffix, or be spelled with a dot
// (train-images.idx3-ubyte) as some mirrors do.
const (
	TrainImagesFile string = "train-images-idx3-ubyte"
	TrainLabelsFile string = "train-labels-idx1-ubyte"
	TestImagesFile  string = "t10k-images-idx3-ubyte"
	TestLabelsFile  string = "t10k-labels-idx1-ubyte"
)

var dataFiles = []string{TrainImagesFile, TrainLabelsFile, TestImagesFile, TestLabelsFile}

// DataSets holds the three parts of MNIST, as TensorFlow's read_data_sets
// returns them.
type DataSets struct {
	Train      *DataSet // 55,000 examples
	Validation *DataSet // 5,000 examples: the first of the training file
	Test       *DataSet // 10,000 examples
}

// DataSet is one part of MNIST. Images has shape [N,784] with pixels in
// [0,1]; Labels has shape [N,10] (one-hot) or [N] (class ids 0-9 stored
// as float32). Images may share storage with other DataSets read
// from the same files (see ReadDataSets): treat them as read-only.
type DataSet struct {
	Images      *nn.Tensor
	Labels      *nn.Tensor
	NumExamples int // the number of examples, N

	name   string // random stream is "mnist/" + name
	mu     sync.Mutex
	rng    *rand.Rand
	src    *rand.PCG // rng's state, for MarshalBinary
	perm   []int
	pos    int
	epochs int
	picked []int // NextBatch's scratch: the examples of the batch
}

// Options tunes Read.
type Options struct {
	// OneHot makes labels [N,10] one-hot rows instead of [N] class ids.
	OneHot bool
	// ValidationSize is how many leading training-file examples form the
	// validation set: 0 means DefaultValidationSize (5,000), NoValidation
	// (-1) means none.
	ValidationSize int
}

// ReadDataSets reads MNIST like TensorFlow's input_data.read_data_sets(dir,
// one_hot=oneHot): 55,000 training, 5,000 validation and 10,000 test
// examples. dir is a directory holding the four IDX files
// (train-images-idx3-ubyte etc., gzipped with a .gz suffix or not); ""
// means $MNIST_DIR if set, else the copy in the Go module cache (see
// DefaultDir). Where TensorFlow downloaded into a directory that does not
// exist yet (the tutorial's "MNIST_data/"), nnlab reads that offline copy
// instead. Nothing is downloaded unless you call Download; an existing
// directory with missing files is an error.
//
// Decoded files are cached for the life of the process, so reading the
// same unchanged files again is instant; each call returns new DataSets
// whose batching starts afresh, sharing the cached image tensors.
func ReadDataSets(dir string, oneHot bool) (*DataSets, error) {
	return Read(dir, Options{OneHot: oneHot})
}

// Read is ReadDataSets with options.
func Read(dir string, opt Options) (*DataSets, error) {
	if _, err := os.Stat(dir); dir == "" || errors.Is(err, fs.ErrNotExist) {
		d, err := DefaultDir()
		if err != nil {
			return nil, err
		}
		dir = d
	}
	raw, err := loadRaw(dir)
	if err != nil {
		return nil, err
	}
	nTrain := raw.train.n
	val := opt.ValidationSize
	switch {
	case val == 0:
		val = DefaultValidationSize
	case val < 0:
		val = 0
	}
	if val > nTrain {
		return nil, fmt.Errorf("mnist: validation size %d exceeds the %d examples of %s", val, nTrain, raw.train.imageFile)
	}
	return &DataSets{
		Train:      raw.train.dataSet("train", val, nTrain, opt.OneHot),
		Validation: raw.train.dataSet("validation", 0, val, opt.OneHot),
		Test:       raw.test.dataSet("test", 0, raw.test.n, opt.OneHot),
	}, nil
}

// rawPart is one decoded file pair: all images scaled to [0,1] and the
// labels as bytes.
type rawPart struct {
	n         int
	images    *nn.Tensor // [n, rows*cols]
	labels    []byte
	imageFile string
}

func (p *rawPart) dataSet(name string, from, to int, oneHot bool) *DataSet {
	n := to - from
	var labels *nn.Tensor
	if oneHot {
		labels = nn.Zeros(n, NumClasses)
		d := labels.Data()
		for i, l := range p.labels[from:to] {
			d[i*NumClasses+int(l)] = 1
		}
	} else {
		labels = nn.Zeros(n)
		d := labels.Data()
		for i, l := range p.labels[from:to] {
			d[i] = float32(l)
		}
	}
	return &DataSet{Images: p.images.Slice(from, to), Labels: labels, NumExamples: n, name: name}
}

type rawSets struct{ train, test *rawPart }

// cache maps a file-set signature (paths, sizes, modification times) to
// its decoded content.
var cache struct {
	sync.Mutex
	m map[string]*rawSets
}

func loadRaw(dir string) (*rawSets, error) {
	paths := make([]string, len(dataFiles))
	key := ""
	for i, f := range dataFiles {
		p, err := findFile(dir, f)
		if err != nil {
			return nil, err
		}
		st, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("mnist: %w", err)
		}
		paths[i] = p
		abs, _ := filepath.Abs(p)
		key += fmt.Sprintf("%s|%d|%d\n", abs, st.Size(), st.ModTime().UnixNano())
	}
	cache.Lock()
	defer cache.Unlock()
	if r, ok := cache.m[key]; ok {
		return r, nil
	}
	work := nn.StartWork()
	train, err := readPart(work, paths[0], paths[1])
	if err != nil {
		return nil, err
	}
	test, err := readPart(work, paths[2], paths[3])
	if err != nil {
		return nil, err
	}
	if train.images.Shape()[1] != test.images.Shape()[1] {
		return nil, fmt.Errorf("mnist: %s has %d pixels per image but %s has %d",
			paths[0], train.images.Shape()[1], paths[2], test.images.Shape()[1])
	}
	if cache.m == nil {
		cache.m = map[string]*rawSets{}
	}
	r := &rawSets{train, test}
	cache.m[key] = r
	lowerGCTarget()
	return r, nil
}

// cachedGCPercent is the garbage collector's growth target once data sets
// are cached (see lowerGCTarget).
const cachedGCPercent = 25

// lowerGCTarget sets the garbage collector's growth target to
// cachedGCPercent, once, unless GOGC is set or the program has chosen a
// target of its own. The cache keeps about 220 MB of pointer-free floats
// alive for good, so the default target (100%) lets the heap grow by as
// much again before it collects: the tutorial's batches then land on
// never-touched pages, and a page fault on each of them made copying a
// batch 3 times slower (bench/mlp on one core: 450 ms of 2.8 s, against
// 135 ms at 25%). Marking pointer-free memory costs next to nothing, so
// collecting more often is cheap; it also keeps the process smaller.
func lowerGCTarget() {
	gcTarget.Do(func() {
		if os.Getenv("GOGC") != "" {
			return
		}
		if prev := debug.SetGCPercent(cachedGCPercent); prev != 100 {
			debug.SetGCPercent(prev) // the program's own choice
		}
	})
}

var gcTarget sync.Once

// findFile locates one of the four files in dir under its usual names.
func findFile(dir, name string) (string, error) {
	alt := name[:len(name)-len("-idx3-ubyte")] + "." + name[len(name)-len("idx3-ubyte"):] // train-images.idx3-ubyte
	for _, n := range []string{name + ".gz", name, alt + ".gz", alt} {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("mnist: directory %s does not exist (call mnist.Download(%q, mnist.DefaultURL) to fetch the files, or pass \"\" for the bundled copy)", dir, dir)
	}
	return "", fmt.Errorf("mnist: %s: no %s or %s.gz (call mnist.Download(%q, mnist.DefaultURL) to fetch the files, or pass \"\" for the bundled copy)", dir, name, name, dir)
}

// pixelScale maps a byte to [0,1] exactly as numpy's float32 x * (1/255).
var pixelScale = func() (t [256]float32) {
	for i := range t {
		t[i] = float32(i) * float32(1.0/255.0)
	}
	return
}()

func readPart(work nn.Work, imagePath, labelPath string) (*rawPart, error) {
	if work.Interrupted() {
		return nil, &nn.Error{Op: "mnist.ReadDataSets", Msg: "stopped by the user"}
	}
	img, err := ReadIDXFile(imagePath, 0)
	if err != nil {
		return nil, err
	}
	if len(img.Dims) != 3 || img.Dims[1] == 0 || img.Dims[2] == 0 {
		return nil, &FormatError{File: imagePath, Msg: fmt.Sprintf("image file has dimensions %v, want [count rows cols]", img.Dims)}
	}
	lab, err := ReadIDXFile(labelPath, 0)
	if err != nil {
		return nil, err
	}
	if len(lab.Dims) != 1 {
		return nil, &FormatError{File: labelPath, Msg: fmt.Sprintf("label file has dimensions %v, want [count]", lab.Dims)}
	}
	n := img.Dims[0]
	if lab.Dims[0] != n {
		return nil, fmt.Errorf("mnist: %s holds %d images but %s holds %d labels", imagePath, n, labelPath, lab.Dims[0])
	}
	for i, l := range lab.Data {
		if int(l) >= NumClasses {
			return nil, &FormatError{File: labelPath, Msg: fmt.Sprintf("label %d of example %d is not a digit 0-9", l, i)}
		}
	}
	pix := img.Dims[1] * img.Dims[2]
	t := nn.Zeros(n, pix)
	d := t.Data()
	for i, v := range img.Data {
		d[i] = pixelScale[v]
	}
	return &rawPart{n: n, images: t, labels: lab.Data, imageFile: imagePath}, nil
}

// NextBatch returns the next n examples as new tensors ([n,784] images and
// [n,10] or [n] labels) that the caller may keep or modify. Like
// TensorFlow's DataSet.next_batch, the examples are shuffled at the start
// of each epoch; a batch crossing the end of an epoch takes the rest of
// that epoch followed by the start of a freshly shuffled one. Shuffling
// draws from nn.NewRand("mnist/train") (or "mnist/validation",
// "mnist/test"), created at the first call, so nn.Seed makes the batches
// reproducible. It panics with an *nn.Error if n is negative, the set is
// empty, or n is larger than the set (TensorFlow returns a short batch
// then; here it is an error, since it is almost always a typo, as in
// NextBatch(1000000000)). Safe for concurrent use.
func (d *DataSet) NextBatch(n int) (images, labels *nn.Tensor) {
	if n < 0 {
		panic(&nn.Error{Op: "NextBatch", Msg: fmt.Sprintf("negative batch size %d", n)})
	}
	if d.NumExamples == 0 && n > 0 {
		panic(&nn.Error{Op: "NextBatch", Msg: "the data set is empty"})
	}
	if n > d.NumExamples {
		// TensorFlow's next_batch silently returns fewer; a batch larger
		// than the data set is almost always a typo (an extra zero), so
		// it is an error here, before anything is allocated.
		panic(&nn.Error{Op: "NextBatch", Msg: fmt.Sprintf("batch size %d is larger than the data set (%d examples)", n, d.NumExamples)})
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.start()
	imgShape := d.Images.Shape()
	labShape := d.Labels.Shape()
	imgW := d.Images.Len() / max(d.NumExamples, 1)
	labW := d.Labels.Len() / max(d.NumExamples, 1)
	imgShape[0], labShape[0] = n, n
	images, labels = nn.Zeros(imgShape...), nn.Zeros(labShape...)
	d.picked = d.picked[:0]
	for range n {
		if d.pos == d.NumExamples {
			d.epochs++
			d.perm = d.rng.Perm(d.NumExamples)
			d.pos = 0
		}
		d.picked = append(d.picked, d.perm[d.pos])
		d.pos++
	}
	// Copying scattered examples waits on memory; two cores wait in parallel.
	parts := 1
	if n*imgW >= 1<<16 {
		parts = parallel.Threads()
	}
	g := gathers.Get().(*gather)
	*g = gather{picked: d.picked, imgW: imgW, labW: labW, parts: parts,
		src: d.Images.Data(), lsrc: d.Labels.Data(), dst: images.Data(), ldst: labels.Data()}
	parallel.Run(parts, g)
	*g = gather{}
	gathers.Put(g)
	return images, labels
}

// gather copies the picked examples of a batch, split in parts.
type gather struct {
	picked     []int
	imgW, labW int
	parts      int
	src, lsrc  []float32
	dst, ldst  []float32
}

var gathers = sync.Pool{New: func() any { return new(gather) }}

// RunPart copies the examples of part p.
func (g *gather) RunPart(p int) {
	n := len(g.picked)
	lo, hi := n*p/g.parts, n*(p+1)/g.parts
	for i := lo; i < hi; i++ {
		j := g.picked[i]
		copy(g.dst[i*g.imgW:(i+1)*g.imgW], g.src[j*g.imgW:(j+1)*g.imgW])
		copy(g.ldst[i*g.labW:(i+1)*g.labW], g.lsrc[j*g.labW:(j+1)*g.labW])
	}
}

// EpochsCompleted reports how many epochs NextBatch has finished (and so
// how many times it reshuffled the examples after the first shuffle).
func (d *DataSet) EpochsCompleted() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.epochs
}

// start creates the shuffling stream and the first permutation. Caller holds d.mu.
func (d *DataSet) start() {
	if d.rng == nil {
		d.src = nn.NewSource("mnist/" + d.name)
		d.rng = rand.New(d.src)
		d.perm = d.rng.Perm(d.NumExamples)
	}
}

// positionMagic starts an encoded batching position.
const positionMagic = "nnlab-mnist-position-1"

// MarshalBinary encodes the batching position (the shuffle, the place in
// it and the random generator's state), so a checkpoint saved with
// nn.Session.SaveWithPosition resumes with exactly the same batches.
func (d *DataSet) MarshalBinary() ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.start()
	st, err := d.src.MarshalBinary()
	if err != nil {
		return nil, err
	}
	b := append([]byte(positionMagic), 0)
	b = binary.AppendUvarint(b, uint64(d.NumExamples))
	b = binary.AppendUvarint(b, uint64(d.pos))
	b = binary.AppendUvarint(b, uint64(d.epochs))
	b = binary.AppendUvarint(b, uint64(len(st)))
	b = append(b, st...)
	for _, p := range d.perm {
		b = binary.AppendUvarint(b, uint64(p))
	}
	return b, nil
}

// UnmarshalBinary restores a position encoded by MarshalBinary for a data
// set of the same size. It checks everything before changing anything.
func (d *DataSet) UnmarshalBinary(b []byte) error {
	bad := func(what string) error { return fmt.Errorf("mnist: batching position: %s", what) }
	if len(b) <= len(positionMagic) || string(b[:len(positionMagic)]) != positionMagic || b[len(positionMagic)] != 0 {
		return bad("not an nnlab MNIST position")
	}
	b = b[len(positionMagic)+1:]
	next := func() (int, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 || v > 1<<31 {
			return 0, false
		}
		b = b[n:]
		return int(v), true
	}
	n, ok1 := next()
	pos, ok2 := next()
	epochs, ok3 := next()
	stLen, ok4 := next()
	if !ok1 || !ok2 || !ok3 || !ok4 || stLen > len(b) {
		return bad("truncated")
	}
	if n != d.NumExamples {
		return bad(fmt.Sprintf("saved for %d examples, this set has %d", n, d.NumExamples))
	}
	if pos > n {
		return bad("position beyond the end of the epoch")
	}
	src := new(rand.PCG)
	if err := src.UnmarshalBinary(b[:stLen]); err != nil {
		return bad(err.Error())
	}
	b = b[stLen:]
	perm := make([]int, n)
	seen := make([]bool, n)
	for i := range perm {
		p, ok := next()
		if !ok || p >= n || seen[p] {
			return bad("the shuffle is not a permutation")
		}
		perm[i], seen[p] = p, true
	}
	if len(b) != 0 {
		return bad("trailing data")
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.src, d.rng, d.perm, d.pos, d.epochs = src, rand.New(src), perm, pos, epochs
	return nil
}
