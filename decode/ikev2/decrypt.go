package ikev2

import (
	"crypto/cipher"
	"crypto/hmac"
	"encoding/binary"
	"strconv"

	"github.com/v6scope/v6scope/decode/dissect"
)

// What became of an Encrypted (SK) or Encrypted Fragment (SKF) payload.
const (
	encNoKey     uint8 = iota // no key table, or no keys for this IKE SA
	encOK                     // integrity checked, decrypted
	encIntegrity              // the checksum did not match: wrong keys or a damaged message
	encMalformed              // too short for IV and ICV, or not whole blocks
	encBadPad                 // decrypted, but the Pad Length runs past the plaintext
)

// Encrypted payload (RFC 7296 §3.14):
//
//	| Next Payload  |C|  RESERVED   |         Payload Length        |
//	|                     Initialization Vector                     |
//	~                    Encrypted IKE Payloads                     ~
//	|               |             Padding (0-255 octets)            |
//	|                                               |  Pad Length   |
//	~                    Integrity Checksum Data                    ~
//
// The Encrypted Fragment payload (RFC 7383 §2.5) adds Fragment Number and
// Total Fragments (2 bytes each) after the generic header.
const (
	skfFixed    = 4
	skfNumOff   = 0
	skfTotalOff = 2
)

// encState is what DecodeFromBytes learnt about the message's Encrypted
// payload.
type encState struct {
	has       bool
	idx       int // index of the SK or SKF payload in Payloads
	skf       bool
	fragNum   uint16
	fragTotal uint16
	fragBad   bool
	status    uint8
	hdr       int // bytes before the IV, generic header included
	ivLen     int
	icvLen    int
	padLen    int
	plain     []byte // the decrypted data, padding and Pad Length included
	sa        *SA
	// Reassembly (RFC 7383 §2.6): set in the frame that completes a message.
	reassembled bool
	reasmLen    int
	frames      []int
	lens        []int
}

