package mnist

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/nnlab/nnlab/internal/atomicfile"
	"github.com/nnlab/nnlab/nn"
)

// DefaultURL is the mirror TensorFlow's read_data_sets downloads from.
// Pass it, or any URL prefix serving the four .gz files, to Download.
const DefaultURL string = "https://storage.googleapis.com/cvdf-datasets/mnist/"

// known are the original LeCun files: SHA-256 and size of each .gz.
var known = map[string]struct {
	sha256 string
	size   int64
}{
	TrainImagesFile + ".gz": {"440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609", 9912422},
	TrainLabelsFile + ".gz": {"3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c", 28881},
	TestImagesFile + ".gz":  {"8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6", 1648877},
	TestLabelsFile + ".gz":  {"f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6", 4542},
}

// Download fetches the four MNIST .gz files from baseURL (a prefix such as
// DefaultURL; the file name is appended) into dir, creating dir if needed.
// Each file is checked against the SHA-256 of the original LeCun file and
// written atomically (a temporary file in dir, synced, then renamed), so an
// interrupted download never leaves a partial file under the real name.
// Files already present with the right checksum are not fetched again.
// Download is never called implicitly: ReadDataSets only reads.
func Download(dir, baseURL string) error {
	return DownloadContext(context.Background(), dir, baseURL)
}

// DownloadContext is Download with a context that can cancel it. The
// REPL's interrupt (nn.Interrupted) also stops it.
func DownloadContext(ctx context.Context, dir, baseURL string) error {
	if dir == "" {
		return errors.New("mnist: Download needs a directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("mnist: %w", err)
	}
	if !strings.HasSuffix(baseURL, "/") {
		baseURL += "/"
	}
	for _, f := range dataFiles {
		name := f + ".gz"
		path := filepath.Join(dir, name)
		if ok, _ := fileMatches(path, known[name].sha256); ok {
			continue
		}
		if err := fetch(ctx, path, baseURL+name, known[name].sha256, known[name].size); err != nil {
			return err
		}
	}
	return nil
}

func fileMatches(path, sum string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == sum, nil
}

// interruptReader stops a copy when the REPL asks nn to stop.
type interruptReader struct {
	r    io.Reader
	work nn.Work // from the start of the download
}

func (ir interruptReader) Read(p []byte) (int, error) {
	if ir.work.Interrupted() {
		return 0, &nn.Error{Op: "mnist.Download", Msg: "stopped by the user"}
	}
	return ir.r.Read(p)
}

// fetch downloads url to path, atomically: a failed, stopped or wrong
// download (size or SHA-256 not sum) leaves no file and any previous one.
func fetch(ctx context.Context, path, url, sum string, size int64) error {
	work := nn.StartWork()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("mnist: download %s: %w", url, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("mnist: download %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("mnist: download %s: %s", url, resp.Status)
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		h := sha256.New()
		// Read at most one byte more than expected: enough to notice a wrong file.
		n, err := io.Copy(io.MultiWriter(w, h), io.LimitReader(interruptReader{resp.Body, work}, size+1))
		if err != nil {
			return fmt.Errorf("mnist: download %s: %w", url, err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); n != size || got != sum {
			return fmt.Errorf("mnist: download %s: got %d bytes with SHA-256 %s, want the original file (%d bytes, %s)", url, n, got, size, sum)
		}
		return nil
	})
}
