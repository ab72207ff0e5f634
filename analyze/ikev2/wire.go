package ikev2

import (
	"crypto/sha1"
	"encoding/binary"
	"net/netip"
	"strconv"

	"github.com/v6scope/v6scope/decode/dissect"
	dike "github.com/v6scope/v6scope/decode/ikev2"
)

// Exchange types (RFC 7296 §3.1).
const (
	exIKESAInit     = 34
	exIKEAuth       = 35
	exCreateChildSA = 36
	exInformational = 37
	exIntermediate  = 43 // RFC 9242 §3
)

// Notify Message Types this tracker acts on (RFC 7296 §3.10.1; IANA
// "IKEv2 Notify Message Types"). Below 16384 an error, from it a status.
const (
	notifyInvalidKE   = 17
	notifyErrorMax    = 16383
	notifyNATSource   = 16388
	notifyNATDest     = 16389
	notifyCookie      = 16390
	notifyRekeySA     = 16393
	notifyAuthFailed  = 24
	notifyNoProposal  = 14
	notifyTSUnaccept  = 38
	notifyTempFailure = 43
)

// Protocol IDs of Proposal, Notify and Delete payloads (RFC 7296 §3.3.1).
const (
	protoIKE = 1
	protoAH  = 2
	protoESP = 3
)

// protoName names a Child SA's protocol: "ESP" or "AH" (RFC 7296 §3.3.1).
func protoName(p uint8) string {
	switch p {
	case protoAH:
		return "AH"
	case protoESP:
		return "ESP"
	}
	return "Unknown(" + strconv.Itoa(int(p)) + ")"
}

// Notify payload body (RFC 7296 §3.10):
//
//	| Protocol ID   |   SPI Size    |      Notify Message Type      |
//	~                Security Parameter Index (SPI)                 ~
//	~                       Notification Data                       ~
const (
	notifyProtoOff = 0
	notifySPISzOff = 1
	notifyTypeOff  = 2
	notifyFixed    = 4
)

// notify is one Notify payload.
type notify struct {
	proto uint8
	typ   uint16
	spi   []byte
	data  []byte
}

func parseNotify(b []byte) (n notify, ok bool) {
	if len(b) < notifyFixed {
		return n, false
	}
	n.proto = b[notifyProtoOff]
	n.typ = binary.BigEndian.Uint16(b[notifyTypeOff:])
	sz := int(b[notifySPISzOff])
	if len(b) < notifyFixed+sz {
		return n, false
	}
	n.spi = b[notifyFixed : notifyFixed+sz]
	n.data = b[notifyFixed+sz:]
	return n, true
}

// Delete payload body (RFC 7296 §3.11):
//
//	| Protocol ID   |   SPI Size    |          Num of SPIs          |
//	~               Security Parameter Index(es) (SPI)              ~
const (
	deleteProtoOff = 0
	deleteSPISzOff = 1
	deleteNumOff   = 2
	deleteFixed    = 4
)

// parseDelete returns the protocol and the SPIs a Delete payload names;
// count × size is checked against the payload once (RFC 7296 §3.11).
func parseDelete(b []byte) (proto uint8, size int, spis []byte, ok bool) {
	if len(b) < deleteFixed {
		return 0, 0, nil, false
	}
	proto, size = b[deleteProtoOff], int(b[deleteSPISzOff])
	n := int(binary.BigEndian.Uint16(b[deleteNumOff:]))
	if len(b)-deleteFixed < n*size {
		return 0, 0, nil, false
	}
	return proto, size, b[deleteFixed : deleteFixed+n*size], true
}

// Proposal substructure (RFC 7296 §3.3.1):
//
//	| Last Substruc |   RESERVED    |         Proposal Length       |
//	| Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
//	~                        SPI (variable)                         ~
//	~                        <Transforms>                           ~
const (
	propLenOff    = 2
	propProtoOff  = 5
	propSPISzOff  = 6
	propNumXfOff  = 7
	propFixed     = 8
	propLastMore  = 2
	xformLenOff   = 2
	xformTypeOff  = 4
	xformIDOff    = 6
	xformFixed    = 8
	xformAttrKey  = 0x800e // Key Length, TV format (RFC 7296 §3.3.5)
	xformTypeEncr = 1
	xformTypeInt  = 3
)

// proposal is the first proposal of an SA payload: its protocol, its SPI,
// and the encryption and integrity transforms it names first.
type proposal struct {
	proto   uint8
	spi     []byte
	encr    uint16
	keyBits uint16
	integ   uint16
}

