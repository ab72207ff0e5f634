package mld

import (
	"net/netip"
	"strconv"

	"github.com/v6scope/v6scope/decode/dissect"
)

// MLDv2 Report (RFC 3810 §5.2):
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Type = 143   |    Reserved   |           Checksum            |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           Reserved            |Nr of Mcast Address Records (M)|
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                  Multicast Address Record [1]                 |
//	.                              ...                              .
//	|                  Multicast Address Record [M]                 |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Each Multicast Address Record (RFC 3810 §5.2.4):
//
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Record Type  |  Aux Data Len |     Number of Sources (N)     |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                  Multicast Address (16 octets)                |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           Source Address [1] ... Source Address [N]           |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|           Auxiliary Data (Aux Data Len 32-bit words)          |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
const (
	reportReservedOffset = 4 // RFC 3810 §5.2.1
	numRecordsOffset     = 6 // RFC 3810 §5.2.3
	numRecordsLen        = 2 //
	recordsOffset        = 8 // RFC 3810 §5.2.4
	reportHeaderLen      = 8

	recTypeOffset       = 0  // RFC 3810 §5.2.5
	recAuxLenOffset     = 1  // RFC 3810 §5.2.6
	recNumSourcesOffset = 2  // RFC 3810 §5.2.7
	recNumSourcesLen    = 2  //
	recGroupOffset      = 4  // RFC 3810 §5.2.8
	recSourcesOffset    = 20 // RFC 3810 §5.2.9
	recHeaderLen        = 20
	auxUnit             = 4 // RFC 3810 §5.2.6: Aux Data Len counts 32-bit words
)

// Multicast Address Record types (RFC 3810 §5.2.12).
const (
	ModeIsInclude        = 1 // Current State Record: listening to the sources listed
	ModeIsExclude        = 2 // Current State Record: listening to all sources but those listed
	ChangeToIncludeMode  = 3 // Filter Mode Change Record
	ChangeToExcludeMode  = 4 // Filter Mode Change Record
	AllowNewSources      = 5 // Source List Change Record
	BlockOldSources      = 6 // Source List Change Record
	maxKnownRecordType   = BlockOldSources
	recordLabelPrefix    = "Multicast Address Record "
	unknownRecordTypeFmt = "Unknown Record Type ("
)

// RecordTypeName names a record type as tshark does ("Include",
// "Changed to exclude"), or "" when it has no name.
func RecordTypeName(v uint64) string {
	switch v {
	case ModeIsInclude:
		return "Include"
	case ModeIsExclude:
		return "Exclude"
	case ChangeToIncludeMode:
		return "Changed to include"
	case ChangeToExcludeMode:
		return "Changed to exclude"
	case AllowNewSources:
		return "Allow new sources"
	case BlockOldSources:
		return "Block old sources"
	}
	return ""
}

// recordLabels are the tree labels of the records, built once so that a
// dissection does not allocate: "Multicast Address Record Include".
var recordLabels = func() (l [256]string) {
	for i := range l {
		name := RecordTypeName(uint64(i))
		if name == "" {
			name = unknownRecordTypeFmt + strconv.Itoa(i) + ")"
		}
		l[i] = recordLabelPrefix + name
	}
	return l
}()

// Record is one Multicast Address Record of an MLDv2 Report.
type Record struct {
	Type       uint8
	AuxLen     uint8 // Aux Data Len, in 32-bit words
	NumSources uint16
	Group      netip.Addr // the zero Addr when the message ends before it
	// Sources holds the source addresses present; fewer than NumSources
	// when the message ends early.
	Sources []netip.Addr
	// Aux is the Auxiliary Data, nil unless all of it is present.
	Aux []byte
	// Short is set when the message ends inside the record.
	Short bool

	offset int // of the record within the message
	length int // bytes of the record present
	first  int // index of its first source in MLD.recSources
}

