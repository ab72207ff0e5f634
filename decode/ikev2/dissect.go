package ikev2

import (
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/v6scope/v6scope/decode/dissect"
)

// span places a payload's bytes in the frame: base is the frame offset of
// the payload's first byte. Bytes that are not in the frame (a message
// reassembled from fragments) point at anchor with length 0.
type span struct {
	base   int
	mapped bool
}

func (s span) at(rel, n int) (int, int) {
	if !s.mapped {
		return s.base, 0
	}
	return s.base + rel, n
}

// inner returns the span of a structure rel bytes into s. Bytes that are not
// the frame's own (decrypted ones) keep pointing at s's start.
func (s span) inner(rel int) span {
	if !s.mapped {
		return s
	}
	return span{base: s.base + rel, mapped: true}
}

// payloadLabels are the tree labels of Notify payloads, with the type's
// name after them as tshark shows it; built once.
var payloadLabels = func() map[uint16]string {
	m := make(map[uint16]string, len(notifyNames))
	for v, n := range notifyNames {
		m[uint16(v)] = "Payload: Notify (41) - " + n
	}
	return m
}()

// Dissect implements dissect.Layer.
func (m *ISAKMP) Dissect(t *dissect.Tree) {
	off := t.At(m.Contents)
	t.Push(fISAKMP, off, len(m.msg))
	if len(m.msg) < HeaderLen {
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.truncated", Message: "ISAKMP message of " + strconv.Itoa(len(m.msg)) + " bytes: the header alone needs 28", RFC: rfcHeader, Offset: off, Length: len(m.msg), Malformed: true})
		t.Pop()
		return
	}
	d := m.msg
	t.Bytes(fISPI, off+ispiOff, spiLen, d[ispiOff:ispiOff+spiLen])
	t.Bytes(fRSPI, off+rspiOff, spiLen, d[rspiOff:rspiOff+spiLen])
	t.Uint(fNext, off+nextOff, 1, uint64(m.NextPayload))
	t.Uint(fVersion, off+versionOff, 1, uint64(m.Version))
	t.Uint(fMjVer, off+versionOff, 1, uint64(m.Version>>4))
	t.Uint(fMnVer, off+versionOff, 1, uint64(m.Version&0xf))
	v := m.MajorVersion()
	if v == 1 {
		t.Uint(fV1, off+versionOff, 1, 1)
	}
	known := v == 1 || v == 2
	if known {
		t.Uint(fExchange, off+exchangeOff, 1, uint64(m.Exchange))
	}
	t.Push(fFlags, off+flagsOff, 1).U = uint64(m.Flags)
	if !known {
		// Another version's flags mean something else; tshark shows only
		// the byte, and so does v6scope.
	} else if v == 1 {
		t.Uint(fFlagE, off+flagsOff, 1, b2u(m.Flags&flagV1Encrypt != 0))
		t.Uint(fFlagC, off+flagsOff, 1, b2u(m.Flags&flagV1Commit != 0))
		t.Uint(fFlagA, off+flagsOff, 1, b2u(m.Flags&flagV1Auth != 0))
	} else {
		t.Uint(fFlagI, off+flagsOff, 1, b2u(m.Initiator()))
		t.Uint(fFlagV, off+flagsOff, 1, b2u(m.Flags&flagVersion != 0))
		t.Uint(fFlagR, off+flagsOff, 1, b2u(m.Response()))
	}
	t.Pop()
	t.Uint(fMsgID, off+msgIDOff, 4, uint64(m.MessageID))
	t.Uint(fLength, off+lengthOff, 4, uint64(m.Length))
	m.headerNotes(t, off)
	if v == 1 && m.Flags&flagV1Encrypt != 0 && len(d) > HeaderLen {
		t.Bytes(fEncBody, off+HeaderLen, len(d)-HeaderLen, d[HeaderLen:])
	}
	for i := 0; i < len(m.Payloads); i++ {
		p := &m.Payloads[i]
		if p.Inner {
			continue // shown inside the Encrypted payload
		}
		m.dissectPayload(t, p, span{base: off + p.rel, mapped: true}, off)
	}
	if len(m.trailing) > 0 {
		at := t.At(m.trailing)
		t.Bytes(fExtraData, at, len(m.trailing), m.trailing)
		code, msg := "isakmp.trailing", strconv.Itoa(len(m.trailing))+" bytes after the last payload (Next Payload 0) within the message length"
		if m.afterSK {
			code, msg = "isakmp.after_encrypted", strconv.Itoa(len(m.trailing))+" bytes after the Encrypted payload, which must be the last payload of a message"
		}
		t.Note(dissect.Note{Severity: dissect.Warn, Code: code, Message: msg, RFC: rfcSK, Offset: at, Length: len(m.trailing)})
	}
	if m.endsEarly {
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.payload.overrun", Message: "the payload chain names a " + payloadWhat(&Payload{Type: m.endsNext, reserved: v == 1}) + " after the last byte of the message: the chain overruns the message", RFC: rfcGeneric, Offset: off + len(m.msg), Length: 0, Malformed: true})
	}
	if m.tooMany {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "isakmp.too_many_payloads", Message: "more than " + strconv.Itoa(maxPayloads) + " payloads: v6scope stops walking the chain here", RFC: rfcGeneric, Offset: off, Length: len(m.msg)})
	}
	t.Pop()
}

