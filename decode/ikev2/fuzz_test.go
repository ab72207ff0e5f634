package ikev2_test

import (
	"bytes"
	"testing"

	"github.com/v6scope/v6scope/capture"
	dt "github.com/v6scope/v6scope/internal/decodetest"
)

// bigIKE leaves a reused decoder's ISAKMP layer full before each fuzzed
// message: an SA with transforms, a Nonce, Notifies with data, a VID.
var bigIKE = udp6(500, 500, msg(33, 34, 0x08, 0, chain(pl{33, false, saBody}, pl{40, false, bytes.Repeat([]byte{1}, 32)},
	pl{41, false, notify(16431, 0, 2, 0, 3)}, pl{43, false, []byte("vendor")}, pl{35, false, idFQDN})))

// FuzzIKEv2 checks that no UDP payload on port 500 or 4500 makes the
// decoder panic or claim bytes outside the frame, and that a decoder
// reused after a big message dissects it exactly as a fresh one does (tree,
// notes, layers and summary compared).
func FuzzIKEv2(f *testing.F) {
	f.Add(uint8(0), msg(33, 34, 0x08, 0, chain(pl{33, false, saBody})))
	f.Add(uint8(1), append([]byte{0, 0, 0, 0}, msg(46, 35, 0x08, 1, chain(pl{46, false, make([]byte, 40)}))...))
	f.Add(uint8(1), []byte{0xff})
	f.Add(uint8(1), []byte{1, 2, 3, 4, 0, 0, 0, 1, 9})
	f.Add(uint8(0), msg(53, 35, 0x08, 1, chain(pl{53, false, []byte{0, 1, 0, 2, 1, 2, 3}})))
	for _, fr := range dt.RealFrames(f, 8, func(capture.LinkType) bool { return true }) {
		p := dt.Decode(fr.LinkType, fr.Data)
		if u := dt.From(p, "isakmp"); u != nil {
			f.Add(uint8(0), bytes.Clone(u))
		}
	}
	f.Fuzz(func(t *testing.T, port uint8, payload []byte) {
		ports := [...]uint16{500, 4500}
		pt := ports[int(port)%len(ports)]
		dt.CheckReuse(t, capture.LinkRaw, bigIKE, udp6(pt, pt, payload))
	})
}

// FuzzDecrypt mutates an encrypted message and its fragments under the
// keys of every algorithm: nothing may panic or point outside the frame,
// and a message whose checksum no longer matches shows no plaintext.
func FuzzDecrypt(f *testing.F) {
	inner := chain(pl{35, false, idFQDN}, pl{41, false, notify(16384)})
	f.Add(uint8(0), uint16(0), uint8(0), false)
	f.Add(uint8(5), uint16(40), uint8(1), true)
	f.Add(uint8(7), uint16(100), uint8(0xff), false)
	f.Fuzz(func(t *testing.T, alg uint8, at uint16, xor uint8, frag bool) {
		sa := algorithms[int(alg)%len(algorithms)]
		var m []byte
		if frag {
			m = sa.encrypt(35, 0x08, 1, 35, inner, 1, 2)
		} else {
			m = sa.encrypt(35, 0x08, 1, 35, inner, 0, 0)
		}
		m[int(at)%len(m)] ^= xor
		frame := udp6(4500, 4500, append([]byte{0, 0, 0, 0}, m...))
		p := decodeWith(sa.table(), frame, frame)
		dt.CheckSpans(t, p)
		if xor != 0 && int(at)%len(m) >= 28 && len(dt.Values(p, "isakmp.enc.decrypted")) > 0 && len(dt.Values(p, "isakmp.frag.number")) == 0 {
			t.Errorf("byte %d changed, yet the message decrypted:\n%s", int(at)%len(m), dt.Render(p))
		}
	})
}
