package live

import (
	"encoding/binary"
	"net"
	"slices"
)

// Frame builders for the live tests.
var (
	srcMAC = []byte{0x02, 0x76, 0x36, 0, 0, 2}
	dstMAC = []byte{0x02, 0x76, 0x36, 0, 0, 1}
)

func ethFrame(etherType uint16, payload []byte) []byte {
	b := slices.Concat(dstMAC, srcMAC, []byte{byte(etherType >> 8), byte(etherType)})
	return append(b, payload...)
}

func ip6Packet(next byte, payload []byte) []byte {
	h := make([]byte, 40)
	h[0] = 0x60
	binary.BigEndian.PutUint16(h[4:], uint16(len(payload)))
	h[6], h[7] = next, 64
	copy(h[8:], net.ParseIP("2001:db8::2"))
	copy(h[24:], net.ParseIP("2001:db8::1"))
	return append(h, payload...)
}

func ip4Packet(proto byte, payload []byte) []byte {
	h := make([]byte, 20)
	h[0] = 0x45
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(payload)))
	h[8], h[9] = 64, proto
	copy(h[12:], []byte{192, 0, 2, 2, 192, 0, 2, 1})
	return append(h, payload...)
}

func udpDatagram(src, dst uint16, payload []byte) []byte {
	h := make([]byte, 8)
	binary.BigEndian.PutUint16(h, src)
	binary.BigEndian.PutUint16(h[2:], dst)
	binary.BigEndian.PutUint16(h[4:], uint16(8+len(payload)))
	return append(h, payload...)
}

func tcpSegment() []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h, 51000)
	binary.BigEndian.PutUint16(h[2:], 443)
	h[12], h[13] = 5<<4, 0x02 // SYN
	return h
}
