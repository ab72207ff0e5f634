package mip6

import (
	"strconv"

	"github.com/v6scope/v6scope/decode/dissect"
)

// notes adds the expert notes of the header and its message.
func (m *Mobility) notes(t *dissect.Tree, off int) {
	n := len(m.Contents)
	if m.obsolete {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "mip6.obsolete_proto", Message: "Mobility Header under next header 62, the value of the early Mobile IPv6 drafts; RFC 6275 assigns 135", RFC: rfcMH, Offset: off, Length: n})
	}
	want := (int(m.HeaderLen) + 1) * unit
	switch {
	case m.tooLong:
		t.Note(dissect.Note{Severity: dissect.Error, Code: "mip6.too_long", Message: "Header Len says the Mobility Header is " + strconv.Itoa(want) + " bytes; only " + strconv.Itoa(n) + " are left in the packet", RFC: rfcMH, Offset: off + hlenOffset, Length: 1, Malformed: true})
	case m.cut && !m.quoted:
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "mip6.truncated", Message: "Mobility Header cut short in the capture (" + strconv.Itoa(n) + " of " + strconv.Itoa(want) + " bytes); its options are not decoded", RFC: rfcMH, Offset: off, Length: n})
	}
	if m.short {
		// RFC 6275 §9.2: a Header Len smaller than the type's length makes
		// the receiver discard the message and send a Parameter Problem.
		t.Note(dissect.Note{Severity: dissect.Error, Code: "mip6.hlen_short", Message: "Header Len " + strconv.Itoa(int(m.HeaderLen)) + " is too small for a " + infoLabels[m.Type] + " (" + strconv.Itoa(dataOffset+m.fixedLen) + " bytes before its options)", RFC: "RFC 6275 §9.2", Offset: off + hlenOffset, Length: 1, Malformed: true})
	}
	if m.PayloadProto != NoNextHeader && !m.cut {
		t.Note(dissect.Note{Severity: dissect.NoteSev, Code: "mip6.payload_proto", Message: "Payload Proto is " + strconv.Itoa(int(m.PayloadProto)) + "; senders set 59 (no next header): nothing may follow a Mobility Header yet", RFC: rfcMH, Offset: off + protoOffset, Length: 1})
	}
	if m.csumStatus == dissect.ChecksumBad {
		t.Note(dissect.Note{Severity: dissect.Error, Code: "mip6.checksum.bad", Message: "bad Mobility Header checksum " + dissect.HexValue(uint64(m.Checksum), 4) + ", should be " + dissect.HexValue(uint64(m.csumWant), 4) + " (pseudo-header: " + m.pseudoText() + ")", RFC: rfcMH, Offset: off + csumOffset, Length: 2})
	}
	if m.quoted || !m.capturedFix {
		return
	}
	at := off + dataOffset
	switch m.Type {
	case TypeBU:
		if m.Flags&BUFlagH != 0 && !m.HoA.IsValid() {
			t.Note(dissect.Note{Severity: dissect.Warn, Code: "mip6.bu.no_home_address", Message: "home registration (H flag) without a Home Address option: the home agent cannot tell which home address to bind", RFC: "RFC 6275 §11.7.1", Offset: off, Length: n})
		}
		if m.Flags&BUFlagH != 0 && m.Lifetime == 0 {
			t.Note(dissect.Note{Severity: dissect.NoteSev, Code: "mip6.bu.deregistration", Message: "home registration with lifetime 0: the mobile node deregisters (it is at home, or gives up its binding)", RFC: "RFC 6275 §11.5.4", Offset: at + buLifeOff, Length: 2})
		}
	case TypeBA:
		switch {
		case BAStatusName(uint64(m.Status)) == "":
			t.Note(dissect.Note{Severity: dissect.Warn, Code: "mip6.ba.status_unknown", Message: "Binding Acknowledgement status " + strconv.Itoa(int(m.Status)) + " is not in the IANA registry", RFC: rfcBA, Offset: at + baStatOff, Length: 1})
		case m.Status >= baRejected:
			t.Note(dissect.Note{Severity: dissect.NoteSev, Code: "mip6.ba.rejected", Message: "Binding Update rejected: " + BAStatusName(uint64(m.Status)) + " (" + strconv.Itoa(int(m.Status)) + ")", RFC: rfcBA, Offset: at + baStatOff, Length: 1})
		}
	case TypeBE:
		if BEStatusName(uint64(m.Status)) == "" {
			t.Note(dissect.Note{Severity: dissect.Warn, Code: "mip6.be.status_unknown", Message: "Binding Error status " + strconv.Itoa(int(m.Status)) + " is not in the IANA registry", RFC: rfcBE, Offset: at + beStatOff, Length: 1})
		}
	}
}

// baRejected is the first status that rejects a Binding Update (RFC 6275
// §6.1.8: "Values of the Status field less than 128 indicate that the
// Binding Update was accepted").
const baRejected = 128

func (m *Mobility) pseudoText() string {
	src, dst := m.PseudoAddrs()
	return src.String() + " → " + dst.String()
}
