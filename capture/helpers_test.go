package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

// corpusDir is the shared corpus of public captures, relative to this
// package's directory (/work/main/capture -> /work/shared/corpus).
var corpusDir = filepath.Join("..", "..", "shared", "corpus")

// requirePeers reports whether missing peers (corpus, tshark) must fail
// the test rather than skip it.
func requirePeers() bool { return os.Getenv("V6SCOPE_REQUIRE_PEERS") == "1" }

// needCorpus skips (or fails under V6SCOPE_REQUIRE_PEERS=1) when the
// corpus is absent, and returns its path.
func needCorpus(t testing.TB) string {
	t.Helper()
	if st, err := os.Stat(corpusDir); err != nil || !st.IsDir() {
		if requirePeers() {
			t.Fatalf("corpus %s missing and V6SCOPE_REQUIRE_PEERS=1: %v", corpusDir, err)
		}
		t.Skipf("corpus %s not present (it lives beside the repository in CI); skipping", corpusDir)
	}
	return corpusDir
}

// corpusFile returns the path of a corpus file, skipping as needCorpus.
func corpusFile(t testing.TB, rel string) string {
	t.Helper()
	p := filepath.Join(needCorpus(t), rel)
	if _, err := os.Stat(p); err != nil {
		if requirePeers() {
			t.Fatalf("corpus file %s missing: %v", p, err)
		}
		t.Skipf("corpus file %s missing; skipping", p)
	}
	return p
}

// corpusCaptures lists every pcap/pcapng file of the corpus, by content
// (several .pcap files there are really pcapng).
func corpusCaptures(t testing.TB) []string {
	t.Helper()
	dir := needCorpus(t)
	var files []string
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b := make([]byte, 4)
		fh, err := os.Open(p)
		if err != nil {
			return err
		}
		defer fh.Close()
		if _, err := io.ReadFull(fh, b); err != nil {
			return nil
		}
		switch binary.BigEndian.Uint32(b) {
		case 0xa1b2c3d4, 0xd4c3b2a1, 0xa1b23c4d, 0x4d3cb2a1, 0x0a0d0d0a:
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no captures found under %s", dir)
	}
	return files
}

// frameCopy is a Frame whose Data is its own.
func frameCopy(f *Frame) Frame {
	c := *f
	c.Data = append([]byte(nil), f.Data...)
	return c
}

// readAll reads every frame of a capture held in memory.
func readAll(t testing.TB, b []byte) ([]Frame, *Reader, error) {
	t.Helper()
	r, err := NewReader(bytes.NewReader(b), "test")
	if err != nil {
		return nil, nil, err
	}
	var out []Frame
	var f Frame
	for {
		err := r.Next(&f)
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return out, r, err
		}
		out = append(out, frameCopy(&f))
	}
}

// mustReadAll is readAll that fails the test on any error.
func mustReadAll(t testing.TB, b []byte) ([]Frame, *Reader) {
	t.Helper()
	frames, r, err := readAll(t, b)
	if err != nil {
		t.Fatalf("reading: %v", err)
	}
	return frames, r
}

// readFile reads every frame of a file with Open.
func readFile(t testing.TB, path string) ([]Frame, *Reader, error) {
	t.Helper()
	r, err := Open(path)
	if err != nil {
		return nil, nil, err
	}
	t.Cleanup(func() { r.Close() })
	var out []Frame
	var f Frame
	for {
		if err := r.Next(&f); err != nil {
			if err == io.EOF {
				err = nil
			}
			return out, r, err
		}
		out = append(out, frameCopy(&f))
	}
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// equalFrames compares two frame lists field by field.
func equalFrames(t testing.TB, got, want []Frame) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d frames, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if len(g.Data) == 0 {
			g.Data = nil
		}
		if len(w.Data) == 0 {
			w.Data = nil
		}
		if !g.Time.Equal(w.Time) {
			t.Errorf("frame %d: time %v, want %v", i+1, g.Time, w.Time)
		}
		g.Time, w.Time = time.Time{}, time.Time{}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("frame %d:\n got %+v\nwant %+v", i+1, g, w)
		}
	}
}

// ---- test-only encoders, independent of the package's own writer ----

// byteOrder is a byte order that can also append.
type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// pcapFile builds a classic pcap file.
type pcapFile struct {
	order byteOrder
	nano  bool
	buf   []byte
}

