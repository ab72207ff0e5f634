package ikev2_test

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"encoding/binary"
	"hash"
	"strings"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/ikev2"
	dt "github.com/v6scope/v6scope/internal/decodetest"
)

var (
	ispi = [8]byte{0xfb, 0x59, 0x95, 0x34, 0xfe, 0x90, 0x5a, 0xe3}
	rspi = [8]byte{0xe9, 0x5f, 0x7a, 0x36, 0x60, 0xee, 0xeb, 0xe8}
)

// pl is one payload to build: type, critical bit, body.
type pl struct {
	typ  uint8
	crit bool
	body []byte
}

// chain builds a payload chain; each payload's Next Payload names the one
// after it.
func chain(ps ...pl) []byte {
	var out []byte
	for i, p := range ps {
		next := uint8(0)
		if i+1 < len(ps) {
			next = ps[i+1].typ
		}
		flags := uint8(0)
		if p.crit {
			flags = 0x80
		}
		out = append(out, next, flags, 0, 0)
		binary.BigEndian.PutUint16(out[len(out)-2:], uint16(4+len(p.body)))
		out = append(out, p.body...)
	}
	return out
}

// msg builds an IKEv2 message: header with SPIs, first payload type,
// exchange, flags and Message ID, then body; Length counts everything.
func msg(first, exchange, flags uint8, mid uint32, body []byte) []byte {
	h := make([]byte, 28, 28+len(body))
	copy(h, ispi[:])
	copy(h[8:], rspi[:])
	h[16], h[17], h[18], h[19] = first, 0x20, exchange, flags
	binary.BigEndian.PutUint32(h[20:], mid)
	binary.BigEndian.PutUint32(h[24:], uint32(28+len(body)))
	return append(h, body...)
}

// udp6 wraps a UDP payload in IPv6 between two documentation addresses.
func udp6(sport, dport uint16, payload []byte) []byte {
	return dt.IPv6("2001:db8::a", "2001:db8::b", 17, 64, dt.UDP("2001:db8::a", "2001:db8::b", sport, dport, payload))
}

func decodeWith(k *ikev2.KeyTable, frames ...[]byte) *decode.Packet {
	d := decode.New()
	d.SetIKEv2Keys(k)
	var p decode.Packet
	for i, f := range frames {
		fr := dt.Frame(capture.LinkRaw, f)
		fr.Number = i + 1
		d.Decode(fr, &p)
	}
	return &p
}

// testKeys are the keys of the crafted IKE SA, per algorithm.
type testSA struct {
	enc, integ         string
	ei, er, ai, ar     []byte
	ivLen, icvLen, blk int
	gcm                bool
	ctr                bool
	h                  func() hash.Hash
}

func keyBytes(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i)
	}
	return b
}

// encrypt builds an encrypted message: header, any clear payloads, then an
// SK payload (or SKF when frag > 0) holding inner, encrypted and
// protected as RFC 7296 §3.14 (CBC, CTR with HMAC) or RFC 5282 (GCM) say.
func (s *testSA) encrypt(exchange, flags uint8, mid uint32, first uint8, inner []byte, frag, total uint16) []byte {
	ek, ak := s.er, s.ar
	if flags&0x08 != 0 {
		ek, ak = s.ei, s.ai
	}
	salt := 0
	if s.gcm || s.ctr {
		salt = 4
	}
	block, _ := aes.NewCipher(ek[:len(ek)-salt])
	bs := 16
	if s.gcm || s.ctr {
		bs = 4 // RFC 7296 §3.14: padding to a multiple of the block size; any for CTR/GCM, we use 4
	}
	pad := (bs - (len(inner)+1)%bs) % bs
	plain := append(append([]byte{}, inner...), make([]byte, pad)...)
	plain = append(plain, byte(pad))
	iv := keyBytes(s.ivLen, 0x70)
	hdr := 4
	if frag > 0 {
		hdr = 8
	}
	plen := hdr + s.ivLen + len(plain) + s.icvLen
	typ := uint8(46)
	if frag > 0 {
		typ = 53
	}
	m := msg(typ, exchange, flags, mid, nil)
	sk := []byte{first, 0, byte(plen >> 8), byte(plen)}
	if frag > 0 {
		sk = binary.BigEndian.AppendUint16(sk, frag)
		sk = binary.BigEndian.AppendUint16(sk, total)
	}
	m = append(m, sk...)
	binary.BigEndian.PutUint32(m[24:], uint32(len(m)+s.ivLen+len(plain)+s.icvLen))
	aad := append([]byte{}, m...)
	m = append(m, iv...)
	switch {
	case s.gcm:
		var nonce [12]byte
		copy(nonce[:], ek[len(ek)-4:])
		copy(nonce[4:], iv)
		g, _ := cipher.NewGCM(block)
		sealed := g.Seal(nil, nonce[:], plain, aad)
		m = append(m, sealed[:len(plain)+s.icvLen]...)
		return m
	case s.ctr:
		var ctr [16]byte
		copy(ctr[:], ek[len(ek)-4:])
		copy(ctr[4:], iv)
		ctr[15] = 1
		ct := make([]byte, len(plain))
		cipher.NewCTR(block, ctr[:]).XORKeyStream(ct, plain)
		m = append(m, ct...)
	default:
		ct := make([]byte, len(plain))
		cipher.NewCBCEncrypter(block, iv).CryptBlocks(ct, plain)
		m = append(m, ct...)
	}
	mac := hmac.New(s.h, ak)
	mac.Write(m)
	return append(m, mac.Sum(nil)[:s.icvLen]...)
}

// table returns a key table holding the SA.
func (s *testSA) table() *ikev2.KeyTable {
	k, err := ikev2.ReadKeyTable(strings.NewReader(uatLine(s)))
	if err != nil {
		panic(err)
	}
	return k
}

func uatLine(s *testSA) string {
	return hexs(ispi[:]) + "," + hexs(rspi[:]) + "," + hexs(s.ei) + "," + hexs(s.er) + ",\"" + s.enc + "\"," + hexs(s.ai) + "," + hexs(s.ar) + ",\"" + s.integ + "\"\n"
}

func hexs(b []byte) string {
	const d = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, d[c>>4], d[c&0xf])
	}
	return string(out)
}
