package dissect

import (
	"encoding/binary"
	"net/netip"
)

// Sum adds b to a running ones'-complement sum (RFC 1071). It adds eight
// bytes at a time into a 64-bit accumulator: since 2^16 ≡ 1 modulo 2^16-1,
// adding 32-bit words gives the same sum as adding their 16-bit halves (RFC
// 1071 §2 (B), "parallel summation"), and the result is folded back to 32 bits.
func Sum(sum uint32, b []byte) uint32 {
	acc := uint64(sum)
	for len(b) >= 8 {
		v := binary.BigEndian.Uint64(b)
		acc += v>>32 + v&0xffffffff
		b = b[8:]
	}
	for len(b) >= 2 {
		acc += uint64(binary.BigEndian.Uint16(b))
		b = b[2:]
	}
	if len(b) == 1 {
		acc += uint64(b[0]) << 8
	}
	for acc>>32 != 0 {
		acc = acc&0xffffffff + acc>>32
	}
	return uint32(acc)
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