func newPcapFile(order byteOrder, nano bool, snap uint32, linkField uint32) *pcapFile {
	p := &pcapFile{order: order, nano: nano}
	magic := uint32(0xa1b2c3d4)
	if nano {
		magic = 0xa1b23c4d
	}
	p.buf = order.AppendUint32(p.buf, magic)
	p.buf = order.AppendUint16(p.buf, 2)
	p.buf = order.AppendUint16(p.buf, 4)
	p.buf = order.AppendUint32(p.buf, 0)
	p.buf = order.AppendUint32(p.buf, 0)
	p.buf = order.AppendUint32(p.buf, snap)
	p.buf = order.AppendUint32(p.buf, linkField)
	return p
}

// record appends a packet record; frac is µs or ns as the magic says.
func (p *pcapFile) record(sec, frac uint32, orig int, data []byte) {
	p.buf = p.order.AppendUint32(p.buf, sec)
	p.buf = p.order.AppendUint32(p.buf, frac)
	p.buf = p.order.AppendUint32(p.buf, uint32(len(data)))
	p.buf = p.order.AppendUint32(p.buf, uint32(orig))
	p.buf = append(p.buf, data...)
}

// ngFile builds a pcapng file, block by block, in any byte order.
type ngFile struct {
	order byteOrder
	buf   []byte
}

type opt struct {
	code uint16
	val  []byte
}

func commentOpts(cs ...string) []opt {
	var o []opt
	for _, c := range cs {
		o = append(o, opt{1, []byte(c)})
	}
	return o
}

func (n *ngFile) options(opts []opt) []byte {
	var b []byte
	for _, o := range opts {
		b = n.order.AppendUint16(b, o.code)
		b = n.order.AppendUint16(b, uint16(len(o.val)))
		b = append(b, o.val...)
		for len(b)%4 != 0 {
			b = append(b, 0)
		}
	}
	if len(opts) > 0 {
		b = append(b, 0, 0, 0, 0)
	}
	return b
}

// block appends a block whose body is padded to 4 bytes.
func (n *ngFile) block(typ uint32, body []byte) {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	l := uint32(12 + len(body))
	n.buf = n.order.AppendUint32(n.buf, typ)
	n.buf = n.order.AppendUint32(n.buf, l)
	n.buf = append(n.buf, body...)
	n.buf = n.order.AppendUint32(n.buf, l)
}

// shb starts a new section in byte order order.
func (n *ngFile) shb(order byteOrder, opts ...opt) {
	n.order = order
	var b []byte
	b = order.AppendUint32(b, 0x1A2B3C4D)
	b = order.AppendUint16(b, 1)
	b = order.AppendUint16(b, 0)
	b = order.AppendUint64(b, ^uint64(0))
	b = append(b, n.options(opts)...)
	n.block(0x0A0D0D0A, b)
}

func (n *ngFile) idb(lt LinkType, snap uint32, opts ...opt) {
	var b []byte
	b = n.order.AppendUint16(b, uint16(lt))
	b = n.order.AppendUint16(b, 0)
	b = n.order.AppendUint32(b, snap)
	b = append(b, n.options(opts)...)
	n.block(1, b)
}

func (n *ngFile) epb(ifid uint32, ts uint64, orig int, data []byte, opts ...opt) {
	var b []byte
	b = n.order.AppendUint32(b, ifid)
	b = n.order.AppendUint32(b, uint32(ts>>32))
	b = n.order.AppendUint32(b, uint32(ts))
	b = n.order.AppendUint32(b, uint32(len(data)))
	b = n.order.AppendUint32(b, uint32(orig))
	b = append(b, data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	b = append(b, n.options(opts)...)
	n.block(6, b)
}

func (n *ngFile) pb(ifid uint16, ts uint64, orig int, data []byte, opts ...opt) {
	var b []byte
	b = n.order.AppendUint16(b, ifid)
	b = n.order.AppendUint16(b, 0) // drops
	b = n.order.AppendUint32(b, uint32(ts>>32))
	b = n.order.AppendUint32(b, uint32(ts))
	b = n.order.AppendUint32(b, uint32(len(data)))
	b = n.order.AppendUint32(b, uint32(orig))
	b = append(b, data...)
	for len(b)%4 != 0 {
		b = append(b, 0)
	}
	b = append(b, n.options(opts)...)
	n.block(2, b)
}

// spb appends a Simple Packet Block holding data (already cut to the
// snap length by the caller) for a packet of orig bytes.
func (n *ngFile) spb(orig int, data []byte) {
	var b []byte
	b = n.order.AppendUint32(b, uint32(orig))
	b = append(b, data...)
	n.block(3, b)
}

// payload returns n deterministic bytes.
func payload(seed, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(seed*31 + i*7)
	}
	return b
}

func isTruncated(err error) (*TruncatedError, bool) {
	var te *TruncatedError
	ok := errors.As(err, &te)
	return te, ok
}
