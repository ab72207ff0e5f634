package lab

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/v6scope/v6scope/pcaps"
)

// IsFile reports whether name names a lab file rather than a bundled lab.
func IsFile(name string) bool {
	return strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")
}

// LoadFile reads a lab file from disk, for an instructor trying a lab of
// their own. The FS it returns finds the lab's capture and key table
// beside the file first, then among the bundled captures.
func LoadFile(path string) (*Lab, fs.FS, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	l, err := Parse(filepath.Base(path), data)
	if err != nil {
		return nil, nil, err
	}
	return l, overlay{os.DirFS(filepath.Dir(path)), pcaps.FS}, nil
}

// Resolve returns the lab name names — a number, a slug, or a lab file —
// and the FS its capture is read from.
func Resolve(name string) (*Lab, fs.FS, error) {
	if IsFile(name) {
		return LoadFile(name)
	}
	l, err := Find(name)
	return l, pcaps.FS, err
}

// overlay reads from the first FS that has the file.
type overlay []fs.FS

func (o overlay) Open(name string) (fs.File, error) {
	var first error
	for _, f := range o {
		file, err := f.Open(name)
		if err == nil {
			return file, nil
		}
		if first == nil || !errors.Is(err, fs.ErrNotExist) {
			first = err
		}
	}
	return nil, first
}
