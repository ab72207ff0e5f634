package teredo_test

import (
	"testing"

	"github.com/v6scope/v6scope/capture"
	dt "github.com/v6scope/v6scope/internal/decodetest"
)

// bigTeredo leaves a reused decoder's Teredo layer full before each fuzzed
// payload: authentication with identifier and value, origin indication,
// an inner ICMPv6 message, and notes.
var bigTeredo = udp4("198.51.100.99", 3544, mapped, 40000, auth([]byte("client-id"), []byte{1, 2, 3, 4}, 1),
	origin("198.51.100.7", 1234), ra(llServer, client))

// fuzzPorts choose where the fuzzed payload travels: to the server port,
// from it, or between two other ports (the heuristic).
var fuzzPorts = [...][2]uint16{{40000, 3544}, {3544, 40000}, {3797, 40000}, {3544, 3544}}

// FuzzTeredo checks that no UDP payload makes the decoder panic or claim
// bytes outside the frame, and that a decoder reused after a big Teredo
// packet dissects it exactly as a fresh one does (tree, notes, layers and
// summary compared).
func FuzzTeredo(f *testing.F) {
	for _, tc := range edgeCases {
		// The edge cases' UDP payloads (after 20 bytes of IPv4 and 8 of UDP).
		if len(tc.frame) > 28 {
			f.Add(uint8(0), tc.frame[28:])
			f.Add(uint8(2), tc.frame[28:])
		}
	}
	f.Add(uint8(1), []byte{0, 1})
	f.Add(uint8(1), []byte{0, 0})
	f.Fuzz(func(t *testing.T, sel uint8, payload []byte) {
		ports := fuzzPorts[int(sel)%len(fuzzPorts)]
		src, dst := "203.0.113.5", mapped
		if sel&0x80 != 0 {
			src = "192.168.1.2" // behind a NAT: the mapping is not judged
		}
		frame := dt.IPv4(src, dst, 17, 64, dt.UDP(src, dst, ports[0], ports[1], payload))
		dt.CheckReuse(t, capture.LinkRaw, bigTeredo, frame)
	})
}
