package nd_test

import (
	"bytes"
	"io"
	"slices"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/dissect"
	"github.com/v6scope/v6scope/internal/decodetest"
	"github.com/v6scope/v6scope/pcaps"
)

// fuzzSources are the IPv6 sources a fuzzed message may come from: the
// checks depend on link-local, unspecified and global sources.
var fuzzSources = [...]string{"fe80::1", "::", "2001:db8::1"}
var fuzzDests = [...]string{"ff02::1", "ff02::1:ff00:2", "fe80::2", "2001:db8::2"}

// fuzzFrame builds a frame from a fuzz input: sel picks the ND type, the
// source and the destination; body follows type and code.
func fuzzFrame(sel, code, hlim uint8, body []byte) []byte {
	typ := 133 + sel%5
	src := fuzzSources[int(sel/5)%len(fuzzSources)]
	dst := fuzzDests[int(sel/15)%len(fuzzDests)]
	return frame(src, dst, hlim, typ, code, body)
}

// FuzzND: no input makes the decoder panic, every node stays within the
// frame, and decoding into a reused layer (after a frame with many
// options, a Redirect and DNSSL names) equals a fresh decode.
func FuzzND(f *testing.F) {
	for _, fr := range syntheticFrames() {
		msg := fr[14+40:]
		f.Add(uint8(msg[0]-133), msg[1], uint8(255), msg[4:])
	}
	for _, fr := range ndFrames(f) {
		msg := fr[14+40:] // Ethernet, IPv6, then the message (see ndFrames)
		f.Add(msg[0]-133, msg[1], fr[14+7], msg[4:])
	}
	prev := syntheticFrames()["ra-dns"]
	redirect := syntheticFrames()["redirect"]
	f.Fuzz(func(t *testing.T, sel, code, hlim uint8, body []byte) {
		data := fuzzFrame(sel, code, hlim, body)
		decodetest.CheckReuse(t, capture.LinkEthernet, prev, data)
		decodetest.CheckReuse(t, capture.LinkEthernet, redirect, data)
		// The fast path neither panics nor disagrees on the layers.
		d := decode.New()
		var layers []gopacket.LayerType
		d.Fast(decodetest.Frame(capture.LinkEthernet, data), &layers)
		if !slices.Contains(layers, dissect.LayerND) {
			t.Fatalf("fast path did not reach ND: %v", layers)
		}
	})
}

// ndFrames returns the Ethernet ND frames of the bundled captures.
func ndFrames(tb testing.TB) [][]byte {
	tb.Helper()
	var out [][]byte
	for _, name := range pcaps.Captures() {
		b, err := pcaps.FS.ReadFile(name)
		if err != nil {
			tb.Fatal(err)
		}
		r, err := capture.NewReader(bytes.NewReader(b), name)
		if err != nil {
			tb.Fatal(err)
		}
		for {
			var fr capture.Frame
			if err := r.Next(&fr); err == io.EOF {
				break
			} else if err != nil {
				tb.Fatal(err)
			}
			p := decodetest.Decode(fr.LinkType, fr.Data)
			if fr.LinkType == capture.LinkEthernet && slices.Contains(p.Layers, dissect.LayerND) && len(p.Layers) >= 3 && p.Layers[1] == dissect.LayerIPv6 && p.Layers[2] == dissect.LayerICMPv6 {
				out = append(out, bytes.Clone(fr.Data))
			}
		}
		r.Close()
	}
	return out
}
