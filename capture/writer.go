package capture

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"time"
)

// PcapngWriter writes a pcapng file (draft-ietf-opsawg-pcapng) of one
// section: a Section Header Block, one Interface Description Block per
// interface, then one Enhanced Packet Block per frame. It writes little
// endian, the byte order of almost every machine that captures. Call Flush
// when done; it does not close w.
type PcapngWriter struct {
	w      *bufio.Writer
	cw     *countWriter
	ifaces []writerIface
	frames int
	hdr    [epbDataOff]byte
}

// writerIface is how one interface's timestamps are written.
type writerIface struct {
	unitNs int64 // nanoseconds per timestamp unit: 10^k, k = 0..9
	offset int64 // if_tsoffset
}

// writerUserAppl is written as shb_userappl.
const writerUserAppl = "v6scope"

// SHB fields the writer fills in.
const (
	idbReserved       = 0
	pcapngMinor       = 0
	sectionLenUnknown = ^uint64(0) // -1: "not specified"
)

// writerBufferSize is the size of the write buffer.
const writerBufferSize = 64 << 10

// maxOptionLen is the largest value an option can hold: its length field
// has 16 bits.
const maxOptionLen = 1<<16 - 1

var le = binary.LittleEndian

// zeros supplies padding.
var zeros [blockAlign]byte

// NewPcapngWriter writes the Section Header Block, with comment as its
// opt_comment when not empty, and one Interface Description Block per
// interface with if_name, if_description, if_tsresol and, when not zero,
// if_tsoffset.
//
// An interface's TSResolution is written as if_tsresol when it is a power
// of ten from 1ns to 1s; any other value (including 0) is written as 1ns,
// which loses nothing, since Frame.Time has nanosecond precision.
func NewPcapngWriter(w io.Writer, comment string, ifaces []Interface) (*PcapngWriter, error) {
	cw := &countWriter{w: w}
	pw := &PcapngWriter{w: bufio.NewWriterSize(cw, writerBufferSize), cw: cw}
	if err := pw.sectionHeader(comment); err != nil {
		return nil, err
	}
	for i, ifc := range ifaces {
		if err := pw.interfaceDescription(i, ifc); err != nil {
			return nil, err
		}
	}
	return pw, nil
}

// optionsLen returns the length of an options list holding values of the
// given lengths, with its opt_endofopt; 0 when there are none.
func optionsLen(vals ...int) int {
	n := 0
	for _, v := range vals {
		n += optHeaderLen + pad4(v)
	}
	if n > 0 {
		n += optHeaderLen
	}
	return n
}

func (pw *PcapngWriter) u16(v uint16) { pw.w.Write(le.AppendUint16(pw.hdr[:0], v)) }
func (pw *PcapngWriter) u32(v uint32) { pw.w.Write(le.AppendUint32(pw.hdr[:0], v)) }
func (pw *PcapngWriter) u64(v uint64) { pw.w.Write(le.AppendUint64(pw.hdr[:0], v)) }

// option writes one option with its padding.
func (pw *PcapngWriter) option(code uint16, v []byte) {
	pw.u16(code)
	pw.u16(uint16(len(v)))
	pw.w.Write(v)
	pw.w.Write(zeros[:pad4(len(v))-len(v)])
}

func (pw *PcapngWriter) endOfOptions(n int) {
	if n > 0 {
		pw.u32(optEndOfOpt) // code 0, length 0
	}
}

func (pw *PcapngWriter) sectionHeader(comment string) error {
	if len(comment) > maxOptionLen {
		return fmt.Errorf("pcapng writer: section comment is %d bytes; an option holds at most %d", len(comment), maxOptionLen)
	}
	var vals []int
	if comment != "" {
		vals = append(vals, len(comment))
	}
	vals = append(vals, len(writerUserAppl))
	opts := optionsLen(vals...)
	blen := uint32(shbOptionsOff + opts + blockTrailerLen)
	pw.u32(blockTypeSHB)
	pw.u32(blen)
	pw.u32(byteOrderMagic)
	pw.u16(pcapngMajor)
	pw.u16(0)          // minor version
	pw.u64(^uint64(0)) // section length: -1, not given
	if comment != "" {
		pw.option(optComment, []byte(comment))
	}
	pw.option(shbUserAppl, []byte(writerUserAppl))
	pw.endOfOptions(opts)
	pw.u32(blen)
	return pw.err()
}

// tsresolFor returns the if_tsresol value and unit for a resolution.
func tsresolFor(d time.Duration) (tsresol byte, unitNs int64) {
	u := int64(1)
	for k := 9; k >= 0; k-- {
		if int64(d) == u {
			return byte(k), u
		}
		u *= 10
	}
	return 9, 1
}