// decrypt checks and decrypts the Encrypted payload Payloads[idx] when the
// key table holds its IKE SA, and walks the payloads inside (or, for the
// last missing fragment, inside the reassembled message).
func (m *ISAKMP) decrypt(idx int) {
	p := &m.Payloads[idx]
	e := &m.enc
	e.has, e.idx = true, idx
	e.skf = p.Type == PayloadSKF
	e.hdr = genericLen
	if e.skf {
		if len(p.Data) < genericLen+skfFixed {
			e.status = encMalformed
			return
		}
		e.fragNum = binary.BigEndian.Uint16(p.Data[genericLen+skfNumOff:])
		e.fragTotal = binary.BigEndian.Uint16(p.Data[genericLen+skfTotalOff:])
		// RFC 7383 §2.5: "Fragment Number ... MUST be ... from 1 to Total
		// Fragments"; Total Fragments MUST be at least 1.
		e.fragBad = e.fragNum == 0 || e.fragTotal == 0 || e.fragNum > e.fragTotal
		e.hdr += skfFixed
	}
	sa := m.keys.Lookup(m.ISPI, m.RSPI)
	if sa == nil {
		return
	}
	e.sa = sa
	e.ivLen = sa.Enc.ivLen
	e.icvLen = sa.Integ.icvLen
	if sa.Enc.kind == cipherGCM {
		e.icvLen = sa.Enc.icvLen
	}
	body := p.Data[e.hdr:]
	if len(body) < e.ivLen+e.icvLen+1 || sa.Enc.kind == cipherCBC && (len(body)-e.ivLen-e.icvLen)%len(body[:e.ivLen]) != 0 {
		e.status = encMalformed
		return
	}
	end := p.rel + len(p.Data) // message offset of the payload's end
	msg := m.msg[:end]
	iv := body[:e.ivLen]
	ct := body[e.ivLen : len(body)-e.icvLen]
	icv := body[len(body)-e.icvLen:]
	initiator := m.Initiator()
	block, aead, ekey, akey := sa.blockR, sa.aeadR, sa.ER, sa.AR
	if initiator {
		block, aead, ekey, akey = sa.blockI, sa.aeadI, sa.EI, sa.AI
	}
	salt := ekey[len(ekey)-sa.Enc.saltLen:]
	plain := grow(m.plain[:0], len(ct))
	switch sa.Enc.kind {
	case cipherGCM:
		// RFC 5282 §3.1: nonce = salt (4) | IV (8); §5.1: the AAD is the
		// IKE header, any payloads before, and the Encrypted payload's
		// header up to the IV (with Fragment Number and Total Fragments,
		// RFC 7383 §2.5.3).
		var nonce [12]byte
		copy(nonce[:4], salt)
		copy(nonce[4:], iv)
		aad := msg[:p.rel+e.hdr]
		if e.icvLen >= 12 {
			out, err := aead.Open(plain[:0], nonce[:], body[e.ivLen:], aad)
			if err != nil {
				e.status = encIntegrity
				return
			}
			plain = out
		} else {
			// An 8-byte ICV: decrypt with the GCM counter stream (which
			// starts at counter 2 for a 96-bit nonce, NIST SP 800-38D
			// §7.1), then compute the full 16-byte tag over the same AAD
			// and ciphertext and compare its first 8 bytes.
			var ctr [16]byte
			copy(ctr[:12], nonce[:])
			ctr[15] = 2
			cipher.NewCTR(block, ctr[:]).XORKeyStream(plain, ct)
			sealed := aead.Seal(nil, nonce[:], plain, aad)
			if !hmac.Equal(sealed[len(plain):len(plain)+e.icvLen], icv) {
				e.status = encIntegrity
				return
			}
		}
	default:
		// RFC 7296 §3.14: the checksum covers the message from the IKE
		// header to the end of the encrypted data, and is checked before
		// anything is decrypted.
		if sa.Integ.newH != nil {
			mac := hmac.New(sa.Integ.newH, akey)
			mac.Write(msg[:end-e.icvLen])
			if !hmac.Equal(mac.Sum(nil)[:e.icvLen], icv) {
				e.status = encIntegrity
				return
			}
		}
		switch sa.Enc.kind {
		case cipherCBC:
			cipher.NewCBCDecrypter(block, iv).CryptBlocks(plain, ct)
		case cipherCTR:
			// RFC 5930 §2 / RFC 3686 §4: nonce (4) | IV (8) | counter from 1.
			var ctr [16]byte
			copy(ctr[:4], salt)
			copy(ctr[4:12], iv)
			ctr[15] = 1
			cipher.NewCTR(block, ctr[:]).XORKeyStream(plain, ct)
		default:
			copy(plain, ct)
		}
	}
	m.plain = plain
	e.plain = plain
	e.status = encOK
	e.padLen = int(plain[len(plain)-1])
	if e.padLen+1 > len(plain) {
		e.status = encBadPad
		return
	}
	inner := plain[:len(plain)-1-e.padLen]
	if !e.skf {
		m.walk(inner, p.rel+e.hdr+e.ivLen, p.Next, true, true)
		return
	}
	if e.fragBad {
		return
	}
	key := fragKey{ispi: m.ISPI, rspi: m.RSPI, msgID: m.MessageID, flags: m.Flags & (flagInitiator | flagResponse)}
	if buf, first, ok := m.reasm.add(key, e.fragNum, e.fragTotal, p.Next, inner, m.frame); ok {
		e.reassembled = true
		e.reasmLen = len(buf)
		e.frames = append(e.frames[:0], m.reasm.frames...)
		e.lens = append(e.lens[:0], m.reasm.lens...)
		m.walk(buf, p.rel, first, true, false)
	}
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// dissectEncrypted shows an SK or SKF payload: fragment numbers, and the
// IV, ciphertext, plaintext and checksum when it was decrypted.
func (m *ISAKMP) dissectEncrypted(t *dissect.Tree, p *Payload, s span, body []byte, msgOff int) {
	e := &m.enc
	if e.skf {
		if len(body) < skfFixed {
			lengthNote(t, s, "Encrypted Fragment payload", skfFixed, len(body), rfcSKF)
			return
		}
		o, n := s.at(skfNumOff, 2)
		t.Uint(fFragNumber, o, n, uint64(e.fragNum))
		if e.fragBad {
			t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.frag.number_invalid", Message: "Fragment Number " + strconv.Itoa(int(e.fragNum)) + " is out of range for Total Fragments " + strconv.Itoa(int(e.fragTotal)) + " (1 to Total Fragments)", RFC: rfcSKF, Offset: o, Length: 4})
		}
		o, n = s.at(skfTotalOff, 2)
		t.Uint(fFragTotal, o, n, uint64(e.fragTotal))
		body = body[skfFixed:]
		s.base += skfFixed
	}
	bo, bn := s.at(0, len(body))
	switch e.status {
	case encNoKey:
		if len(body) > 0 {
			t.Bytes(fEncBody, bo, bn, body)
		}
		if !e.skf {
			t.Add(fEncData, bo, bn)
		}
		return
	case encMalformed:
		t.Bytes(fEncBody, bo, bn, body)
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.enc.malformed", Message: "encrypted data of " + strconv.Itoa(len(body)) + " bytes does not fit " + e.sa.Enc.Name + " with a " + strconv.Itoa(e.icvLen) + "-byte checksum (IV, whole blocks, pad length, ICV)", RFC: rfcSK, Offset: bo, Length: bn, Malformed: true})
		return
	}
	iv := body[:e.ivLen]
	ct := body[e.ivLen : len(body)-e.icvLen]
	icv := body[len(body)-e.icvLen:]
	o, n := s.at(0, e.ivLen)
	t.Bytes(fEncIV, o, n, iv)
	co, cn := s.at(e.ivLen, len(ct))
	t.Add(fEncData, co, cn)
	if e.status == encIntegrity {
		o, n = s.at(len(body)-e.icvLen, e.icvLen)
		t.Bytes(fEncICD, o, n, icv)
		t.Note(dissect.Note{Severity: dissect.Warn, Code: "isakmp.integrity_failed", Message: "integrity check failed with the keys of IKE SA " + spiPair(m.ISPI, m.RSPI) + " (" + e.sa.Integ.Name + keyPart(e.sa) + "): wrong keys or a damaged message; nothing was decrypted", RFC: rfcSK, Offset: o, Length: n})
		return
	}
	t.Push(fEncDecrypt, co, cn)
	inner := len(e.plain) - 1 - e.padLen
	if e.status == encBadPad {
		t.Note(dissect.Note{Severity: dissect.Error, Code: "isakmp.enc.pad_length_big", Message: "Pad Length " + strconv.Itoa(e.padLen) + " is more than the " + strconv.Itoa(len(e.plain)-1) + " bytes decrypted before it", RFC: rfcSK, Offset: co + cn - 1, Length: min(cn, 1)})
		t.Pop()
	} else {
		o, n = s.at(e.ivLen, inner)
		t.Push(fEncContain, o, n)
		if !e.skf {
			m.dissectInner(t, msgOff)
		}
		t.Pop()
		o, n = s.at(e.ivLen+inner, e.padLen)
		t.Add(fEncPadding, o, n)
		o, n = s.at(e.ivLen+inner+e.padLen, 1)
		t.Uint(fEncPadLen, o, n, uint64(e.padLen))
		t.Pop()
	}
	o, n = s.at(len(body)-e.icvLen, e.icvLen)
	t.Bytes(fEncICD, o, n, icv)
	if e.icvLen > 0 {
		t.Uint(fEncIntegOK, o, n, 1)
	}
	if e.reassembled {
		t.Push(fFragments, bo, 0)
		for _, fr := range e.frames {
			t.Uint(fFragment, bo, 0, uint64(fr))
		}
		t.Uint(fFragCount, bo, 0, uint64(len(e.frames)))
		t.Uint(fReasmLen, bo, 0, uint64(e.reasmLen))
		t.Pop()
		m.dissectInner(t, msgOff)
	}
}

// dissectInner adds the payloads found inside the Encrypted payload.
func (m *ISAKMP) dissectInner(t *dissect.Tree, msgOff int) {
	for i := range m.Payloads {
		if p := &m.Payloads[i]; p.Inner {
			m.dissectPayload(t, p, span{base: msgOff + p.rel, mapped: p.mapped}, msgOff)
		}
	}
}

func spiPair(i, r [8]byte) string {
	const digits = "0123456789abcdef"
	b := make([]byte, 0, 33)
	for _, c := range i {
		b = append(b, digits[c>>4], digits[c&0xf])
	}
	b = append(b, '/')
	for _, c := range r {
		b = append(b, digits[c>>4], digits[c&0xf])
	}
	return string(b)
}

func keyPart(sa *SA) string {
	if sa.Enc.kind == cipherGCM {
		return ", " + sa.Enc.Name
	}
	return ""
}
