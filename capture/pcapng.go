package capture

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"time"
)

// pcapng, draft-ietf-opsawg-pcapng.
//
// General Block Structure (section 3.1); every block, in the byte order of
// its section:
//
//	                     1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                          Block Type                           |  0
//	|                      Block Total Length                       |  4
//	/                          Block Body                           /  8
//	|                      Block Total Length                       |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// "Block Total Length: total size of this block, in octets. ... the value
// MUST be a multiple of 4." A reader that does not know a block type skips
// the block by its length (section 3.1: "a tool that does not understand a
// specific type of block simply skips it").
const (
	blockTypeOff    = 0
	blockLenOff     = 4
	blockHeaderLen  = 8  // Block Type + Block Total Length
	blockTrailerLen = 4  // the repeated Block Total Length
	blockMinLen     = 12 // an empty body
	blockAlign      = 4

	// maxBlockLen bounds the blocks this reader buffers (SHB, IDB and the
	// packet blocks): a packet of MaxCapLen bytes plus generous room for
	// options. Larger blocks of other types are skipped without buffering.
	maxBlockLen = 16 << 20
)

// Block types (section 11.1 of the draft, "Block Type Codes").
const (
	blockTypeSHB         = 0x0A0D0D0A // Section Header Block, section 4.1
	blockTypeIDB         = 0x00000001 // Interface Description Block, 4.2
	blockTypePB          = 0x00000002 // Packet Block (obsolete), appendix A
	blockTypeSPB         = 0x00000003 // Simple Packet Block, 4.4
	blockTypeNRB         = 0x00000004 // Name Resolution Block, 4.5
	blockTypeISB         = 0x00000005 // Interface Statistics Block, 4.6
	blockTypeEPB         = 0x00000006 // Enhanced Packet Block, 4.3
	blockTypeJournal     = 0x00000009 // systemd Journal Export Block, 4.7
	blockTypeDSB         = 0x0000000A // Decryption Secrets Block, 4.8
	blockTypeCustom      = 0x00000BAD // Custom Block, copiable, 4.9
	blockTypeCustomNoCpy = 0x40000BAD // Custom Block, not to be copied, 4.9
)

// Section Header Block (section 4.1):
//
//	|                   Block Type = 0x0A0D0D0A                     |  0
//	|                      Block Total Length                       |  4
//	|                      Byte-Order Magic                         |  8
//	|          Major Version        |         Minor Version         | 12
//	|                                                               | 16
//	|                          Section Length                       |
//	/                           Options                             / 24
//	|                      Block Total Length                       |
//
// "Byte-Order Magic: magic number, whose value is the hexadecimal number
// 0x1A2B3C4D. This number can be used to distinguish sections that have
// been saved on little-endian machines from the ones saved on big-endian
// machines." Block Type is a palindrome so that it can be read before the
// byte order is known.
const (
	shbByteOrderOff = 8
	shbMajorOff     = 12
	shbMinorOff     = 14
	shbSectionLen   = 16 // 64-bit; -1 when not given; not used by this reader
	shbOptionsOff   = 24
	shbMinLen       = shbOptionsOff + blockTrailerLen
	shbPeekLen      = shbByteOrderOff + 4 // enough to learn the byte order

	byteOrderMagic = 0x1A2B3C4D
	// pcapngMajor is the only major version: "Major Version ... 1";
	// minor 0 (and 2, written by a few old tools) read alike.
	pcapngMajor = 1
)

// Interface Description Block (section 4.2):
//
//	|                    Block Type = 0x00000001                    |  0
//	|                      Block Total Length                       |  4
//	|           LinkType            |           Reserved            |  8
//	|                            SnapLen                            | 12
//	/                           Options                             / 16
//	|                      Block Total Length                       |
const (
	idbLinkTypeOff = 8
	idbSnapLenOff  = 12
	idbOptionsOff  = 16
	idbMinLen      = idbOptionsOff + blockTrailerLen
)