func (m *ISAKMP) headerNotes(t *dissect.Tree, off int) {
	switch {
	case m.short:
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.length.bad", Message: "Length " + strconv.FormatUint(uint64(m.Length), 10) + " is shorter than the 28-byte header", RFC: rfcHeader, Offset: off + lengthOff, Length: 4, Malformed: true})
	case m.truncated:
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.length.bad", Message: "Length " + strconv.FormatUint(uint64(m.Length), 10) + " is more than the " + strconv.Itoa(len(m.msg)) + " bytes the datagram holds", RFC: rfcHeader, Offset: off + lengthOff, Length: 4})
	case len(m.extra) > 0:
		at := t.At(m.extra)
		t.Bytes(fExtraData, at, len(m.extra), m.extra)
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "isakmp.length.short", Message: "Length " + strconv.FormatUint(uint64(m.Length), 10) + " leaves " + strconv.Itoa(len(m.extra)) + " bytes of the datagram outside the message", RFC: rfcHeader, Offset: at, Length: len(m.extra)})
	}
	switch v := m.MajorVersion(); v {
	case 1:
		t.Note(dissect.Note{Severity: dissect.NoteSev, Code: "isakmp.ikev1", Message: "IKEv1 message (major version 1, RFC 2409): v6scope shows its header and payload chain only", RFC: rfcV1, Offset: off + versionOff, Length: 1})
	case 2:
	default:
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "isakmp.version.unknown", Message: "major version " + strconv.Itoa(int(v)) + ": neither IKEv1 nor IKEv2; a responder answers INVALID_MAJOR_VERSION", RFC: "RFC 7296 §2.5", Offset: off + versionOff, Length: 1})
	}
}

// dissectPayload adds one payload: its generic header, then its body by
// type. s places the payload's bytes in the frame; msgOff is the frame
// offset of the message.
func (m *ISAKMP) dissectPayload(t *dissect.Tree, p *Payload, s span, msgOff int) {
	o, n := s.at(0, len(p.Data))
	node := t.Push(fPayload, o, n)
	node.U = uint64(p.Type)
	if p.reserved {
		node.Info = fV1Payload
	}
	if p.Type == PayloadNotify && len(p.Data) >= genericLen+notifyFixed {
		node.Label = payloadLabels[binary.BigEndian.Uint16(p.Data[genericLen+notifyTypeOff:])]
	}
	defer t.Pop()
	if len(p.Data) < genericLen {
		o, n := s.at(0, len(p.Data))
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.payload.truncated", Message: payloadWhat(p) + ": only " + strconv.Itoa(len(p.Data)) + " bytes left for its 4-byte generic header: the chain overruns the message", RFC: rfcGeneric, Offset: o, Length: n, Malformed: true})
		return
	}
	o, n = s.at(genNextOff, 1)
	t.Uint(fNext, o, n, uint64(p.Next))
	o, n = s.at(genFlagsOff, 1)
	if !p.reserved {
		t.Uint(fCritical, o, n, b2u(p.Critical()))
		t.Uint(fReserved7, o, n, uint64(p.Flags&^criticalBit))
	}
	lo, ln := s.at(genLenOff, 2)
	t.Uint(fPayloadLen, lo, ln, uint64(p.Length))
	switch p.problem {
	case probBadLen:
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.payload.length_bad", Message: payloadWhat(p) + ": Payload Length " + strconv.Itoa(p.Length) + " is shorter than the 4-byte generic header", RFC: rfcGeneric, Offset: lo, Length: ln, Malformed: true})
		return
	case probOverrun:
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.payload.overrun", Message: payloadWhat(p) + ": Payload Length " + strconv.Itoa(p.Length) + " runs past the message (" + strconv.Itoa(len(p.Data)) + " bytes left): the chain overruns the message", RFC: rfcGeneric, Offset: lo, Length: ln, Malformed: true})
		return
	case probCritical:
		o, n := s.at(genFlagsOff, 1)
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.payload.unknown_critical", Message: "unknown payload type " + strconv.Itoa(int(p.Type)) + " with the critical bit set: the receiver must reject the message with UNSUPPORTED_CRITICAL_PAYLOAD", RFC: rfcCritical, Offset: o, Length: n})
	}
	if p.reserved {
		return
	}
	body := p.Body()
	bs := s.inner(genericLen)
	switch p.Type {
	case PayloadSA:
		dissectSA(t, bs, body)
	case PayloadKE:
		dissectKE(t, bs, body)
	case PayloadIDi, PayloadIDr:
		m.dissectID(t, bs, body)
	case PayloadCERT:
		m.dissectCert(t, bs, body)
	case PayloadCERTREQ:
		dissectCertReq(t, bs, body)
	case PayloadAUTH:
		dissectAuth(t, bs, body)
	case PayloadNonce:
		o, n := bs.at(0, len(body))
		t.Bytes(fNonce, o, n, body)
		if len(body) < 16 || len(body) > 256 {
			t.Note(dissect.Note{Severity: dissect.Warn, Code: "isakmp.nonce.size", Message: "Nonce of " + strconv.Itoa(len(body)) + " bytes: it must be 16 to 256 bytes", RFC: rfcNonce, Offset: o, Length: n})
		}
	case PayloadNotify:
		dissectNotify(t, bs, body)
	case PayloadDelete:
		dissectDelete(t, bs, body)
	case PayloadVendor:
		o, n := bs.at(0, len(body))
		t.Bytes(fVIDBytes, o, n, body)
		t.String(fVIDString, o, n, VendorName(body))
	case PayloadTSi, PayloadTSr:
		dissectTS(t, bs, body)
	case PayloadCP:
		dissectCP(t, bs, body)
	case PayloadEAP:
		dissectEAP(t, bs, body)
	case PayloadSK, PayloadSKF:
		m.dissectEncrypted(t, p, bs, body, msgOff)
	default:
		if len(body) > 0 {
			o, n := bs.at(0, len(body))
			t.Bytes(fPayloadData, o, n, body)
		}
	}
}

