package ikev2_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/ikev2"
	dt "github.com/v6scope/v6scope/internal/decodetest"
)

// ikeFrames returns the ISAKMP, UDP-encapsulation and ESP frames of the
// bundled strongSwan captures that decode without expert notes.
func ikeFrames(t testing.TB, keys *ikev2.KeyTable) []capture.Frame {
	var frames []capture.Frame
	d := decode.New()
	d.SetIKEv2Keys(keys)
	var p decode.Packet
	for _, name := range []string{"ikev2-strongswan.pcapng", "ikev2-strongswan-nat.pcapng"} {
		r, err := capture.Open(filepath.Join(dt.ModuleRoot(t), "pcaps", name))
		if os.IsNotExist(err) {
			continue
		} else if err != nil {
			t.Fatal(err)
		}
		var f capture.Frame
		for r.Next(&f) == nil {
			c := f
			c.Data = append([]byte(nil), f.Data...)
			d.Decode(&c, &p)
			if (dt.HasLayer(&p, "ISAKMP") || dt.HasLayer(&p, "UDPEncap") || dt.HasLayer(&p, "ESP")) && len(p.Notes()) == 0 {
				frames = append(frames, c)
			}
		}
		r.Close()
	}
	if len(frames) == 0 {
		t.Fatal("no IKE frames")
	}
	return frames
}

func strongSwanKeys(t testing.TB) *ikev2.KeyTable {
	f, err := os.Open(filepath.Join(dt.ModuleRoot(t), "pcaps", "ikev2-strongswan.ikev2_decryption_table"))
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	k, err := ikev2.ReadKeyTable(f)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// BenchmarkFast decodes the IKE and ESP frames on the fast path without
// keys; one op is one packet.
func BenchmarkFast(b *testing.B) {
	dt.BenchFast(b, ikeFrames(b, nil))
}

// BenchmarkDecode fully dissects them without keys; one op is one packet.
func BenchmarkDecode(b *testing.B) {
	dt.BenchDecode(b, ikeFrames(b, nil))
}

// BenchmarkDecrypt measures what the keys add: the fast path over the
// encrypted messages only (SK, not fragments), integrity check and
// decryption included; one op is one message.
func BenchmarkDecrypt(b *testing.B) {
	keys := strongSwanKeys(b)
	var enc []capture.Frame
	d := decode.New()
	d.SetIKEv2Keys(keys)
	var p decode.Packet
	for _, f := range ikeFrames(b, keys) {
		d.Decode(&f, &p)
		if len(dt.Values(&p, "isakmp.enc.decrypted")) > 0 && len(dt.Values(&p, "isakmp.frag.number")) == 0 {
			enc = append(enc, f)
		}
	}
	if len(enc) == 0 {
		b.Fatal("nothing decrypted")
	}
	decoded := make([]gopacket.LayerType, 0, 16)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = d.Fast(&enc[i%len(enc)], &decoded)
	}
}

// BenchmarkDecryptAlgorithms measures decryption per algorithm on a
// 300-byte IKE_AUTH-like message; one op is one message.
func BenchmarkDecryptAlgorithms(b *testing.B) {
	inner := chain(pl{35, false, idFQDN}, pl{40, false, make([]byte, 256)})
	for _, sa := range algorithms {
		b.Run(sa.enc+"/"+sa.integ, func(b *testing.B) {
			frame := dt.Frame(capture.LinkRaw, udp6(4500, 4500, append([]byte{0, 0, 0, 0}, sa.encrypt(35, 0x08, 1, 35, inner, 0, 0)...)))
			d := decode.New()
			d.SetIKEv2Keys(sa.table())
			decoded := make([]gopacket.LayerType, 0, 16)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				_ = d.Fast(frame, &decoded)
			}
		})
	}
}

// TestNoAllocs checks that without keys neither path allocates for the
// IKE frames, once the reused buffers have grown.
func TestNoAllocs(t *testing.T) {
	if testing.Short() || os.Getenv("V6SCOPE_RACE") != "" {
		t.Skip("allocation counts differ under -race and need the captures")
	}
	frames := ikeFrames(t, nil)
	d := decode.New()
	var p decode.Packet
	decoded := make([]gopacket.LayerType, 0, 16)
	for i := range frames {
		d.Decode(&frames[i], &p)
		_ = d.Fast(&frames[i], &decoded)
	}
	for i := range frames {
		f := &frames[i]
		if n := testing.AllocsPerRun(3, func() { _ = d.Fast(f, &decoded) }); n != 0 {
			t.Errorf("frame %d: Fast allocates %.0f times", f.Number, n)
		}
		if n := testing.AllocsPerRun(3, func() { d.Decode(f, &p) }); n != 0 {
			t.Errorf("frame %d: Decode allocates %.0f times", f.Number, n)
		}
	}
}
