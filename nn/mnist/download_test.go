package mnist

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

func TestDownload(t *testing.T) {
	src, err := DefaultDir()
	if err != nil {
		t.Skip(err)
	}
	var hits atomic.Int32
	corrupt := false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		name := strings.TrimPrefix(r.URL.Path, "/mnist/")
		if _, ok := known[name]; !ok {
			http.NotFound(w, r)
			return
		}
		b, err := os.ReadFile(filepath.Join(src, name))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		if corrupt && strings.HasPrefix(name, "t10k-labels") {
			b[100] ^= 1
		}
		w.Write(b)
	}))
	defer srv.Close()

	dir := filepath.Join(t.TempDir(), "MNIST_data")
	if err := Download(dir, srv.URL+"/mnist"); err != nil {
		t.Fatal(err)
	}
	if hits.Load() != 4 {
		t.Errorf("%d requests, want 4", hits.Load())
	}
	if x, err := ReadIDXFile(filepath.Join(dir, TestLabelsFile+".gz"), 0); err != nil || x.Dims[0] != 10000 {
		t.Fatalf("reading the download: %v", err)
	}
	if !hasMNIST(dir) {
		t.Fatal("files missing")
	}
	// Present and valid: nothing is fetched again.
	if err := Download(dir, srv.URL+"/mnist/"); err != nil || hits.Load() != 4 {
		t.Errorf("second download: %v, %d requests", err, hits.Load())
	}

	// A corrupted file is refused and leaves nothing behind.
	corrupt = true
	dir2 := t.TempDir()
	err = Download(dir2, srv.URL+"/mnist/")
	if err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Fatalf("corrupt download: err = %v", err)
	}
	entries, _ := os.ReadDir(dir2)
	for _, e := range entries {
		if strings.Contains(e.Name(), "t10k-labels") { // the file or its temporary file
			t.Errorf("left behind %s", e.Name())
		}
	}
	// A missing file is an HTTP error naming the URL.
	err = Download(t.TempDir(), srv.URL+"/elsewhere/")
	if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "/elsewhere/") {
		t.Errorf("404: err = %v", err)
	}
}