func payloadWhat(p *Payload) string {
	name := payloadNames[uint64(p.Type)]
	if p.reserved {
		name = payloadNamesV1[uint64(p.Type)]
	}
	if name == "" {
		name = dissect.Unknown(uint64(p.Type))
	}
	return name + " payload"
}

func b2u(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// lengthNote flags a payload body too short for its fixed part.
func lengthNote(t *dissect.Tree, s span, what string, need, have int, rfc string) {
	o, n := s.at(0, have)
	t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.payload.too_short", Message: what + " needs " + strconv.Itoa(need) + " bytes, the payload holds " + strconv.Itoa(have), RFC: rfc, Offset: o, Length: n, Malformed: true})
}

// Security Association payload (RFC 7296 §3.3): proposals, each with
// transforms, each with attributes.
//
//	Proposal:  | 0 (last) or 2 | RESERVED | Proposal Length |
//	           | Proposal Num  | Protocol ID | SPI Size | Num Transforms |
//	           ~ SPI (variable) ~  ~ Transforms ~
//	Transform: | 0 (last) or 3 | RESERVED | Transform Length |
//	           | Transform Type | RESERVED | Transform ID |  ~ Attributes ~
const (
	propFixed   = 8
	propNumOff  = 4
	propProtOff = 5
	propSPISize = 6
	propNXOff   = 7
	xfFixed     = 8
	xfTypeOff   = 4
	xfIDOff     = 6
	attrFixed   = 4
	attrTV      = 0x8000
)

// openSub pushes a proposal or transform substructure (kind) found at the
// start of rest and adds the header they share: Last Substruc, RESERVED and
// Length (RFC 7296 §3.3.1, §3.3.2). It returns the structure's length, or
// ok false after a note (and with nothing left pushed) when the structure
// is shorter than fixed or does not fit in what is left of within.
func openSub(t *dissect.Tree, ss span, rest []byte, kind uint64, fixed int, what, within, rfc string) (length int, ok bool) {
	if len(rest) < fixed {
		lengthNote(t, ss, what, fixed, len(rest), rfc)
		return 0, false
	}
	length = int(binary.BigEndian.Uint16(rest[genLenOff:]))
	o, n := ss.at(0, min(length, len(rest)))
	t.Push(fPayload, o, n).U = kind
	o, n = ss.at(0, 1)
	t.Uint(fNext, o, n, uint64(rest[0]))
	o, n = ss.at(1, 1)
	t.Bytes(fReserved, o, n, rest[1:2])
	lo, ln := ss.at(genLenOff, 2)
	t.Uint(fPayloadLen, lo, ln, uint64(length))
	if length < fixed || length > len(rest) {
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.payload.length_bad", Message: what + " Length " + strconv.Itoa(length) + " does not fit the " + strconv.Itoa(len(rest)) + " bytes left in the " + within, RFC: rfc, Offset: lo, Length: ln, Malformed: true})
		t.Pop()
		return 0, false
	}
	return length, true
}

func dissectSA(t *dissect.Tree, s span, b []byte) {
	pos := 0
	for pos < len(b) {
		rest := b[pos:]
		ps := s.inner(pos)
		plen, ok := openSub(t, ps, rest, PayloadProposal, propFixed, "Proposal", "SA payload", rfcProposal)
		if !ok {
			return
		}
		p := rest[:plen]
		o, n := ps.at(propNumOff, 1)
		t.Uint(fPropNumber, o, n, uint64(p[propNumOff]))
		o, n = ps.at(propProtOff, 1)
		t.Uint(fPropProto, o, n, uint64(p[propProtOff]))
		o, n = ps.at(propSPISize, 1)
		t.Uint(fSPISize, o, n, uint64(p[propSPISize]))
		o, n = ps.at(propNXOff, 1)
		t.Uint(fPropXforms, o, n, uint64(p[propNXOff]))
		at := propFixed
		if sz := int(p[propSPISize]); sz > 0 {
			if at+sz > len(p) {
				lengthNote(t, ps, "Proposal with its SPI", at+sz, len(p), rfcProposal)
				t.Pop()
				return
			}
			o, n = ps.at(at, sz)
			t.Bytes(fSPI, o, n, p[at:at+sz])
			at += sz
		}
		dissectTransforms(t, ps, p, at)
		t.Pop()
		pos += plen
		if rest[0] == 0 {
			break
		}
	}
	if pos < len(b) {
		o, n := s.at(pos, len(b)-pos)
		t.Bytes(fExtraData, o, n, b[pos:])
	}
}

func dissectTransforms(t *dissect.Tree, ps span, p []byte, at int) {
	for at < len(p) {
		rest := p[at:]
		xs := ps.inner(at)
		xlen, ok := openSub(t, xs, rest, PayloadXform, xfFixed, "Transform", "proposal", rfcXform)
		if !ok {
			return
		}
		x := rest[:xlen]
		typ := x[xfTypeOff]
		o, n := xs.at(xfTypeOff, 1)
		t.Uint(fXformType, o, n, uint64(typ))
		o, n = xs.at(xfTypeOff+1, 1)
		t.Bytes(fReserved, o, n, x[xfTypeOff+1:xfTypeOff+2])
		id := uint64(binary.BigEndian.Uint16(x[xfIDOff:]))
		o, n = xs.at(xfIDOff, 2)
		switch typ {
		case xformENCR:
			t.Uint(fXformEncr, o, n, id)
		case xformPRF:
			t.Uint(fXformPRF, o, n, id)
		case xformINTG:
			t.Uint(fXformInteg, o, n, id)
		case xformDH:
			t.Uint(fXformDH, o, n, id)
		case xformESN:
			t.Uint(fXformESN, o, n, id)
		default:
			t.Uint(fXformID, o, n, id)
		}
		if typ == xformDH && weakGroups[uint16(id)] {
			t.Note(dissect.Note{Severity: dissect.Warn, Code: "isakmp.dh.weak", Message: "Diffie-Hellman group " + strconv.FormatUint(id, 10) + " (" + dhNames[id] + ") is too weak to use", RFC: "RFC 8247 §2.4", Offset: o, Length: n})
		}
		dissectAttrs(t, xs, x, xfFixed)
		t.Pop()
		at += xlen
		if rest[0] == 0 {
			break
		}
	}
}

// dissectAttrs shows transform attributes (RFC 7296 §3.3.5):
// |A| Attribute Type | AF=0: Attribute Length, then value; AF=1: value.
func dissectAttrs(t *dissect.Tree, xs span, x []byte, at int) {
	for at < len(x) {
		rest := x[at:]
		as := xs.inner(at)
		if len(rest) < attrFixed {
			lengthNote(t, as, "Transform attribute", attrFixed, len(rest), rfcAttr)
			return
		}
		tf := binary.BigEndian.Uint16(rest)
		tv := tf&attrTV != 0
		typ := uint64(tf &^ attrTV)
		size := attrFixed
		var val []byte
		if tv {
			val = rest[2:4]
		} else {
			l := int(binary.BigEndian.Uint16(rest[2:]))
			if attrFixed+l > len(rest) {
				lengthNote(t, as, "Transform attribute", attrFixed+l, len(rest), rfcAttr)
				return
			}
			val = rest[attrFixed : attrFixed+l]
			size += l
		}
		o, n := as.at(0, size)
		t.Push(fAttr, o, n)
		o, n = as.at(0, 2)
		t.Uint(fAttrFormat, o, n, b2u(tv))
		t.Uint(fAttrType, o, n, typ)
		if !tv {
			o, n = as.at(2, 2)
			t.Uint(fAttrLength, o, n, uint64(len(val)))
		}
		vo, vn := as.at(size-len(val), len(val))
		t.Bytes(fAttrValue, vo, vn, val)
		if typ == 14 && len(val) == 2 {
			t.Uint(fAttrKeyLen, vo, vn, uint64(binary.BigEndian.Uint16(val)))
		}
		t.Pop()
		at += size
	}
}

// Key Exchange payload (RFC 7296 §3.4): | DH Group # | RESERVED | data.
const keFixed = 4

func dissectKE(t *dissect.Tree, s span, b []byte) {
	if len(b) < keFixed {
		lengthNote(t, s, "Key Exchange payload", keFixed, len(b), rfcKE)
		return
	}
	o, n := s.at(0, 2)
	t.Uint(fKEGroup, o, n, uint64(binary.BigEndian.Uint16(b)))
	o, n = s.at(2, 2)
	t.Bytes(fReserved, o, n, b[2:4])
	o, n = s.at(keFixed, len(b)-keFixed)
	t.Bytes(fKEData, o, n, b[keFixed:])
}

// Identification payload (RFC 7296 §3.5): | ID Type | RESERVED (3) | data.
const idFixed = 4

func (m *ISAKMP) dissectID(t *dissect.Tree, s span, b []byte) {
	if len(b) < idFixed {
		lengthNote(t, s, "Identification payload", idFixed, len(b), rfcID)
		return
	}
	typ := b[0]
	o, n := s.at(0, 1)
	t.Uint(fIDType, o, n, uint64(typ))
	o, n = s.at(1, 3)
	t.Bytes(fReserved, o, n, b[1:4])
	data := b[idFixed:]
	do, dn := s.at(idFixed, len(data))
	t.Push(fIDData, do, dn)
	defer t.Pop()
	switch typ {
	case idIPv4:
		if len(data) == 4 {
			t.Addr(fIDIPv4, do, dn, netip.AddrFrom4([4]byte(data)))
			return
		}
	case idIPv6:
		if len(data) == 16 {
			t.Addr(fIDIPv6, do, dn, netip.AddrFrom16([16]byte(data)))
			return
		}
	case idFQDN:
		t.Bytes(fIDFQDN, do, dn, data)
		return
	case idRFC:
		t.Bytes(fIDRFC822, do, dn, data)
		return
	case idKeyID:
		t.Bytes(fIDKeyID, do, dn, data)
		return
	case idDN:
		if dn, ok := m.names.readableDN(data); ok {
			o, n := s.at(idFixed, len(data))
			t.String(fIDDN, o, n, dn)
			return
		}
	case idNull:
		if len(data) == 0 {
			return
		}
	}
	if len(data) > 0 {
		t.Bytes(fIDRaw, do, dn, data)
	}
	if typ == idIPv4 || typ == idIPv6 || typ == idDN || typ == idNull {
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "isakmp.id.bad", Message: "identification of type " + idNames[uint64(typ)] + " with " + strconv.Itoa(len(data)) + " bytes of data that do not fit it", RFC: rfcID, Offset: do, Length: dn})
	}
}