// Enhanced Packet Block (section 4.3) and the obsolete Packet Block
// (appendix A), which differs only in a 16-bit Interface ID followed by a
// 16-bit Drops Count:
//
//	|                    Block Type = 0x00000006                    |  0
//	|                      Block Total Length                       |  4
//	|                         Interface ID                          |  8
//	|                        Timestamp (High)                       | 12
//	|                        Timestamp (Low)                        | 16
//	|                    Captured Packet Length                     | 20
//	|                    Original Packet Length                     | 24
//	/                          Packet Data                          / 28
//	/              variable length, padded to 32 bits               /
//	/                           Options                             /
//	|                      Block Total Length                       |
//
// "Timestamp (High) and Timestamp (Low): upper 32 bits and lower 32 bits of
// a 64-bit timestamp ... a single 64-bit unsigned integer that represents
// the number of units of time that have elapsed since 1970-01-01 00:00:00
// UTC. The length of a unit of time is specified by the 'if_tsresol'
// option."
const (
	epbInterfaceOff = 8
	pbInterfaceOff  = 8 // 16 bits in a Packet Block, followed by Drops Count
	epbTSHighOff    = 12
	epbTSLowOff     = 16
	epbCapLenOff    = 20
	epbOrigLenOff   = 24
	epbDataOff      = 28
	epbMinLen       = epbDataOff + blockTrailerLen
)

// Simple Packet Block (section 4.4):
//
//	|                    Block Type = 0x00000003                    |  0
//	|                      Block Total Length                       |  4
//	|                    Original Packet Length                     |  8
//	/                          Packet Data                          / 12
//	|                      Block Total Length                       |
//
// "The Simple Packet Block does not contain the Interface ID field.
// Therefore, it MUST be assumed that all the Simple Packet Blocks have been
// captured on the interface previously specified in the first Interface
// Description Block." Its captured length is min(Original Packet Length,
// SnapLen of that interface), the data being padded to 32 bits. It has no
// timestamp and no options.
const (
	spbOrigLenOff = 8
	spbDataOff    = 12
	spbMinLen     = spbDataOff + blockTrailerLen
)

// Options (section 3.5): a 16-bit code, a 16-bit length, the value padded
// to 32 bits. "The last option MUST be opt_endofopt" when there are
// options; a list that simply ends at the block's end is accepted too.
const (
	optHeaderLen = 4
	optCodeOff   = 0
	optLenOff    = 2

	optEndOfOpt = 0 // opt_endofopt
	optComment  = 1 // opt_comment, allowed in every block, may repeat

	ifName        = 2  // if_name (IDB), UTF-8
	ifDescription = 3  // if_description (IDB), UTF-8
	ifTSResol     = 9  // if_tsresol (IDB), 1 octet
	ifTSOffset    = 14 // if_tsoffset (IDB), 64-bit signed seconds

	shbUserAppl = 4 // shb_userappl (SHB), UTF-8

	ifTSResolLen  = 1
	ifTSOffsetLen = 8

	// ifTSResolBase2 is the most significant bit of if_tsresol: "If the
	// Most Significant Bit is equal to zero, the remaining bits indicates
	// the resolution of the timestamp as a negative power of 10 (e.g. 6
	// means microsecond resolution, timestamps are the number of
	// microseconds since 1970-01-01 00:00:00 UTC). If the Most Significant
	// Bit is equal to one, the remaining bits indicates the resolution as
	// negative power of 2 (e.g. 10 means 1/1024 of second)."
	ifTSResolBase2 = 0x80
	// defaultTSResol applies when an IDB has no if_tsresol: "If this
	// option is not present, a resolution of 10^-6 is assumed".
	defaultTSResol = 6

	// The finest resolutions whose units per second fit in 64 bits.
	maxTSResolExp10 = 19 // 10^19 < 2^64 < 10^20
	maxTSResolExp2  = 63
)

