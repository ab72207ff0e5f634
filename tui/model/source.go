package model

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/v6scope/v6scope/capture"
)

// Source is where the views read frames from, by number (1-based). Its Len
// may grow while the UI runs (a live capture appends frames); it never
// shrinks. ReadFrame must be safe for concurrent calls with distinct
// Frames: the display filter reads in the background while the list reads
// on the event loop.
type Source interface {
	// Name says where the frames come from, for the title bar.
	Name() string
	// Len is the number of frames readable now.
	Len() int
	// ReadFrame reads frame n (1 ≤ n ≤ Len()) into f, reusing f.Data.
	ReadFrame(n int, f *capture.Frame) error
	// Interfaces lists the capture's interfaces (for names and the time
	// resolution).
	Interfaces() []capture.Interface
}

// FileSource is a capture file read through its frame index: opening costs
// one pass over the file that keeps 16 bytes per frame (capture.IndexEntry),
// and each frame is read and decoded only when shown.
type FileSource struct {
	ix   *capture.Index
	file *os.File
	name string
	// Warning is set when the file is damaged after some frames: the
	// frames before the damage are readable.
	Warning error
}

// OpenFile indexes the capture file at path. A gzip-compressed file is
// decompressed into a temporary file first (random access needs it);
// "-" is refused.
func OpenFile(path string) (*FileSource, error) {
	ix, err := capture.BuildIndex(path)
	if errors.Is(err, capture.ErrCompressed) {
		r, oerr := capture.Open(path) // checks the gzip stream once more
		if oerr != nil {
			return nil, oerr
		}
		r.Close()
		f, ferr := os.Open(path)
		if ferr != nil {
			return nil, ferr
		}
		defer f.Close()
		zr, zerr := gzip.NewReader(f)
		if zerr != nil {
			return nil, fmt.Errorf("%s: %w", path, zerr)
		}
		return spool(zr, path)
	}
	return fromIndex(ix, err, path)
}

// OpenFS opens a capture held in a file system (the captures bundled in the
// binary, pcaps.FS): it is copied to a temporary file, which is removed at
// once and read through its open descriptor.
func OpenFS(fsys fs.FS, name, label string) (*FileSource, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return spool(f, label)
}

func spool(r io.Reader, label string) (*FileSource, error) {
	tmp, err := os.CreateTemp("", "v6scope-*.cap")
	if err != nil {
		return nil, fmt.Errorf("%s: making a temporary copy to index: %w", label, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, r); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("%s: making a temporary copy to index: %w", label, err)
	}
	ix, err := capture.BuildIndex(tmp.Name())
	tmp.Close()
	s, err := fromIndex(ix, err, tmp.Name())
	if s != nil {
		s.name = label
		s.ix.File = label
	}
	return s, err
}

func fromIndex(ix *capture.Index, err error, path string) (*FileSource, error) {
	var warn error
	if err != nil {
		var te *capture.TruncatedError
		var ce *capture.CorruptError
		if ix == nil || !(errors.As(err, &te) || errors.As(err, &ce)) {
			return nil, err
		}
		warn = err
	}
	f, oerr := os.Open(path)
	if oerr != nil {
		return nil, oerr
	}
	return &FileSource{ix: ix, file: f, name: path, Warning: warn}, nil
}

// Name returns the file's name.
func (s *FileSource) Name() string { return s.name }

// Len returns the number of frames in the file.
func (s *FileSource) Len() int { return len(s.ix.Entries) }

// ReadFrame reads frame n.
func (s *FileSource) ReadFrame(n int, f *capture.Frame) error { return s.ix.ReadFrame(s.file, n, f) }

// Interfaces returns the capture's interfaces.
func (s *FileSource) Interfaces() []capture.Interface { return s.ix.Interfaces }

// Index returns the frame index (for measuring its size).
func (s *FileSource) Index() *capture.Index { return s.ix }

// Scan reads frames 1…limit front to back, calling fn for each until it
// returns false: much faster than ReadFrame one by one (one buffered
// pass instead of a read per frame). The display filter uses it.
func (s *FileSource) Scan(limit int, fn func(f *capture.Frame) bool) error {
	r, err := capture.NewReader(bufio.NewReaderSize(io.NewSectionReader(s.file, 0, 1<<62), 1<<20), s.name)
	if err != nil {
		return err
	}
	defer r.Close()
	var f capture.Frame
	for n := 1; n <= limit; n++ {
		if err := r.Next(&f); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
		if !fn(&f) {
			return nil
		}
	}
	return nil
}

// Scanner is a Source that can also be read front to back quickly.
type Scanner interface {
	Scan(limit int, fn func(f *capture.Frame) bool) error
}

// Close closes the file.
func (s *FileSource) Close() error { return s.file.Close() }