// Certificate payload (RFC 7296 §3.6): | Cert Encoding | data.
const (
	certHashURL       = 12
	certHashURLBundle = 13
	certX509Sig       = 4
	sha1Len           = 20
)

func (m *ISAKMP) dissectCert(t *dissect.Tree, s span, b []byte) {
	if len(b) < 1 {
		lengthNote(t, s, "Certificate payload", 1, len(b), rfcCert)
		return
	}
	o, n := s.at(0, 1)
	t.Uint(fCertEncoding, o, n, uint64(b[0]))
	data := b[1:]
	do, dn := s.at(1, len(data))
	t.Push(fCertData, do, dn)
	defer t.Pop()
	switch b[0] {
	case certHashURL, certHashURLBundle:
		if len(data) >= sha1Len {
			o, n := s.at(1, sha1Len)
			t.Bytes(fCertHash, o, n, data[:sha1Len])
			o, n = s.at(1+sha1Len, len(data)-sha1Len)
			t.Bytes(fCertURL, o, n, data[sha1Len:])
			return
		}
	case certX509Sig:
		t.Bytes(fCertBytes, do, dn, data)
		if subj, iss, ok := m.names.certNames(data); ok {
			t.String(fCertSubject, do, dn, subj)
			t.String(fCertIssuer, do, dn, iss)
		}
		return
	}
	t.Bytes(fCertBytes, do, dn, data)
}

