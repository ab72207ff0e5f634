package mip6_test

import (
	"slices"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/internal/decodetest"
)

// fuzzPkts are the IP contexts a fuzzed Mobility Header arrives in: bare,
// after a Home Address option, after a type 2 routing header, and under
// next header 62.
var fuzzPkts = [...]pkt{{src: mn, dst: ha}, home, back, {src: mn, dst: ha, next: 62}}

// FuzzMobility: no input makes the decoder panic, every node stays within
// the frame, decoding into a reused decoder (after a frame with many
// options) equals a fresh decode, comparing the whole trees, and the fast
// path reaches the Mobility Header.
func FuzzMobility(f *testing.F) {
	for _, fr := range syntheticFrames() {
		f.Add(uint8(0), fr[14+40:])
	}
	f.Add(uint8(1), mh(5, bu(1, 0xc000, 10)))
	prev := syntheticFrames()["bu-pmip"]
	prev2 := syntheticFrames()["has"]
	f.Fuzz(func(t *testing.T, sel uint8, h []byte) {
		p := fuzzPkts[int(sel)%len(fuzzPkts)]
		data := frame(p, h)
		decodetest.CheckReuse(t, capture.LinkEthernet, prev, data)
		decodetest.CheckReuse(t, capture.LinkEthernet, prev2, data)
		d := decode.New()
		var layers []gopacket.LayerType
		d.Fast(decodetest.Frame(capture.LinkEthernet, data), &layers)
		if len(h) >= 6 && !slices.Contains(layers, dissect.LayerMobility) && !slices.Contains(layers, dissect.LayerMobilityOld) {
			t.Fatalf("fast path did not reach the Mobility Header: %v", layers)
		}
	})
}
