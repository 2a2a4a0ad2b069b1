package safetensors

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/nnlab/nnlab/internal/infile"
	"github.com/nnlab/nnlab/internal/memlimit"
)

// beforeRename, when non-nil, is called by WriteFileAtomic after the
// temporary file has been written, synced and closed, and before it is
// renamed over the target. Tests set it to simulate a crash or failure at
// that point; a non-nil error aborts the write.
var beforeRename func(tmpPath string) error

// ReadFile reads and decodes the safetensors file at path. It reads the
// 8-byte header length first and checks it against the file size and
// MaxHeaderSize before allocating; it then reads the file once into a
// single buffer that the returned tensors' Data slices alias.
func ReadFile(path string) (*File, error) {
	// Read whole, the file must fit in memory; a FIFO is refused before
	// it is opened (which would block).
	f, _, err := infile.Open(path, int64(memlimit.Limit()))
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("safetensors: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("safetensors: %s is not a regular file", path)
	}
	size := st.Size()
	if size < 8 {
		return nil, fmt.Errorf("safetensors: %s: file is %d bytes, shorter than the 8-byte header length", path, size)
	}
	var prefix [8]byte
	if _, err := io.ReadFull(f, prefix[:]); err != nil {
		return nil, fmt.Errorf("safetensors: %s: read header length: %w", path, err)
	}
	n := binary.LittleEndian.Uint64(prefix[:])
	if n > uint64(size-8) {
		return nil, fmt.Errorf("safetensors: %s: header length %d exceeds the %d bytes after the length prefix", path, n, size-8)
	}
	if n > MaxHeaderSize {
		return nil, fmt.Errorf("safetensors: %s: header length %d exceeds the maximum %d", path, n, MaxHeaderSize)
	}
	if uint64(size) != uint64(int(size)) {
		return nil, fmt.Errorf("safetensors: %s: file of %d bytes is too large for this platform", path, size)
	}
	buf := make([]byte, size)
	copy(buf, prefix[:])
	if _, err := io.ReadFull(f, buf[8:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("safetensors: %s: file shrank while reading", path)
		}
		return nil, fmt.Errorf("safetensors: %s: %w", path, err)
	}
	file, err := Decode(buf)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return file, nil
}

// WriteFile atomically writes tensors and metadata to path in safetensors
// format (see Encode and WriteFileAtomic). On failure, any previous file at
// path is left intact.
func WriteFile(path string, tensors []Tensor, metadata map[string]string) error {
	// Validate before touching the file system.
	if _, err := encodeHeader(tensors, metadata); err != nil {
		return err
	}
	return WriteFileAtomic(path, func(w io.Writer) error {
		return Encode(w, tensors, metadata)
	})
}

// WriteFileAtomic replaces the file at path with the bytes write produces,
// atomically: readers see either the old file or the complete new one.
//
// It creates a temporary file ".<name>.tmp-*" in the same directory, calls
// write with a buffered writer on it, flushes, fsyncs and closes it, renames
// it over path and fsyncs the directory. If any step fails (or write
// returns an error or panics), the temporary file is removed and the
// previous file at path is left untouched. The new file keeps the
// permissions of the file it replaces, or gets 0644 if there was none.
//
// A path that is a symbolic link (or a chain of them) is resolved first:
// the file it points to is replaced and the link stays a link.
//
// It is independent of the safetensors format, so checkpoint writers in
// other packages can use it.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	path, err := resolveLinks(path)
	if err != nil {
		return fmt.Errorf("safetensors: atomic write: %w", err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return fmt.Errorf("safetensors: atomic write: %q names a directory", path)
	}
	perm := fs.FileMode(0o644)
	if st, statErr := os.Stat(path); statErr == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("safetensors: atomic write: %s exists and is not a regular file", path)
		}
		perm = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("safetensors: atomic write: %w", err)
	}
	tmpPath := tmp.Name()
	closed := false
	done := false
	defer func() {
		if done {
			return
		}
		if !closed {
			tmp.Close()
		}
		os.Remove(tmpPath)
	}()

	bw := bufio.NewWriterSize(tmp, 1<<16)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("safetensors: atomic write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("safetensors: atomic write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("safetensors: atomic write %s: sync: %w", path, err)
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("safetensors: atomic write %s: close: %w", path, err)
	}
	if beforeRename != nil {
		if err := beforeRename(tmpPath); err != nil {
			return fmt.Errorf("safetensors: atomic write %s: %w", path, err)
		}
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return fmt.Errorf("safetensors: atomic write: %w", err)
	}
	done = true
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("safetensors: atomic write %s: the file was replaced, but syncing its directory failed: %w", path, err)
	}
	return nil
}

// resolveLinks follows path while it is a symbolic link, even one whose
// target does not exist yet, and returns the final path.
func resolveLinks(path string) (string, error) {
	for range 40 { // as the kernel's limit on a chain of links
		st, err := os.Lstat(path)
		if err != nil || st.Mode()&fs.ModeSymlink == 0 {
			return path, nil // not a link (or absent: then the write creates it)
		}
		to, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(path), to)
		}
		path = to
	}
	return "", fmt.Errorf("%s: too many levels of symbolic links", path)
}

// syncDir fsyncs a directory so a rename in it is durable. Windows cannot
// sync directories; there it is a no-op.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