// Certificate Request payload (RFC 7296 §3.7): | Cert Encoding | CA data:
// for X.509 a list of 20-byte SHA-1 hashes of trusted CAs' public keys.
func dissectCertReq(t *dissect.Tree, s span, b []byte) {
	if len(b) < 1 {
		lengthNote(t, s, "Certificate Request payload", 1, len(b), rfcCertReq)
		return
	}
	o, n := s.at(0, 1)
	t.Uint(fCertReqType, o, n, uint64(b[0]))
	data := b[1:]
	if b[0] == certX509Sig && len(data)%sha1Len == 0 {
		for i := 0; i < len(data); i += sha1Len {
			o, n := s.at(1+i, sha1Len)
			t.Bytes(fCertReqAuth, o, n, data[i:i+sha1Len])
		}
		return
	}
	if len(data) > 0 {
		o, n := s.at(1, len(data))
		t.Bytes(fCertReqData, o, n, data)
	}
}

// Authentication payload (RFC 7296 §3.8): | Auth Method | RESERVED (3) |
// data; for Digital Signature (14, RFC 7427 §3) the data starts with an
// ASN.1 length byte and an AlgorithmIdentifier.
const (
	authFixed      = 4
	authDigitalSig = 14
)

func dissectAuth(t *dissect.Tree, s span, b []byte) {
	if len(b) < authFixed {
		lengthNote(t, s, "Authentication payload", authFixed, len(b), rfcAuth)
		return
	}
	o, n := s.at(0, 1)
	t.Uint(fAuthMethod, o, n, uint64(b[0]))
	o, n = s.at(1, 3)
	t.Bytes(fReserved, o, n, b[1:4])
	data := b[authFixed:]
	o, n = s.at(authFixed, len(data))
	t.Push(fAuthData, o, n).B = data
	defer t.Pop()
	if b[0] == authDigitalSig && len(data) >= 1 {
		l := int(data[0])
		if 1+l <= len(data) {
			o, n = s.at(authFixed, 1)
			t.Uint(fAuthASN1Len, o, n, uint64(l))
			o, n = s.at(authFixed+1, l)
			t.Bytes(fAuthASN1, o, n, data[1:1+l])
			o, n = s.at(authFixed+1+l, len(data)-1-l)
			t.Bytes(fAuthSig, o, n, data[1+l:])
		}
	}
}

