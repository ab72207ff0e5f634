package decodetest

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/tsharkdiff"
	"github.com/v6scope/v6scope/output"
)

// Table decodes every frame of file with d and returns fields as `v6scope
// read -T fields -E occurrence=a` prints them, the other side of a
// tsharkdiff comparison. each, when not nil, is called with every decoded
// packet (to note which frames reached a decoder, say). A capture cut short
// or damaged ends the table at its last complete frame, as it ends tshark's.
func Table(t testing.TB, file string, d *decode.Decoder, fields []string, each func(*decode.Packet)) *tsharkdiff.Table {
	t.Helper()
	r, err := capture.Open(file)
	if err != nil {
		t.Fatalf("open %s: %v", file, err)
	}
	defer r.Close()
	ff := output.NewFieldsFormat(fields)
	var (
		f   capture.Frame
		p   decode.Packet
		buf []byte
	)
	for {
		err := r.Next(&f)
		if err == io.EOF {
			break
		}
		if err != nil {
			var te *capture.TruncatedError
			if !errors.As(err, &te) && !errors.Is(err, capture.ErrCorrupt) {
				t.Fatalf("read %s: %v", file, err)
			}
			break
		}
		d.Decode(&f, &p)
		if each != nil {
			each(&p)
		}
		buf = ff.AppendRow(buf, &p)
	}
	tab, err := tsharkdiff.Parse(bytes.NewReader(buf), fields)
	if err != nil {
		t.Fatalf("parse v6scope's output for %s: %v", file, err)
	}
	return tab
}