// decodeReportV2 decodes an MLDv2 Report: the records the Nr of Mcast
// Address Records field announces (RFC 3810 §5.2.3), as far as the message
// holds them.
func (m *MLD) decodeReportV2(data []byte) {
	if has(data, reportReservedOffset, 2) {
		m.Reserved = be16(data, reportReservedOffset)
	}
	if !has(data, numRecordsOffset, numRecordsLen) {
		m.Short = true
		return
	}
	m.NumRecords = be16(data, numRecordsOffset)
	off := recordsOffset
	for range int(m.NumRecords) {
		if off >= len(data) {
			m.Short = true
			break
		}
		r := m.decodeRecord(data[off:])
		r.offset = off
		m.Records = append(m.Records, r)
		off += r.length
		if r.Short {
			m.Short = true
			break
		}
	}
	// The records' Sources alias recSources, which is final only now.
	for i := range m.Records {
		r := &m.Records[i]
		r.Sources = m.recSources[r.first : r.first+len(r.Sources)]
	}
	// RFC 3810 §5.2.11: octets beyond the last record are counted in the
	// checksum and otherwise ignored.
	if !m.Short && off < len(data) {
		m.Additional = data[off:]
	}
}

// decodeRecord decodes the record at the start of b. Its Sources field is
// set to the right length only; decodeReportV2 points it into recSources.
func (m *MLD) decodeRecord(b []byte) Record {
	r := Record{first: len(m.recSources), length: len(b)}
	if len(b) < recHeaderLen {
		r.Short = true
		r.Type = b[recTypeOffset]
		if has(b, recAuxLenOffset, 1) {
			r.AuxLen = b[recAuxLenOffset]
		}
		if has(b, recNumSourcesOffset, recNumSourcesLen) {
			r.NumSources = be16(b, recNumSourcesOffset)
		}
		return r
	}
	r.Type = b[recTypeOffset]
	r.AuxLen = b[recAuxLenOffset]
	r.NumSources = be16(b, recNumSourcesOffset)
	r.Group = addr(b, recGroupOffset)
	// Check count × size against the length once, then read.
	n := int(r.NumSources)
	if room := (len(b) - recSourcesOffset) / addrLen; n > room {
		n, r.Short = room, true
	}
	for i := range n {
		m.recSources = append(m.recSources, addr(b, recSourcesOffset+i*addrLen))
	}
	r.Sources = m.recSources[r.first:len(m.recSources)]
	if r.Short {
		return r
	}
	auxStart := recSourcesOffset + n*addrLen
	auxEnd := auxStart + int(r.AuxLen)*auxUnit
	if auxEnd > len(b) {
		r.Short = true
		return r
	}
	if r.AuxLen > 0 {
		r.Aux = b[auxStart:auxEnd]
	}
	r.length = auxEnd
	return r
}

// dissectReportV2 adds the fields of an MLDv2 Report.
func (m *MLD) dissectReportV2(t *dissect.Tree, off int) {
	b := m.Contents
	if has(b, reportReservedOffset, 2) {
		t.Bytes(fReserved, off+reportReservedOffset, 2, b[reportReservedOffset:reportReservedOffset+2])
	}
	if !has(b, numRecordsOffset, numRecordsLen) {
		return
	}
	t.Uint(fNumRecords, off+numRecordsOffset, numRecordsLen, uint64(m.NumRecords))
	for i := range m.Records {
		m.dissectRecord(t, off, &m.Records[i])
	}
}

func (m *MLD) dissectRecord(t *dissect.Tree, msgOff int, r *Record) {
	at := msgOff + r.offset
	label := recordLabelPrefix[:len(recordLabelPrefix)-1] // "Multicast Address Record"
	if r.Group.IsValid() {
		label = recordLabels[r.Type]
	}
	t.Push(fRecord, at, r.length).Label = label
	t.Uint(fRecType, at+recTypeOffset, 1, uint64(r.Type))
	if r.length > recAuxLenOffset {
		t.Uint(fAuxLen, at+recAuxLenOffset, 1, uint64(r.AuxLen))
	}
	if r.length >= recNumSourcesOffset+recNumSourcesLen {
		t.Uint(fRecNumSrc, at+recNumSourcesOffset, recNumSourcesLen, uint64(r.NumSources))
	}
	if r.Group.IsValid() {
		t.Addr(fRecGroup, at+recGroupOffset, addrLen, r.Group)
	}
	for i, a := range r.Sources {
		t.Addr(fRecSource, at+recSourcesOffset+i*addrLen, addrLen, a)
	}
	if r.Aux != nil {
		t.Bytes(fAuxData, at+recSourcesOffset+len(r.Sources)*addrLen, len(r.Aux), r.Aux)
	}
	m.checkRecord(t, at, r)
	t.Pop()
}