// Notify payload (RFC 7296 §3.10):
// | Protocol ID | SPI Size | Notify Message Type | SPI | Notification Data.
const (
	notifyFixed   = 4
	notifyTypeOff = 2
)

func dissectNotify(t *dissect.Tree, s span, b []byte) {
	if len(b) < notifyFixed {
		lengthNote(t, s, "Notify payload", notifyFixed, len(b), rfcNotify)
		return
	}
	o, n := s.at(0, 1)
	t.Uint(fNotifyProto, o, n, uint64(b[0]))
	o, n = s.at(1, 1)
	t.Uint(fSPISize, o, n, uint64(b[1]))
	typ := binary.BigEndian.Uint16(b[notifyTypeOff:])
	o, n = s.at(notifyTypeOff, 2)
	t.Uint(fNotifyType, o, n, uint64(typ))
	at := notifyFixed
	if sz := int(b[1]); sz > 0 {
		if at+sz > len(b) {
			lengthNote(t, s, "Notify payload with its SPI", at+sz, len(b), rfcNotify)
			return
		}
		o, n = s.at(at, sz)
		t.Bytes(fSPI, o, n, b[at:at+sz])
		at += sz
	}
	data := b[at:]
	do, dn := s.at(at, len(data))
	if len(data) == 0 {
		t.Bytes(fNotifyData, do, dn, nil).S = "<MISSING>"
	} else {
		t.Bytes(fNotifyData, do, dn, data)
	}
	ds := s.inner(at)
	switch uint64(typ) {
	case notifyInvalidKE:
		if len(data) == 2 {
			t.Uint(fNotifyGroup, do, dn, uint64(binary.BigEndian.Uint16(data)))
		}
	case notifySigHashAlgs:
		for i := 0; i+2 <= len(data); i += 2 {
			o, n := ds.at(i, 2)
			t.Uint(fNotifySigHash, o, n, uint64(binary.BigEndian.Uint16(data[i:])))
		}
	case notifyNATSource, notifyNATDest:
		t.Bytes(fNotifyNATHash, do, dn, data)
		if len(data) != sha1Len {
			t.Note(dissect.Note{Severity: dissect.Warn, Code: "isakmp.notify.nat_hash_size", Message: "NAT detection data of " + strconv.Itoa(len(data)) + " bytes: it is a 20-byte SHA-1 digest", RFC: rfcNATD, Offset: do, Length: dn})
		}
	case notifyCookie:
		t.Bytes(fNotifyCookie, do, dn, data)
		if len(data) < 1 || len(data) > 64 {
			t.Note(dissect.Note{Severity: dissect.Warn, Code: "isakmp.notify.cookie_size", Message: "COOKIE of " + strconv.Itoa(len(data)) + " bytes: it must be 1 to 64 bytes", RFC: rfcCookie, Offset: do, Length: dn})
		}
	case notifySetWindowSize, notifyAuthLifetime:
		if len(data) == 4 {
			f := fNotifyWindow
			if uint64(typ) == notifyAuthLifetime {
				f = fNotifyLife
			}
			t.Uint(f, do, dn, uint64(binary.BigEndian.Uint32(data)))
		}
	case notifyAddIPv4:
		if len(data) == 4 {
			t.Addr(fNotifyAddr4, do, dn, netip.AddrFrom4([4]byte(data)))
		}
	case notifyAddIPv6:
		if len(data) == 16 {
			t.Addr(fNotifyAddr, do, dn, netip.AddrFrom16([16]byte(data)))
		}
	case notifyRedirect, notifyRedirectedFrom:
		dissectRedirect(t, ds, data, uint64(typ) == notifyRedirect)
	}
}

