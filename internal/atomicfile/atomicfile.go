// Package atomicfile replaces files atomically: a reader, or a machine
// that loses power, sees either the old file or the complete new one,
// never a part of it. Every nnlab writer of a user-visible file
// (checkpoints, models, charts, notebooks, history, downloads, kernel
// specs) writes through it.
package atomicfile

import (
	"bufio"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Write replaces the file at path with the bytes write produces.
//
// It creates a temporary file ".<name>.tmp-*" in the same directory, calls
// write with a buffered writer on it, flushes, fsyncs and closes it,
// renames it over path and fsyncs the directory. If any step fails (or
// write returns an error or panics), the temporary file is removed and
// the previous file at path is left untouched; an error from write is
// returned as it is, so a caller can stop a long write (on an interrupt,
// say) by failing a Write and test for its own error afterwards.
//
// The new file keeps the permissions of the file it replaces, or gets
// perm if there was none. A path that is a symbolic link (or a chain of
// them) is resolved first: the file it points to is replaced and the link
// stays a link.
func Write(path string, perm fs.FileMode, write func(io.Writer) error) error {
	return writeFile(path, perm, write, nil)
}

// WriteFile is Write for data already in memory, in the manner of
// os.WriteFile.
func WriteFile(path string, data []byte, perm fs.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// writeFile is Write with a hook that tests use to fail or crash after
// the temporary file is complete (written, synced and closed) and before
// the rename; a non-nil error from it aborts the write.
func writeFile(path string, perm fs.FileMode, write func(io.Writer) error, beforeRename func(tmpPath string) error) error {
	path, err := resolveLinks(path)
	if err != nil {
		return fmt.Errorf("atomic write: %w", err)
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if base == "" {
		return fmt.Errorf("atomic write: %q names a directory", path)
	}
	if st, statErr := os.Stat(path); statErr == nil {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("atomic write: %s exists and is not a regular file", path)
		}
		perm = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("atomic write %s: %w", path, err)
	}
	tmpPath := tmp.Name()
	closed := false
	done := false
	defer func() { // also when write or beforeRename panics
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
		return fmt.Errorf("atomic write %s: %w", path, err)
	}
	if err := tmp.Chmod(perm); err != nil && runtime.GOOS != "windows" {
		return fmt.Errorf("atomic write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("atomic write %s: sync: %w", path, err)
	}
	closed = true
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("atomic write %s: close: %w", path, err)
	}
	if beforeRename != nil {
		if err := beforeRename(tmpPath); err != nil {
			return fmt.Errorf("atomic write %s: %w", path, err)
		}
	}
	if err := os.Rename(tmpPath, path); err != nil {
		return fmt.Errorf("atomic write %s: %w", path, err)
	}
	done = true
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("atomic write %s: the file was replaced, but syncing its directory failed: %w", path, err)
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