// blockName names a block type for messages.
func blockName(typ uint32) string {
	switch typ {
	case blockTypeSHB:
		return "Section Header Block"
	case blockTypeIDB:
		return "Interface Description Block"
	case blockTypePB:
		return "Packet Block"
	case blockTypeSPB:
		return "Simple Packet Block"
	case blockTypeNRB:
		return "Name Resolution Block"
	case blockTypeISB:
		return "Interface Statistics Block"
	case blockTypeEPB:
		return "Enhanced Packet Block"
	case blockTypeJournal:
		return "systemd Journal Export Block"
	case blockTypeDSB:
		return "Decryption Secrets Block"
	case blockTypeCustom, blockTypeCustomNoCpy:
		return "Custom Block"
	}
	return "block of type 0x" + strconv.FormatUint(uint64(typ), 16)
}

// bomReason describes a wrong byte-order magic.
func bomReason(b []byte) string {
	return fmt.Sprintf("the byte-order magic is % x, not 1a 2b 3c 4d (big endian) or 4d 3c 2b 1a (little endian)", b)
}

// isPacketBlock reports whether typ is one of the blocks that carry a frame.
func isPacketBlock(typ uint32) bool {
	return typ == blockTypeEPB || typ == blockTypeSPB || typ == blockTypePB
}

// minBlockLen is the smallest valid total length of a block of type typ.
func minBlockLen(typ uint32) int {
	switch typ {
	case blockTypeSHB:
		return shbMinLen
	case blockTypeIDB:
		return idbMinLen
	case blockTypeEPB, blockTypePB:
		return epbMinLen
	case blockTypeSPB:
		return spbMinLen
	}
	return blockMinLen
}