// dissectRedirect shows REDIRECT and REDIRECTED_FROM data (RFC 5685 §9.1,
// §9.2): | GW Ident Type | GW Ident Len | New Responder GW Identity |
// Nonce Data (REDIRECT in IKE_SA_INIT only).
func dissectRedirect(t *dissect.Tree, s span, d []byte, redirect bool) {
	if len(d) < 2 {
		return
	}
	typ, l := d[0], int(d[1])
	o, n := s.at(0, 1)
	t.Uint(fRedirType, o, n, uint64(typ))
	o, n = s.at(1, 1)
	t.Uint(fRedirLen, o, n, uint64(l))
	if 2+l > len(d) {
		lengthNote(t, s, "Gateway identity", 2+l, len(d), rfcRedirect)
		return
	}
	id := d[2 : 2+l]
	o, n = s.at(2, l)
	switch {
	case typ == 1 && l == 4 && redirect:
		t.Addr(fRedirNew4, o, n, netip.AddrFrom4([4]byte(id)))
	case typ == 2 && l == 16 && redirect:
		t.Addr(fRedirNew6, o, n, netip.AddrFrom16([16]byte(id)))
	case typ == 3 && redirect:
		t.Bytes(fRedirNewFQDN, o, n, id)
	case redirect:
		t.Bytes(fRedirNewData, o, n, id)
	case typ == 1 && l == 4:
		t.Addr(fRedirOrg4, o, n, netip.AddrFrom4([4]byte(id)))
	case typ == 2 && l == 16:
		t.Addr(fRedirOrg6, o, n, netip.AddrFrom16([16]byte(id)))
	default:
		t.Bytes(fRedirOrgData, o, n, id)
	}
	if redirect && 2+l < len(d) {
		o, n = s.at(2+l, len(d)-2-l)
		t.Bytes(fRedirNonce, o, n, d[2+l:])
	}
}

// Delete payload (RFC 7296 §3.11):
// | Protocol ID | SPI Size | Num of SPIs | SPIs.
const deleteFixed = 4

func dissectDelete(t *dissect.Tree, s span, b []byte) {
	if len(b) < deleteFixed {
		lengthNote(t, s, "Delete payload", deleteFixed, len(b), rfcDelete)
		return
	}
	o, n := s.at(0, 1)
	t.Uint(fDeleteProto, o, n, uint64(b[0]))
	o, n = s.at(1, 1)
	t.Uint(fSPISize, o, n, uint64(b[1]))
	num := int(binary.BigEndian.Uint16(b[2:]))
	o, n = s.at(2, 2)
	t.Uint(fSPINum, o, n, uint64(num))
	sz := int(b[1])
	if sz == 0 {
		return
	}
	spis := b[deleteFixed:]
	if num*sz > len(spis) {
		lengthNote(t, s, "Delete payload with "+strconv.Itoa(num)+" SPIs", deleteFixed+num*sz, len(b), rfcDelete)
		num = len(spis) / sz
	}
	for i := 0; i < num; i++ {
		o, n := s.at(deleteFixed+i*sz, sz)
		t.Bytes(fDeleteSPI, o, n, spis[i*sz:(i+1)*sz])
	}
}

// Traffic Selector payload (RFC 7296 §3.13): | Number of TSs | RESERVED (3)
// | selectors: | TS Type | IP Protocol ID | Selector Length | Start Port |
// End Port | Starting Address | Ending Address |.
const (
	tsFixed    = 4
	tsSelFixed = 8
)

func dissectTS(t *dissect.Tree, s span, b []byte) {
	if len(b) < tsFixed {
		lengthNote(t, s, "Traffic Selector payload", tsFixed, len(b), rfcTS)
		return
	}
	count := int(b[0])
	o, n := s.at(0, 1)
	t.Uint(fTSNumber, o, n, uint64(count))
	o, n = s.at(1, 3)
	t.Bytes(fReserved, o, n, b[1:4])
	at := tsFixed
	for i := 0; i < count && at < len(b); i++ {
		rest := b[at:]
		ss := s.inner(at)
		if len(rest) < tsSelFixed {
			lengthNote(t, ss, "Traffic selector", tsSelFixed, len(rest), rfcTSel)
			return
		}
		l := int(binary.BigEndian.Uint16(rest[2:]))
		o, n := ss.at(0, min(max(l, tsSelFixed), len(rest)))
		t.Push(fTSData, o, n)
		o, n = ss.at(0, 1)
		t.Uint(fTSType, o, n, uint64(rest[0]))
		o, n = ss.at(1, 1)
		t.Uint(fTSProto, o, n, uint64(rest[1]))
		lo, ln := ss.at(2, 2)
		t.Uint(fTSLen, lo, ln, uint64(l))
		if l < tsSelFixed || l > len(rest) {
			t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.payload.length_bad", Message: "Selector Length " + strconv.Itoa(l) + " does not fit the " + strconv.Itoa(len(rest)) + " bytes left", RFC: rfcTSel, Offset: lo, Length: ln, Malformed: true})
			t.Pop()
			return
		}
		o, n = ss.at(4, 2)
		t.Uint(fTSStartPort, o, n, uint64(binary.BigEndian.Uint16(rest[4:])))
		o, n = ss.at(6, 2)
		t.Uint(fTSEndPort, o, n, uint64(binary.BigEndian.Uint16(rest[6:])))
		addrs := rest[tsSelFixed:l]
		switch {
		case rest[0] == tsIPv4 && len(addrs) == 8:
			o, n = ss.at(8, 4)
			t.Addr(fTSStart4, o, n, netip.AddrFrom4([4]byte(addrs)))
			o, n = ss.at(12, 4)
			t.Addr(fTSEnd4, o, n, netip.AddrFrom4([4]byte(addrs[4:])))
		case rest[0] == tsIPv6 && len(addrs) == 32:
			o, n = ss.at(8, 16)
			t.Addr(fTSStart6, o, n, netip.AddrFrom16([16]byte(addrs)))
			o, n = ss.at(24, 16)
			t.Addr(fTSEnd6, o, n, netip.AddrFrom16([16]byte(addrs[16:])))
		default:
			if len(addrs) > 0 {
				o, n = ss.at(8, len(addrs))
				t.Bytes(fPayloadData, o, n, addrs)
			}
		}
		t.Pop()
		at += l
	}
}

