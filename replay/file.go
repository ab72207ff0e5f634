package replay

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/v6scope/v6scope/capture"
)

// FileOutput writes frames into a pcapng file stamped with the times the
// schedule gives them: the first frame keeps its capture time, and each
// one after it is stamped first + its due offset, to the nanosecond.
type FileOutput struct {
	path  string
	f     *os.File
	w     *capture.PcapngWriter
	base  time.Time
	frame capture.Frame
	lt    capture.LinkType
}

// CreateFile creates path for frames of link type lt.
func CreateFile(path string, lt capture.LinkType, comment string) (*FileOutput, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w, err := capture.NewPcapngWriter(f, comment, []capture.Interface{{Name: "replay", LinkType: lt, TSResolution: time.Nanosecond}})
	if err != nil {
		f.Close()
		return nil, err
	}
	return &FileOutput{path: path, f: f, w: w, lt: lt}, nil
}

// NewWriterOutput writes to w (tests, standard output).
func NewWriterOutput(w io.Writer, lt capture.LinkType) (*FileOutput, error) {
	pw, err := capture.NewPcapngWriter(w, "", []capture.Interface{{Name: "replay", LinkType: lt, TSResolution: time.Nanosecond}})
	if err != nil {
		return nil, err
	}
	return &FileOutput{path: "output", w: pw, lt: lt}, nil
}

func (o *FileOutput) Name() string                { return "file " + o.path }
func (o *FileOutput) MTU() int                    { return 0 }
func (o *FileOutput) Paced() bool                 { return false }
func (o *FileOutput) Start(first time.Time) error { o.base = first; return nil }

// Send writes the batch.
func (o *FileOutput) Send(batch []Packet) (int, error) {
	for i, p := range batch {
		if p.Frame.LinkType != o.lt {
			return i, fmt.Errorf("frame %d is of link type %s, the output's is %s: write frames of one link type (select them with -Y)", p.Frame.Number, p.Frame.LinkType, o.lt)
		}
		o.frame = capture.Frame{Time: o.base.Add(p.Due), Data: p.Frame.Data, CapLen: len(p.Frame.Data), OrigLen: len(p.Frame.Data), LinkType: o.lt}
		if err := o.w.WriteFrame(&o.frame); err != nil {
			return i, err
		}
	}
	return len(batch), nil
}

// Close flushes and closes the file.
func (o *FileOutput) Close() error {
	err := o.w.Flush()
	if o.f != nil {
		if cerr := o.f.Close(); err == nil {
			err = cerr
		}
	}
	return err
}
