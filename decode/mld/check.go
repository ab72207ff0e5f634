package mld

import (
	"net/netip"
	"strconv"

	"github.com/v6scope/v6scope/decode/dissect"
)

// Expert note codes (docs/mld.md lists them with their RFC sections).
const (
	NoteHopLimit         = "mld.hop_limit"
	NoteNoRouterAlert    = "mld.no_router_alert"
	NoteRouterAlertValue = "mld.router_alert_value"
	NoteSource           = "mld.source"
	NoteCode             = "mld.code"
	NoteGroup            = "mld.group_not_multicast"
	NoteReportDst        = "mld.report_destination"
	NoteShort            = "mld.short"
	NoteTruncated        = "mld.truncated"
	NoteQueryLength      = "mld.query_length"
	NoteRecordType       = "mld.record_type_unknown"
	NoteAdditional       = "mld.additional_data"
)

// check adds the expert notes for the rules an MLD receiver applies to the
// IPv6 header around the message and to the message's own fields. The
// invoking packet quoted by an ICMPv6 error is left alone: it is cut short
// on purpose and its header was rewritten on the way.
func (m *MLD) check(t *dissect.Tree, off int) {
	if m.ctx.InError {
		return
	}
	n := len(m.Contents)
	m.checkLength(t, off)
	if m.ctx.Src.Is6() {
		m.checkIP(t, off, n)
	}
	if m.Code != 0 {
		rfc, what := "RFC 2710 §3.2", "Code"
		switch {
		case m.Type == TypeReportV2:
			rfc, what = rfc3810RResv, "Reserved octet"
		case m.Version == 2:
			rfc = "RFC 3810 §5.1.1"
		}
		t.Note(dissect.Note{Severity: dissect.NoteSev, Code: NoteCode, Message: what + " is " + strconv.Itoa(int(m.Code)) + "; senders set it to 0 and receivers ignore it", RFC: rfc, Offset: off + codeOffset, Length: 1})
	}
	if m.Group.IsValid() && !m.Group.IsMulticast() {
		// RFC 2710 §3.6: zero in a General Query, else "a specific IPv6
		// multicast address"; likewise RFC 3810 §5.1.5.
		if m.Type != TypeQuery || !m.Group.IsUnspecified() {
			rfc := rfc2710Group
			if m.Version == 2 {
				rfc = rfc3810QGroup
			}
			msg := "Multicast Address " + m.Group.String() + " is not a multicast address"
			if m.Type == TypeQuery {
				msg += " (nor :: for a General Query)"
			}
			t.Note(dissect.Note{Severity: dissect.Error, Code: NoteGroup, Message: msg, RFC: rfc, Offset: off + groupOffset, Length: addrLen})
		}
	}
	if m.Type == TypeReport && m.Group.IsValid() && m.ctx.Dst.Is6() && m.Group != m.ctx.Dst {
		// RFC 2710 §8: a Report goes to "the multicast address being
		// reported". RFC 3810 §5.2.14 has MLDv2 nodes accept one sent to
		// any of their own addresses, hence a note, not a warning.
		t.Note(dissect.Note{Severity: dissect.NoteSev, Code: NoteReportDst, Message: "MLDv1 Report for " + m.Group.String() + " is sent to " + m.ctx.Dst.String() + ", not to the address it reports (an MLDv2 node still accepts it if that is one of its own addresses, RFC 3810 §5.2.14)", RFC: "RFC 2710 §8", Offset: off + groupOffset, Length: addrLen})
	}
	if len(m.Additional) > 0 {
		rfc := rfc2710Other
		switch {
		case m.Type == TypeReportV2:
			rfc = rfc3810RAdd
		case m.Version == 2:
			rfc = rfc3810QAdd
		}
		if m.Type == TypeQuery && m.Version == 1 {
			return // the query length note says it all
		}
		t.Note(dissect.Note{Severity: dissect.Chat, Code: NoteAdditional, Message: strconv.Itoa(len(m.Additional)) + " octets after the message's last field are ignored", RFC: rfc, Offset: t.At(m.Additional), Length: len(m.Additional)})
	}
}

// checkLength notes a message that ends before its fields do, and a Query
// whose length is neither MLDv1's nor MLDv2's.
func (m *MLD) checkLength(t *dissect.Tree, off int) {
	n := len(m.Contents)
	if m.Type == TypeQuery && n > v1Len && n < v2QueryMinLen {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: NoteQueryLength, Message: "Query is " + strconv.Itoa(n) + " octets long: neither MLDv1 (24) nor MLDv2 (28 or more); receivers ignore it. Shown as MLDv1", RFC: rfc3810Vers, Offset: off, Length: n})
	}
	if !m.Short {
		return
	}
	var want, rfc string
	switch {
	case m.Type == TypeReportV2:
		want, rfc = m.reportShortage(), rfc3810Report
	case m.Version == 2:
		want = "Number of Sources says " + strconv.Itoa(int(m.NumSources)) + " source addresses (" + strconv.Itoa(sourcesOffset+int(m.NumSources)*addrLen) + " octets in all)"
		rfc = rfc3810QNSrc
	default:
		want, rfc = "an MLD message has 24 octets", rfc2710
	}
	nt := dissect.Note{Severity: dissect.Error, Code: NoteShort, Message: "message ends after " + strconv.Itoa(n) + " octets, but " + want, RFC: rfc, Offset: off, Length: n, Malformed: true}
	if m.ctx.Truncated {
		nt.Severity, nt.Code, nt.Malformed = dissect.Warn, NoteTruncated, false
		nt.Message = "message is cut short in the capture after " + strconv.Itoa(n) + " octets; " + want
	}
	t.Note(nt)
}

