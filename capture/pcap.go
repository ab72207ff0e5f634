package capture

import (
	"encoding/binary"
	"time"
)

// Classic pcap, draft-ietf-opsawg-pcap (and pcap-savefile(5)).
//
// File Header (section 4), 24 octets, in the byte order of the writer:
//
//	                     1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                          Magic Number                         |  0
//	|          Major Version        |         Minor Version         |  4
//	|                           Reserved1                           |  8
//	|                           Reserved2                           | 12
//	|                            SnapLen                            | 16
//	| FCS |f|0 0 0 0 0 0 0 0 0 0 0 0|         LinkType              | 20
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Packet Record (section 5): a 16-octet header, then Captured Packet Length
// octets of data, with no padding:
//
//	|                      Timestamp (Seconds)                      |  0
//	|            Timestamp (Microseconds or nanoseconds)            |  4
//	|                    Captured Packet Length                     |  8
//	|                    Original Packet Length                     | 12
//	/                          Packet Data                          / 16
const (
	pcapFileHeaderLen = 24
	pcapMagicOff      = 0
	pcapMajorOff      = 4
	pcapMinorOff      = 6
	pcapSnapLenOff    = 16
	pcapLinkTypeOff   = 20

	// pcapMagicMicro and pcapMagicNano are the magic numbers as written
	// by a big-endian host; a little-endian host writes them byte-swapped.
	// The magic alone gives both the byte order and the timestamp unit.
	pcapMagicMicro = 0xa1b2c3d4
	pcapMagicNano  = 0xa1b23c4d

	// pcapMajorVersion is the only major version there is: "2".
	pcapMajorVersion = 2

	// pcapLinkTypeMask selects the link type in the low 16 bits of the
	// LinkType field. The upper bits optionally give the length of a Frame
	// Check Sequence at the end of every packet (draft section 4: 3 bits of
	// FCS length in 16-bit words and an "f" bit saying they are valid;
	// libpcap's LT_FCS_LENGTH_PRESENT/LT_FCS_LENGTH macros differ in the
	// exact bits). This reader ignores them: the FCS bytes, if any, stay
	// at the end of Frame.Data, as Wireshark leaves them.
	pcapLinkTypeMask = 0xffff

	pcapRecordHeaderLen = 16
	pcapTSSecOff        = 0
	pcapTSFracOff       = 4
	pcapCapLenOff       = 8
	pcapOrigLenOff      = 12
)

// Units per second of the two pcap timestamp forms.
const (
	microsPerSecond = 1_000_000
	nanosPerSecond  = 1_000_000_000
)

const pcapRecordName = "pcap record"

// openPcap reads the classic pcap file header.
func (r *Reader) openPcap() error {
	h, err := r.in.fetch(pcapFileHeaderLen)
	if len(h) < pcapFileHeaderLen {
		return r.short(err, 0, "pcap file header", pcapFileHeaderLen, len(h), false, false)
	}
	var order binary.ByteOrder
	switch m := binary.BigEndian.Uint32(h[pcapMagicOff:]); m {
	case pcapMagicMicro, pcapMagicNano:
		order = binary.BigEndian
		r.nano = m == pcapMagicNano
	default:
		switch binary.LittleEndian.Uint32(h[pcapMagicOff:]) {
		case pcapMagicMicro:
			order = binary.LittleEndian
		case pcapMagicNano:
			order = binary.LittleEndian
			r.nano = true
		default:
			return r.notCapture(h[:magicLen], "")
		}
	}
	major, minor := order.Uint16(h[pcapMajorOff:]), order.Uint16(h[pcapMinorOff:])
	if major != pcapMajorVersion {
		return r.corrupt(0, "pcap file header",
			"version %d.%d: only version 2.x exists (the file may be damaged or a variant this reader does not know)", major, minor)
	}
	ifc := Interface{
		LinkType:     LinkType(order.Uint32(h[pcapLinkTypeOff:]) & pcapLinkTypeMask),
		SnapLen:      order.Uint32(h[pcapSnapLenOff:]),
		TSResolution: time.Microsecond,
	}
	clk := ifaceClock{unitsPerSec: microsPerSecond}
	if r.nano {
		ifc.TSResolution = time.Nanosecond
		clk.unitsPerSec = nanosPerSecond
	}
	r.ifaces.add(ifc, clk)
	r.sections = append(r.sections, section{order: order, base: 0, count: 1})
	return nil
}

// pcapRecord holds the fields of a packet record header.
type pcapRecord struct {
	sec, frac, capLen, origLen uint32
}

func parsePcapRecord(h []byte, order binary.ByteOrder) pcapRecord {
	return pcapRecord{
		sec:     order.Uint32(h[pcapTSSecOff:]),
		frac:    order.Uint32(h[pcapTSFracOff:]),
		capLen:  order.Uint32(h[pcapCapLenOff:]),
		origLen: order.Uint32(h[pcapOrigLenOff:]),
	}
}

// check returns why the record cannot be right, or "".
func (p pcapRecord) check() string {
	if p.capLen > MaxCapLen {
		return capLenReason(p.capLen)
	}
	return ""
}

func capLenReason(n uint32) string {
	return "it claims " + itoa(int64(n)) + " bytes of packet data, more than the " + itoa(MaxCapLen) +
		"-byte limit (no capture tool writes records this large; the length field is damaged)"
}

// fill sets f's fields from the record (all but Data, Number and Offset).
func (p pcapRecord) fill(f *Frame, ifs *ifaceTable) {
	f.Time = ifs.clocks[0].pcapTime(p.sec, p.frac)
	f.CapLen = int(p.capLen)
	f.OrigLen = int(p.origLen)
	f.Interface = 0
	f.LinkType = ifs.list[0].LinkType
	f.Comment = ""
}

// nextPcap reads one packet record. Per the draft, Captured Packet Length
// is normally at most both Original Packet Length and SnapLen, but files
// break both rules (fuzzed test captures, some writers), and tcpdump and
// Wireshark read them anyway, so this reader only bounds it by MaxCapLen.
func (r *Reader) nextPcap(f *Frame) error {
	start := r.in.off
	h, err := r.in.fetch(pcapRecordHeaderLen)
	if len(h) < pcapRecordHeaderLen {
		return r.short(err, start, pcapRecordName, pcapRecordHeaderLen, len(h), true, true)
	}
	p := parsePcapRecord(h, r.sections[0].order)
	if why := p.check(); why != "" {
		return r.corrupt(start, pcapRecordName, "%s", why)
	}
	want := pcapRecordHeaderLen + int(p.capLen)
	data, err := r.in.fetch(int(p.capLen))
	if len(data) < int(p.capLen) {
		return r.short(err, start, pcapRecordName, want, pcapRecordHeaderLen+len(data), true, false)
	}
	p.fill(f, &r.ifaces)
	if !r.skipData {
		f.Data = append(f.Data[:0], data...)
	} else {
		f.Data = f.Data[:0]
	}
	f.Offset = start
	r.recLen = want
	return nil
}