func (pw *PcapngWriter) interfaceDescription(i int, ifc Interface) error {
	if len(ifc.Name) > maxOptionLen || len(ifc.Description) > maxOptionLen {
		return fmt.Errorf("pcapng writer: interface %d: name or description longer than %d bytes", i, maxOptionLen)
	}
	tsresol, unit := tsresolFor(ifc.TSResolution)
	var vals []int
	if ifc.Name != "" {
		vals = append(vals, len(ifc.Name))
	}
	if ifc.Description != "" {
		vals = append(vals, len(ifc.Description))
	}
	vals = append(vals, ifTSResolLen)
	if ifc.TSOffset != 0 {
		vals = append(vals, ifTSOffsetLen)
	}
	opts := optionsLen(vals...)
	blen := uint32(idbOptionsOff + opts + blockTrailerLen)
	pw.u32(blockTypeIDB)
	pw.u32(blen)
	pw.u16(uint16(ifc.LinkType))
	pw.u16(idbReserved)
	pw.u32(ifc.SnapLen)
	if ifc.Name != "" {
		pw.option(ifName, []byte(ifc.Name))
	}
	if ifc.Description != "" {
		pw.option(ifDescription, []byte(ifc.Description))
	}
	pw.option(ifTSResol, []byte{tsresol})
	if ifc.TSOffset != 0 {
		pw.option(ifTSOffset, le.AppendUint64(nil, uint64(ifc.TSOffset)))
	}
	pw.endOfOptions(opts)
	pw.u32(blen)
	pw.ifaces = append(pw.ifaces, writerIface{unitNs: unit, offset: ifc.TSOffset})
	return pw.err()
}

// WriteFrame writes f as an Enhanced Packet Block: interface f.Interface,
// timestamp f.Time (a zero Time is written as 0, the epoch), original
// length f.OrigLen (len(f.Data) when f.OrigLen is 0), the data, and
// f.Comment as opt_comment when not empty. f.Number, f.CapLen, f.Offset and
// f.LinkType are not used: the link type is the interface's.
func (pw *PcapngWriter) WriteFrame(f *Frame) error {
	pw.frames++
	if f.Interface < 0 || f.Interface >= len(pw.ifaces) {
		return fmt.Errorf("pcapng writer: frame %d is for interface %d, but the writer has %d interface(s)", pw.frames, f.Interface, len(pw.ifaces))
	}
	if len(f.Data) > MaxCapLen {
		return fmt.Errorf("pcapng writer: frame %d has %d bytes of data, more than the %d this package reads back", pw.frames, len(f.Data), MaxCapLen)
	}
	if len(f.Comment) > maxOptionLen {
		return fmt.Errorf("pcapng writer: frame %d: comment is %d bytes; an option holds at most %d", pw.frames, len(f.Comment), maxOptionLen)
	}
	wi := pw.ifaces[f.Interface]
	var units uint64
	if !f.Time.IsZero() {
		sec := f.Time.Unix() - wi.offset
		if sec < 0 {
			return fmt.Errorf("pcapng writer: frame %d: time %s is before the interface's epoch (1970-01-01 plus if_tsoffset %d s)",
				pw.frames, f.Time.Format(time.RFC3339Nano), wi.offset)
		}
		perSec := uint64(int64(time.Second) / wi.unitNs)
		if uint64(sec) >= math.MaxUint64/perSec {
			return fmt.Errorf("pcapng writer: frame %d: time %s does not fit in a 64-bit pcapng timestamp",
				pw.frames, f.Time.Format(time.RFC3339Nano))
		}
		units = uint64(sec)*perSec + uint64(int64(f.Time.Nanosecond())/wi.unitNs)
	}
	origLen := f.OrigLen
	if origLen == 0 {
		origLen = len(f.Data)
	}
	opts := 0
	if f.Comment != "" {
		opts = optHeaderLen + pad4(len(f.Comment)) + optHeaderLen
	}
	blen := uint32(epbDataOff + pad4(len(f.Data)) + opts + blockTrailerLen)
	h := pw.hdr[:]
	le.PutUint32(h[blockTypeOff:], blockTypeEPB)
	le.PutUint32(h[blockLenOff:], blen)
	le.PutUint32(h[epbInterfaceOff:], uint32(f.Interface))
	le.PutUint32(h[epbTSHighOff:], uint32(units>>32))
	le.PutUint32(h[epbTSLowOff:], uint32(units))
	le.PutUint32(h[epbCapLenOff:], uint32(len(f.Data)))
	le.PutUint32(h[epbOrigLenOff:], uint32(origLen))
	pw.w.Write(h)
	pw.w.Write(f.Data)
	pw.w.Write(zeros[:pad4(len(f.Data))-len(f.Data)])
	if f.Comment != "" {
		pw.u16(optComment)
		pw.u16(uint16(len(f.Comment)))
		pw.w.WriteString(f.Comment)
		pw.w.Write(zeros[:pad4(len(f.Comment))-len(f.Comment)])
		pw.u32(optEndOfOpt)
	}
	pw.u32(blen)
	return pw.err()
}

// err returns the first write error: bufio.Writer keeps it and writes
// nothing after it.
func (pw *PcapngWriter) err() error {
	if _, err := pw.w.Write(nil); err != nil {
		return fmt.Errorf("pcapng writer: %w", err)
	}
	return nil
}

// Offset returns the number of bytes written so far, those still buffered
// included: before WriteFrame, the byte offset its block will have in the
// file. A live capture spilled to a file indexes its frames with it.
func (pw *PcapngWriter) Offset() int64 { return pw.cw.n + int64(pw.w.Buffered()) }

// countWriter counts the bytes that reach the underlying writer.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// Flush writes any buffered data to the underlying writer.
func (pw *PcapngWriter) Flush() error {
	if err := pw.w.Flush(); err != nil {
		return fmt.Errorf("pcapng writer: %w", err)
	}
	return nil
}
