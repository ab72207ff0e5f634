// Command mkbig writes a large classic pcap file for benchmarks by
// repeating real Ethernet frames taken from existing captures.
//
// Usage:
//
//	mkbig [-n packets] [-o out.pcap] [-step µs] [-start unix-seconds] capture.pcap...
//
// It reads every frame of each classic pcap input (either byte order,
// microsecond or nanosecond timestamps) whose link type is Ethernet (1), in
// the order given, and writes them round-robin until it has written -n
// packets: a little-endian, microsecond pcap with link type Ethernet. Each
// frame keeps its captured bytes and original length; timestamps start at
// -start and advance by -step microseconds per packet, so they strictly
// increase. Inputs that are pcapng or not Ethernet are skipped with a note
// on standard error; mkbig fails when no frame is left. The output is the
// same for the same arguments.
package main

import (
	"bufio"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

// Classic pcap format (https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-04.html).
const (
	fileHeaderLen   = 24         // magic, version, reserved, snaplen, link type
	recordHeaderLen = 16         // ts seconds, ts fraction, captured length, original length
	magicMicro      = 0xa1b2c3d4 // timestamps in microseconds
	magicNano       = 0xa1b23c4d // timestamps in nanoseconds
	magicPcapng     = 0x0a0d0d0a // pcapng Section Header Block type
	linkTypeOffset  = 20
	linkTypeMask    = 0x0fffffff // the top 4 bits carry the FCS length
	linkEthernet    = 1
	outSnaplen      = 262144
	maxCaplen       = 1 << 24 // larger record lengths mean a corrupt file
)

// frame is one input record: its bytes and its original length on the wire.
type frame struct {
	data    []byte
	origLen uint32
}

func main() {
	n := flag.Int("n", 1_000_000, "number of packets to write")
	out := flag.String("o", "-", "output file (- for standard output)")
	step := flag.Uint("step", 10, "microseconds between consecutive packets (at least 1)")
	start := flag.Int64("start", 1_700_000_000, "timestamp of the first packet, in Unix seconds")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: mkbig [-n packets] [-o out.pcap] [-step µs] [-start unix-seconds] capture.pcap...\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := run(*n, *out, *step, *start, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "mkbig:", err)
		os.Exit(1)
	}
}

func run(n int, out string, step uint, start int64, inputs []string) error {
	switch {
	case len(inputs) == 0:
		return errors.New("no input captures given; name one or more classic pcap files with Ethernet frames")
	case n < 0:
		return fmt.Errorf("-n %d: the packet count must not be negative", n)
	case step == 0:
		return errors.New("-step 0: timestamps must advance; give at least 1 µs")
	case start < 0 || start > 1<<32-1:
		return fmt.Errorf("-start %d: must fit a pcap timestamp (0 … %d)", start, uint32(1<<32-1))
	}
	var frames []frame
	for _, in := range inputs {
		fs, err := readPcap(in)
		if errors.Is(err, errSkip) {
			fmt.Fprintf(os.Stderr, "mkbig: skipping %v\n", err)
			continue
		}
		if err != nil {
			return err
		}
		frames = append(frames, fs...)
	}
	if len(frames) == 0 {
		return errors.New("no Ethernet frames in the inputs; give classic pcap files with link type Ethernet (1)")
	}
	if last := uint64(start)*1e6 + uint64(n)*uint64(step); last/1e6 > 1<<32-1 {
		return fmt.Errorf("-n %d -step %d from -start %d runs past the last pcap timestamp (year 2106); lower -start, -n or -step", n, step, start)
	}

	w := io.Writer(os.Stdout)
	var f *os.File
	if out != "-" {
		var err error
		if f, err = os.Create(out); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	if err := write(w, frames, n, uint64(start)*1e6, uint64(step)); err != nil {
		return fmt.Errorf("writing %s: %w", out, err)
	}
	if f != nil {
		return f.Close()
	}
	return nil
}

// write streams the file header and n records cycling through frames, with
// timestamps t0, t0+step, … in microseconds.
func write(w io.Writer, frames []frame, n int, t0, step uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	var hdr [fileHeaderLen]byte
	le := binary.LittleEndian
	le.PutUint32(hdr[0:], magicMicro)
	le.PutUint16(hdr[4:], 2) // version 2.4
	le.PutUint16(hdr[6:], 4)
	le.PutUint32(hdr[16:], outSnaplen)
	le.PutUint32(hdr[linkTypeOffset:], linkEthernet)
	bw.Write(hdr[:])

	var rec [recordHeaderLen]byte
	ts := t0
	for i := range n {
		fr := &frames[i%len(frames)]
		le.PutUint32(rec[0:], uint32(ts/1e6))
		le.PutUint32(rec[4:], uint32(ts%1e6))
		le.PutUint32(rec[8:], uint32(len(fr.data)))
		le.PutUint32(rec[12:], fr.origLen)
		bw.Write(rec[:])
		if _, err := bw.Write(fr.data); err != nil {
			return err
		}
		ts += step
	}
	return bw.Flush()
}

// errSkip marks an input that is readable but not usable here.
var errSkip = errors.New("not a classic Ethernet pcap")

// readPcap returns every record of a classic pcap file with Ethernet link
// type. A pcapng file or another link type yields an error wrapping errSkip.
func readPcap(path string) ([]frame, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(data) < fileHeaderLen {
		if len(data) >= 4 && binary.LittleEndian.Uint32(data) == magicPcapng {
			return nil, fmt.Errorf("%s: pcapng, %w", path, errSkip)
		}
		return nil, fmt.Errorf("%s: %d bytes is too short for a pcap file header (%d); is it a capture?", path, len(data), fileHeaderLen)
	}
	var bo binary.ByteOrder
	switch m := binary.LittleEndian.Uint32(data); m {
	case magicMicro, magicNano:
		bo = binary.LittleEndian
	case swap(magicMicro), swap(magicNano):
		bo = binary.BigEndian
	case magicPcapng:
		return nil, fmt.Errorf("%s: pcapng, %w", path, errSkip)
	default:
		return nil, fmt.Errorf("%s: magic number %#08x is neither classic pcap nor pcapng; is it a capture?", path, m)
	}
	if lt := bo.Uint32(data[linkTypeOffset:]) & linkTypeMask; lt != linkEthernet {
		return nil, fmt.Errorf("%s: link type %d, %w", path, lt, errSkip)
	}
	var frames []frame
	for off := fileHeaderLen; off < len(data); {
		if len(data)-off < recordHeaderLen {
			return nil, fmt.Errorf("%s: record %d at offset %d: header cut short (%d of %d bytes)", path, len(frames)+1, off, len(data)-off, recordHeaderLen)
		}
		caplen := bo.Uint32(data[off+8:])
		origLen := bo.Uint32(data[off+12:])
		body := off + recordHeaderLen
		if caplen > maxCaplen || uint64(body)+uint64(caplen) > uint64(len(data)) {
			return nil, fmt.Errorf("%s: record %d at offset %d: captured length %d runs past the end of the file (%d bytes)", path, len(frames)+1, off, caplen, len(data))
		}
		frames = append(frames, frame{data: data[body : body+int(caplen)], origLen: origLen})
		off = body + int(caplen)
	}
	return frames, nil
}

// swap reverses the bytes of a 32-bit magic number.
func swap(v uint32) uint32 {
	var b [4]byte
	binary.LittleEndian.PutUint32(b[:], v)
	return binary.BigEndian.Uint32(b[:])
}