// Configuration payload (RFC 7296 §3.15): | CFG Type | RESERVED (3) |
// attributes: |R| Attribute Type | Length | Value.
const cpFixed = 4

func dissectCP(t *dissect.Tree, s span, b []byte) {
	if len(b) < cpFixed {
		lengthNote(t, s, "Configuration payload", cpFixed, len(b), rfcCP)
		return
	}
	o, n := s.at(0, 1)
	t.Uint(fCfgType, o, n, uint64(b[0]))
	o, n = s.at(1, 3)
	t.Bytes(fReserved, o, n, b[1:4])
	at := cpFixed
	for at < len(b) {
		rest := b[at:]
		as := s.inner(at)
		if len(rest) < attrFixed {
			lengthNote(t, as, "Configuration attribute", attrFixed, len(rest), rfcCPAttr)
			return
		}
		typ := uint64(binary.BigEndian.Uint16(rest) & 0x7fff)
		l := int(binary.BigEndian.Uint16(rest[2:]))
		if attrFixed+l > len(rest) {
			lengthNote(t, as, "Configuration attribute", attrFixed+l, len(rest), rfcCPAttr)
			return
		}
		val := rest[attrFixed : attrFixed+l]
		o, n := as.at(0, attrFixed+l)
		t.Push(fCfgAttr, o, n)
		o, n = as.at(0, 2)
		t.Uint(fCfgAttrType, o, n, typ)
		o, n = as.at(2, 2)
		t.Uint(fCfgAttrLen, o, n, uint64(l))
		vo, vn := as.at(attrFixed, l)
		if l > 0 {
			t.Bytes(fCfgAttrVal, vo, vn, val)
		}
		switch {
		case typ == 1 && l == 4:
			t.Addr(fCfgIP4, vo, vn, netip.AddrFrom4([4]byte(val)))
		case typ == 2 && l == 4:
			t.Addr(fCfgIP4Mask, vo, vn, netip.AddrFrom4([4]byte(val)))
		case typ == 3 && l == 4:
			t.Addr(fCfgIP4DNS, vo, vn, netip.AddrFrom4([4]byte(val)))
		case typ == 8 && l == 17:
			t.Addr(fCfgIP6, vo, vn, netip.AddrFrom16([16]byte(val)))
			t.Uint(fCfgIP6Pfx, vo, vn, uint64(val[16]))
		case typ == 10 && l == 16:
			t.Addr(fCfgIP6DNS, vo, vn, netip.AddrFrom16([16]byte(val)))
		case typ == 7:
			t.Bytes(fCfgAppVer, vo, vn, val)
		}
		t.Pop()
		at += attrFixed + l
	}
}

// EAP payload (RFC 7296 §3.16): an EAP message (RFC 3748 §4):
// | Code | Identifier | Length | Type (Request, Response) | data.
func dissectEAP(t *dissect.Tree, s span, b []byte) {
	o, n := s.at(0, len(b))
	t.Bytes(fEAPData, o, n, b)
	if len(b) < 4 {
		lengthNote(t, s, "EAP message", 4, len(b), "RFC 3748 §4")
		return
	}
	o, n = s.at(0, 1)
	t.Uint(fEAPCode, o, n, uint64(b[0]))
	o, n = s.at(1, 1)
	t.Uint(fEAPID, o, n, uint64(b[1]))
	o, n = s.at(2, 2)
	t.Uint(fEAPLen, o, n, uint64(binary.BigEndian.Uint16(b[2:])))
	if (b[0] == 1 || b[0] == 2) && len(b) > 4 {
		o, n = s.at(4, 1)
		t.Uint(fEAPType, o, n, uint64(b[4]))
	}
}