func parseSA(b []byte) (p proposal, ok bool) {
	if len(b) < propFixed {
		return p, false
	}
	plen := int(binary.BigEndian.Uint16(b[propLenOff:]))
	if plen < propFixed || plen > len(b) {
		return p, false
	}
	b = b[:plen]
	p.proto = b[propProtoOff]
	sz := int(b[propSPISzOff])
	nx := int(b[propNumXfOff])
	if propFixed+sz > len(b) {
		return p, false
	}
	p.spi = b[propFixed : propFixed+sz]
	x := b[propFixed+sz:]
	for i := 0; i < nx && len(x) >= xformFixed; i++ {
		xl := int(binary.BigEndian.Uint16(x[xformLenOff:]))
		if xl < xformFixed || xl > len(x) {
			break
		}
		typ, id := x[xformTypeOff], binary.BigEndian.Uint16(x[xformIDOff:])
		switch {
		case typ == xformTypeEncr && p.encr == 0:
			p.encr = id
			if xl >= xformFixed+4 && binary.BigEndian.Uint16(x[xformFixed:]) == xformAttrKey {
				p.keyBits = binary.BigEndian.Uint16(x[xformFixed+2:])
			}
		case typ == xformTypeInt && p.integ == 0:
			p.integ = id
		}
		x = x[xl:]
	}
	return p, true
}

// natHash computes a NAT_DETECTION_*_IP value: SHA-1(SPIi | SPIr | IP |
// port), the address 4 or 16 bytes in network order (RFC 7296 §2.23).
func natHash(ispi, rspi [8]byte, ap netip.AddrPort) [sha1.Size]byte {
	var buf [8 + 8 + 16 + 2]byte
	copy(buf[0:], ispi[:])
	copy(buf[8:], rspi[:])
	n := 16
	a := ap.Addr().Unmap()
	if a.Is4() {
		v := a.As4()
		copy(buf[16:], v[:])
		n = 4
	} else {
		v := a.As16()
		copy(buf[16:], v[:])
	}
	binary.BigEndian.PutUint16(buf[16+n:], ap.Port())
	return sha1.Sum(buf[:16+n+2])
}

// sizes of the transforms a message's Encrypted payload uses, to estimate
// without keys how much plaintext it can hold (RFC 7296 §3.14).
type encSizes struct {
	iv, icv, block int
}

// sizesOf returns the IV, ICV and block sizes of the chosen transforms
// (RFC 3602, RFC 3686, RFC 5282, RFC 7634, RFC 4868, RFC 2404); unknown
// ones count as AES-CBC with a 16-byte ICV.
func sizesOf(encr, integ uint16) encSizes {
	s := encSizes{iv: 16, icv: 16, block: 16}
	switch encr {
	case 3: // 3DES
		s.iv, s.block = 8, 8
	case 13: // AES-CTR
		s.iv, s.block = 8, 4
	case 18, 19, 20: // AES-GCM with an 8, 12, 16-byte ICV
		s.iv, s.block, s.icv = 8, 4, 8+4*int(encr-18)
		return s
	case 28: // ChaCha20-Poly1305
		s.iv, s.block, s.icv = 8, 4, 16
		return s
	}
	switch integ {
	case 1, 2, 5: // HMAC-MD5-96, HMAC-SHA1-96, AES-XCBC-96
		s.icv = 12
	case 12:
		s.icv = 16
	case 13:
		s.icv = 24
	case 14:
		s.icv = 32
	}
	return s
}

// capacity is the largest number of bytes of payloads an Encrypted payload
// of length skLen can hold: what is left after the header, IV, ICV and
// the Pad Length byte.
func (s encSizes) capacity(skLen int) int {
	return skLen - 4 - s.iv - s.icv - 1
}

// notifyField is the decoder's isakmp.notify.msgtype field, whose value
// names this tracker reuses.
var notifyField = func() *dissect.FieldInfo {
	for _, f := range dike.Fields() {
		if f.Name == "isakmp.notify.msgtype" {
			return f
		}
	}
	return nil
}()

// notifyName names a Notify Message Type with the decoder's table.
func notifyName(t uint16) string {
	if notifyField != nil && notifyField.Values != nil {
		if n := notifyField.Values(uint64(t)); n != "" {
			return n
		}
	}
	return "Unknown(" + strconv.Itoa(int(t)) + ")"
}

// groupName names the Diffie-Hellman groups most often asked for
// (RFC 7296 §3.3.2 Transform Type 4; IANA).
func groupName(g uint16) string {
	switch g {
	case 2:
		return "MODP-1024"
	case 14:
		return "MODP-2048"
	case 15:
		return "MODP-3072"
	case 19:
		return "ECP-256"
	case 20:
		return "ECP-384"
	case 21:
		return "ECP-521"
	case 31:
		return "Curve25519"
	case 32:
		return "Curve448"
	}
	return "group " + strconv.Itoa(int(g))
}
