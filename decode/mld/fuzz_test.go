package mld_test

import (
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/decode"
)

// fuzzHeader turns the option bits of FuzzMLD into the IPv6 header the
// message travels in, so that every check on it is reached.
func fuzzHeader(opts uint8, msgLen int) ip6 {
	h := ip6{dst: "ff02::16"}
	h.noHBH = opts&0x01 != 0
	h.noRA = opts&0x02 != 0
	switch opts >> 2 & 0x3 {
	case 1:
		h.src = "::"
	case 2:
		h.src = globalSrc
	case 3:
		h.dst = group
	}
	if opts&0x10 != 0 {
		h.hopLimit = 255
	}
	h.checksumBad = opts&0x20 != 0
	h.captureCut = min(int(opts>>6)*7, msgLen)
	return h
}

// fuzzTypes map the first octet of a fuzzed message to an MLD type.
var fuzzTypes = [...]uint8{130, 131, 132, 143}

// bigReport leaves a reused decoder's MLD layer full of records and
// sources before each fuzzed message.
var bigReport = frame(ip6{dst: "ff02::16"}, report2(4,
	rec(1, "ff0e::1", auxWord, sourceA, sourceB, sourceA), rec(2, "ff0e::2", nil, sourceB),
	rec(5, "ff0e::5", append(auxWord, auxWord...), sourceA, sourceB), rec(6, "ff0e::6", nil, sourceA, sourceB, sourceA, sourceB)))

var bigQuery = frame(ip6{}, query2(0x9234, group, 0x0a, 0x9a, sourceA, sourceB, sourceA, sourceB))

// FuzzMLD checks that no input makes the decoder panic, and that an MLD
// layer reused after large messages dissects a message exactly as a fresh
// one does (the reuse bug of gopacket's mldv2: slices not reset).
func FuzzMLD(f *testing.F) {
	for _, tc := range edgeCases {
		m := tc.msg
		if len(m) > 0 {
			m = append([]byte{0}, m[1:]...)
			for i, typ := range fuzzTypes {
				if typ == tc.msg[0] {
					m[0] = byte(i)
				}
			}
		}
		f.Add(uint8(0), m)
	}
	f.Add(uint8(0xff), []byte{3, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 2})
	f.Add(uint8(0x40), []byte{0})
	reused := decode.New()
	var (
		rp      decode.Packet
		decoded []gopacket.LayerType
	)
	f.Fuzz(func(t *testing.T, opts uint8, m []byte) {
		if len(m) > 0 {
			m[0] = fuzzTypes[m[0]%uint8(len(fuzzTypes))]
		}
		fr := frame(fuzzHeader(opts, len(m)), m)

		var fresh decode.Packet
		decode.New().Decode(fr, &fresh)
		want := render(&fresh)

		reused.Decode(bigReport, &rp)
		_ = reused.Fast(bigQuery, &decoded)
		reused.Decode(bigQuery, &rp)
		_ = reused.Fast(bigReport, &decoded)
		reused.Decode(fr, &rp)
		if got := render(&rp); got != want {
			t.Fatalf("reused decoder differs from a fresh one\nfresh:\n%s\nreused:\n%s", want, got)
		}
		if err := reused.Fast(fr, &decoded); err != nil && len(m) >= 4 {
			t.Logf("Fast: %v", err)
		}
	})
}