// reportShortage says what a short MLDv2 Report lacks.
func (m *MLD) reportShortage() string {
	if len(m.Contents) < reportHeaderLen {
		return "an MLDv2 Report header has 8 octets"
	}
	if len(m.Records) == 0 || !m.Records[len(m.Records)-1].Short {
		return "Nr of Mcast Address Records says " + strconv.Itoa(int(m.NumRecords)) + " records, only " + strconv.Itoa(len(m.Records)) + " are present"
	}
	r := &m.Records[len(m.Records)-1]
	if !r.Group.IsValid() {
		return "record " + strconv.Itoa(len(m.Records)) + " needs a 20-octet header"
	}
	need := recHeaderLen + int(r.NumSources)*addrLen + int(r.AuxLen)*auxUnit
	return "record " + strconv.Itoa(len(m.Records)) + " needs " + strconv.Itoa(need) + " octets for its " + strconv.Itoa(int(r.NumSources)) + " sources and " + strconv.Itoa(int(r.AuxLen)*auxUnit) + " octets of auxiliary data"
}

// checkIP applies the rules on the IPv6 header that every MLD message
// shares: "All MLD messages described in this document are sent with a
// link-local IPv6 Source Address, an IPv6 Hop Limit of 1, and an IPv6
// Router Alert option in a Hop-by-Hop Options header" (RFC 2710 §3; RFC
// 3810 §5 says the same of MLDv2).
func (m *MLD) checkIP(t *dissect.Tree, off, n int) {
	rfc := rfc2710
	if m.Version == 2 {
		rfc = "RFC 3810 §5"
	}
	if hl := m.ctx.HopLimit; hl != 1 {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: NoteHopLimit, Message: "IPv6 Hop Limit is " + strconv.Itoa(int(hl)) + "; MLD messages are sent with Hop Limit 1, so that they never leave the link", RFC: rfc, Offset: off, Length: n})
	}
	switch {
	case !m.ctx.RouterAlert:
		t.Note(dissect.Note{Severity: dissect.Warn, Code: NoteNoRouterAlert, Message: "no Router Alert option in a Hop-by-Hop Options header; routers not listening to the address may not see the message", RFC: rfc, Offset: off, Length: n})
	case m.ctx.RouterAlertValue != 0:
		t.Note(dissect.Note{Severity: dissect.Warn, Code: NoteRouterAlertValue, Message: "Router Alert value is " + strconv.Itoa(int(m.ctx.RouterAlertValue)) + ", not 0 (Multicast Listener Discovery message)", RFC: "RFC 2711 §2.1", Offset: off, Length: n})
	}
	m.checkSource(t, off, n, m.ctx.Src)
}

// checkSource notes a source address an MLD receiver discards.
func (m *MLD) checkSource(t *dissect.Tree, off, n int, src netip.Addr) {
	if src.IsLinkLocalUnicast() {
		return
	}
	var rfc, msg string
	switch m.Type {
	case TypeReportV2:
		// RFC 3810 §5.2.13: a link-local source, or :: "if the sending
		// interface has not acquired a valid link-local address yet".
		if src.IsUnspecified() {
			return
		}
		rfc, msg = "RFC 3810 §5.2.13", "an MLDv2 Report is sent from a link-local address, or from :: before the interface has one"
	case TypeReport:
		// RFC 3590 §4 (updating RFC 2710): Reports use :: while no valid
		// link-local address is available.
		if src.IsUnspecified() {
			return
		}
		rfc, msg = "RFC 3590 §4", "an MLDv1 Report is sent from a link-local address, or from :: before the interface has one"
	case TypeQuery:
		// RFC 3810 §5.1.14: a Query from :: or any address that is not
		// link-local is silently discarded.
		rfc, msg = "RFC 3810 §5.1.14", "a Query must come from a link-local address; receivers discard any other"
		if m.Version == 1 {
			rfc = rfc2710
		}
	default:
		rfc, msg = rfc2710, "MLD messages are sent from a link-local address"
	}
	t.Note(dissect.Note{Severity: dissect.Warn, Code: NoteSource, Message: "source " + src.String() + " is not link-local: " + msg, RFC: rfc, Offset: off, Length: n})
}

// checkRecord notes a record whose type or address breaks RFC 3810 §5.2.
func (m *MLD) checkRecord(t *dissect.Tree, at int, r *Record) {
	if m.ctx.InError {
		return
	}
	if r.Type == 0 || r.Type > maxKnownRecordType {
		// RFC 3810 §5.2.12: unrecognized Record Type values MUST be
		// silently ignored.
		t.Note(dissect.Note{Severity: dissect.Warn, Code: NoteRecordType, Message: "Record Type " + strconv.Itoa(int(r.Type)) + " is not one of the six RFC 3810 defines; receivers ignore the record", RFC: rfc3810Types, Offset: at + recTypeOffset, Length: 1})
	}
	if r.Group.IsValid() && !r.Group.IsMulticast() {
		t.Note(dissect.Note{Severity: dissect.Error, Code: NoteGroup, Message: "record's Multicast Address " + r.Group.String() + " is not a multicast address", RFC: rfc3810RGroup, Offset: at + recGroupOffset, Length: addrLen})
	}
}
