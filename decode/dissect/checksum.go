package dissect

import (
	"encoding/binary"
	"net/netip"
)

// Sum adds b to a running ones'-complement sum (RFC 1071), 16 bits at a time.
func Sum(sum uint32, b []byte) uint32 {
	n := len(b) &^ 1
	for i := 0; i < n; i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)&1 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	return sum
}

// Fold folds a running sum to 16 bits and complements it: the value a
// checksum field must hold, or 0 when the data already includes a correct
// checksum.
func Fold(sum uint32) uint16 {
	for sum>>16 != 0 {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// PseudoHeader returns the running sum of the upper-layer pseudo-header:
// RFC 8200 §8.1 for IPv6 (addresses, 32-bit length, next header) and RFC 768
// for IPv4 (addresses, zero, protocol, 16-bit length).
func PseudoHeader(src, dst netip.Addr, proto uint8, length int) uint32 {
	var sum uint32
	if src.Is4() {
		s, d := src.As4(), dst.As4()
		sum = Sum(sum, s[:])
		sum = Sum(sum, d[:])
	} else {
		s, d := src.As16(), dst.As16()
		sum = Sum(sum, s[:])
		sum = Sum(sum, d[:])
	}
	sum += uint32(length>>16) + uint32(length&0xffff)
	sum += uint32(proto)
	return sum
}

// Checksum status values, as Wireshark's *.checksum.status fields print them.
const (
	ChecksumBad        = 0
	ChecksumGood       = 1
	ChecksumUnverified = 2
)

// ChecksumStatusNames names the checksum status values.
func ChecksumStatusNames(v uint64) string {
	switch v {
	case ChecksumBad:
		return "Bad"
	case ChecksumGood:
		return "Good"
	case ChecksumUnverified:
		return "Unverified"
	}
	return ""
}