// pad4 rounds n up to a multiple of 4.
func pad4(n int) int { return (n + blockAlign - 1) &^ (blockAlign - 1) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// section is one pcapng section: its byte order and its interfaces, which
// are entries base to base+count-1 of the global interface list (a pcap
// file is one section with one interface).
type section struct {
	order binary.ByteOrder
	base  int
	count int
}

// ifaceTable is the global interface list with each interface's clock.
type ifaceTable struct {
	list   []Interface
	clocks []ifaceClock
}

func (t *ifaceTable) add(i Interface, c ifaceClock) {
	t.list = append(t.list, i)
	t.clocks = append(t.clocks, c)
}

// ifaceClock converts an interface's timestamps to time.Time.
type ifaceClock struct {
	unitsPerSec uint64 // 10^n or 2^n, from if_tsresol
	offset      int64  // if_tsoffset, seconds
}

// pcapTime converts a pcap record's seconds and fraction.
func (c ifaceClock) pcapTime(sec, frac uint32) time.Time {
	ns := int64(frac)
	if c.unitsPerSec == microsPerSecond {
		ns *= int64(time.Microsecond)
	}
	return time.Unix(int64(sec), ns).UTC()
}

// pcapngTime converts a 64-bit pcapng timestamp exactly (rounding down to
// the nanosecond), whatever the resolution.
func (c ifaceClock) pcapngTime(units uint64) time.Time {
	sec, rem := units/c.unitsPerSec, units%c.unitsPerSec
	var ns uint64
	switch c.unitsPerSec {
	case nanosPerSecond:
		ns = rem
	case microsPerSecond:
		ns = rem * uint64(time.Microsecond)
	default:
		// rem < unitsPerSec, so hi < unitsPerSec and Div64 cannot panic.
		hi, lo := bits.Mul64(rem, nanosPerSecond)
		ns, _ = bits.Div64(hi, lo, c.unitsPerSec)
	}
	return time.Unix(int64(sec)+c.offset, int64(ns)).UTC()
}

// tsresolClock returns the units per second and the duration of one unit
// for an if_tsresol value, or ok=false when the units per second do not fit
// in 64 bits (finer than 10^-19 or 2^-63 s; no capture hardware comes near).
func tsresolClock(v byte) (unitsPerSec uint64, unit time.Duration, ok bool) {
	exp := uint(v &^ ifTSResolBase2)
	if v&ifTSResolBase2 != 0 {
		if exp > maxTSResolExp2 {
			return 0, 0, false
		}
		ups := uint64(1) << exp
		return ups, time.Duration(nanosPerSecond / ups), true
	}
	if exp > maxTSResolExp10 {
		return 0, 0, false
	}
	ups := uint64(1)
	for range exp {
		ups *= 10
	}
	return ups, time.Duration(nanosPerSecond / ups), true
}

// openPcapng reads the first Section Header Block, then the blocks up to
// the first packet; an error in the latter is kept for Next.
func (r *Reader) openPcapng() error {
	h, err := r.in.peek(shbPeekLen)
	if len(h) < shbPeekLen {
		return r.short(err, 0, blockName(blockTypeSHB), shbPeekLen, len(h), false, false)
	}
	if bom := binary.BigEndian.Uint32(h[shbByteOrderOff:]); bom != byteOrderMagic && bom != bits.ReverseBytes32(byteOrderMagic) {
		return r.notCapture(h[:magicLen], "it starts like a pcapng Section Header Block, but "+bomReason(h[shbByteOrderOff:shbPeekLen]))
	}
	if _, err := r.block(nil); err != nil {
		return err
	}
	for {
		h, _ := r.in.peek(blockHeaderLen)
		if len(h) < blockHeaderLen || isPacketBlock(r.cur().order.Uint32(h[blockTypeOff:])) {
			return nil // Next reports the end or reads the packet
		}
		if _, err := r.block(nil); err != nil {
			r.err = err
			return nil
		}
	}
}

func (r *Reader) cur() *section { return &r.sections[len(r.sections)-1] }

// nextPcapng reads blocks until one carries a frame.
func (r *Reader) nextPcapng(f *Frame) error {
	for {
		got, err := r.block(f)
		if err != nil || got {
			return err
		}
	}
}

// block reads one block. For a packet block it fills f and returns true.
// f is nil only while opening, when the caller stops before packets.
func (r *Reader) block(f *Frame) (bool, error) {
	start := r.in.off
	h, err := r.in.peek(shbPeekLen)
	if len(h) < blockHeaderLen {
		return false, r.short(err, start, "pcapng block header", blockHeaderLen, len(h), false, true)
	}
	var order binary.ByteOrder
	if len(r.sections) > 0 {
		order = r.cur().order
	}
	typ := binary.BigEndian.Uint32(h[blockTypeOff:]) // SHB's type reads the same either way
	if typ == blockTypeSHB {
		if len(h) < shbPeekLen {
			return false, r.short(err, start, blockName(typ), shbPeekLen, len(h), false, false)
		}
		switch binary.BigEndian.Uint32(h[shbByteOrderOff:]) {
		case byteOrderMagic:
			order = binary.BigEndian
		case bits.ReverseBytes32(byteOrderMagic):
			order = binary.LittleEndian
		default:
			return false, r.corrupt(start, blockName(typ), "%s", bomReason(h[shbByteOrderOff:shbPeekLen]))
		}
	} else if order == nil {
		return false, r.corrupt(start, "pcapng block", "the file does not begin with a Section Header Block")
	} else {
		typ = order.Uint32(h[blockTypeOff:])
	}
	name := blockName(typ)
	blen := order.Uint32(h[blockLenOff:])
	if blen < blockMinLen || blen%blockAlign != 0 {
		return false, r.corrupt(start, name, "block total length is %d; it must be a multiple of %d and at least %d", blen, blockAlign, blockMinLen)
	}
	if need := minBlockLen(typ); int64(blen) < int64(need) {
		return false, r.corrupt(start, name, "block total length is %d, less than the %d bytes this block type needs", blen, need)
	}
	packet := isPacketBlock(typ)
	if blen > maxBlockLen {
		if packet || typ == blockTypeSHB || typ == blockTypeIDB {
			return false, r.corrupt(start, name, "block total length is %d, more than the %d-byte limit (the length field is damaged)", blen, maxBlockLen)
		}
		return false, r.skipBlock(start, name, order, blen)
	}
	b, err := r.in.fetch(int(blen))
	if len(b) < int(blen) {
		return false, r.short(err, start, name, int(blen), len(b), packet, false)
	}
	if tail := order.Uint32(b[len(b)-blockTrailerLen:]); tail != blen {
		return false, r.corrupt(start, name, "trailing block total length %d does not match the leading %d", tail, blen)
	}
	switch typ {
	case blockTypeSHB:
		return false, r.sectionHeader(b, order, start)
	case blockTypeIDB:
		return false, r.interfaceDescription(b, order, start)
	case blockTypeEPB, blockTypeSPB, blockTypePB:
		if f == nil {
			return false, r.corrupt(start, name, "packet block read while opening") // not reached: openPcapng stops before packets
		}
		if len(r.sections) == 0 {
			return false, r.corrupt(start, name, "packet before any Section Header Block")
		}
		data, why := decodePacketBlock(b, typ, r.cur(), &r.ifaces, f)
		if why != "" {
			return false, r.corrupt(start, name, "%s", why)
		}
		if !r.skipData {
			f.Data = append(f.Data[:0], data...)
		} else {
			f.Data = f.Data[:0]
		}
		f.Offset = start
		r.recLen = int(blen)
		return true, nil
	}
	return false, nil // NRB, ISB, DSB, custom and unknown blocks: skipped
}

// skipBlock consumes a block too large to buffer, checking its trailer.
func (r *Reader) skipBlock(start int64, name string, order binary.ByteOrder, blen uint32) error {
	body := int64(blen) - blockTrailerLen
	n, err := r.in.skip(body)
	if n < body {
		return r.short(err, start, name, int(blen), int(n), false, false)
	}
	t, err := r.in.fetch(blockTrailerLen)
	if len(t) < blockTrailerLen {
		return r.short(err, start, name, int(blen), int(n)+len(t), false, false)
	}
	if tail := order.Uint32(t); tail != blen {
		return r.corrupt(start, name, "trailing block total length %d does not match the leading %d", tail, blen)
	}
	return nil
}

// sectionHeader starts a new section: "each section ... is independent
// from the others", so interface IDs start again at 0.
func (r *Reader) sectionHeader(b []byte, order binary.ByteOrder, start int64) error {
	if major := order.Uint16(b[shbMajorOff:]); major != pcapngMajor {
		return r.corrupt(start, blockName(blockTypeSHB), "pcapng version %d.%d: only major version 1 exists",
			major, order.Uint16(b[shbMinorOff:]))
	}
	r.sections = append(r.sections, section{order: order, base: len(r.ifaces.list)})
	var why string
	walkOptions(b[shbOptionsOff:len(b)-blockTrailerLen], order, func(code uint16, v []byte) {
		if code == optComment {
			r.comments = append(r.comments, string(v))
		}
	}, &why)
	if why != "" {
		return r.corrupt(start, blockName(blockTypeSHB), "%s", why)
	}
	return nil
}

// interfaceDescription adds an interface to the current section.
func (r *Reader) interfaceDescription(b []byte, order binary.ByteOrder, start int64) error {
	name := blockName(blockTypeIDB)
	ups, unit, _ := tsresolClock(defaultTSResol)
	ifc := Interface{
		LinkType:     LinkType(order.Uint16(b[idbLinkTypeOff:])),
		SnapLen:      order.Uint32(b[idbSnapLenOff:]),
		TSResolution: unit,
	}
	clk := ifaceClock{unitsPerSec: ups}
	var why string
	walkOptions(b[idbOptionsOff:len(b)-blockTrailerLen], order, func(code uint16, v []byte) {
		switch code {
		case ifName:
			ifc.Name = optString(v)
		case ifDescription:
			ifc.Description = optString(v)
		case ifTSResol:
			if len(v) != ifTSResolLen {
				why = "if_tsresol option is " + itoa(int64(len(v))) + " bytes long, not 1"
				return
			}
			ups, unit, ok := tsresolClock(v[0])
			if !ok {
				why = "if_tsresol 0x" + strconv.FormatUint(uint64(v[0]), 16) + " is finer than 10^-19 or 2^-63 s, which this reader does not support"
				return
			}
			clk.unitsPerSec, ifc.TSResolution = ups, unit
		case ifTSOffset:
			if len(v) != ifTSOffsetLen {
				why = "if_tsoffset option is " + itoa(int64(len(v))) + " bytes long, not 8"
				return
			}
			ifc.TSOffset = int64(order.Uint64(v))
			clk.offset = ifc.TSOffset
		}
	}, &why)
	if why != "" {
		return r.corrupt(start, name, "%s", why)
	}
	r.ifaces.add(ifc, clk)
	r.cur().count++
	return nil
}

// optString returns a string option's value. The draft says strings are
// not zero-terminated, but some writers add a NUL; it is dropped.
func optString(v []byte) string {
	return strings.TrimRight(string(v), "\x00")
}

// walkOptions calls fn for each option in opts up to opt_endofopt. A value
// that runs past the end of the block sets *why.
func walkOptions(opts []byte, order binary.ByteOrder, fn func(code uint16, v []byte), why *string) {
	for off := 0; len(opts)-off >= optHeaderLen && *why == ""; {
		code := order.Uint16(opts[off+optCodeOff:])
		n := int(order.Uint16(opts[off+optLenOff:]))
		if code == optEndOfOpt {
			return
		}
		off += optHeaderLen
		if n > len(opts)-off {
			*why = "option " + itoa(int64(code)) + " claims " + itoa(int64(n)) + " bytes, but only " +
				itoa(int64(len(opts)-off)) + " remain in the block"
			return
		}
		fn(code, opts[off:off+n])
		off += min(pad4(n), len(opts)-off)
	}
}

// decodePacketBlock decodes an EPB, SPB or PB b (whole block, trailer
// checked) of section sec into f's fields other than Data, Number and
// Offset, and returns the packet data within b. A non-empty reason means
// the block is corrupt.
func decodePacketBlock(b []byte, typ uint32, sec *section, ifs *ifaceTable, f *Frame) (data []byte, reason string) {
	end := len(b) - blockTrailerLen
	order := sec.order
	var local uint32
	var capLen, origLen uint32
	dataOff := epbDataOff
	switch typ {
	case blockTypeSPB:
		if sec.count == 0 {
			return nil, "Simple Packet Block before any Interface Description Block in its section (it belongs to the section's first interface)"
		}
		origLen = order.Uint32(b[spbOrigLenOff:])
		capLen = origLen
		if snap := ifs.list[sec.base].SnapLen; snap != 0 && capLen > snap {
			capLen = snap
		}
		dataOff = spbDataOff
	case blockTypePB:
		local = uint32(order.Uint16(b[pbInterfaceOff:]))
	default:
		local = order.Uint32(b[epbInterfaceOff:])
	}
	if typ != blockTypeSPB {
		if local >= uint32(sec.count) {
			return nil, "packet for interface " + itoa(int64(local)) + ", but its section has described only " +
				itoa(int64(sec.count)) + " interface(s) (an Interface Description Block must come before its packets)"
		}
		capLen = order.Uint32(b[epbCapLenOff:])
		origLen = order.Uint32(b[epbOrigLenOff:])
	}
	if capLen > MaxCapLen {
		return nil, capLenReason(capLen)
	}
	if int(capLen) > end-dataOff {
		return nil, "captured length " + itoa(int64(capLen)) + " does not fit in the block, which has room for " +
			itoa(int64(end-dataOff)) + " bytes of packet data"
	}
	g := sec.base + int(local)
	f.Interface = g
	f.LinkType = ifs.list[g].LinkType
	f.CapLen = int(capLen)
	f.OrigLen = int(origLen)
	f.Comment = ""
	if typ == blockTypeSPB {
		f.Time = time.Time{}
		return b[dataOff : dataOff+int(capLen)], ""
	}
	units := uint64(order.Uint32(b[epbTSHighOff:]))<<32 | uint64(order.Uint32(b[epbTSLowOff:]))
	f.Time = ifs.clocks[g].pcapngTime(units)
	if optOff := dataOff + pad4(int(capLen)); optOff < end {
		walkOptions(b[optOff:end], order, func(code uint16, v []byte) {
			if code != optComment {
				return
			}
			if f.Comment == "" {
				f.Comment = string(v)
			} else {
				f.Comment += "\n" + string(v)
			}
		}, &reason)
		if reason != "" {
			return nil, reason
		}
	}
	return b[dataOff : dataOff+int(capLen)], ""
}
