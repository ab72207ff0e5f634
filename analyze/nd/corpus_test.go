package nd_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	andd "github.com/v6scope/v6scope/analyze/nd"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
)

// corpusFile returns a capture of the shared corpus of public captures
// (present in CI), or skips.
func corpusFile(t *testing.T, name string) string {
	t.Helper()
	path := "../../../shared/corpus/nd/" + name
	if _, err := os.Stat(path); err != nil {
		if os.Getenv("V6SCOPE_REQUIRE_PEERS") == "1" {
			t.Fatalf("corpus capture %s missing: %v", path, err)
		}
		t.Skipf("corpus capture %s not present (the shared corpus is in CI): skipping", path)
	}
	return path
}

// recording is a Sink that keeps what a test checks.
type recording struct {
	trs   []string // "session FROM→TO reason"
	codes []string
}

func (r *recording) Transition(t *analyze.Transition) {
	r.trs = append(r.trs, t.Session+" "+t.From+"→"+t.To+" "+t.Reason.String())
}
func (r *recording) Anomaly(a *analyze.Anomaly) { r.codes = append(r.codes, a.Code) }
func (r *recording) Session(*analyze.Session)   {}

// TestDADNonceOnARealProbe replays the DAD NS of tcpdump's
// icmpv6-ns-nonce.pcap (from :: for fe80::546f:f7ff:fee1:f, Nonce
// 6069604c0aaa, RFC 7527 §4.1) as a link with a loop would deliver it:
// the probe, then the same bytes back, then the same bytes with another
// Ethernet source; then as a second node would send it, with its own
// Ethernet source and nonce.
func TestDADNonceOnARealProbe(t *testing.T) {
	r, err := capture.Open(corpusFile(t, "td_icmpv6-ns-nonce.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var f capture.Frame
	if err := r.Next(&f); err != nil {
		t.Fatal(err)
	}
	probe := bytes.Clone(f.Data)
	nonce, _ := hex.DecodeString("6069604c0aaa")
	at := bytes.Index(probe, []byte{14, 1}) // the Nonce option: type 14, Length 1
	if at < 0 || !bytes.Equal(probe[at+2:at+8], nonce) {
		t.Fatalf("no Nonce option with %x in the corpus frame", nonce)
	}
	const session = "nd/address/if0/fe80::546f:f7ff:fee1:f/56:6f:f7:e1:00:0f"

	rec := &recording{}
	e := analyze.New(rec)
	e.Add(andd.New(e, andd.Config{}))
	d := decode.New()
	decoded := make([]gopacket.LayerType, 0, 16)
	n := 0
	feed := func(data []byte, after time.Duration) {
		n++
		fr := capture.Frame{Number: n, Time: f.Time.Add(after), LinkType: f.LinkType, Data: data, OrigLen: len(data)}
		_ = d.Fast(&fr, &decoded)
		e.Observe(&fr, decoded, d)
	}

	feed(probe, 0)
	if want := []string{session + " →TENTATIVE dad_ns"}; !slices.Equal(rec.trs, want) {
		t.Fatalf("transitions %q, want %q", rec.trs, want)
	}
	feed(probe, time.Millisecond) // looped back
	other := bytes.Clone(probe)
	copy(other[6:12], []byte{2, 0, 0, 0, 0, 0x77}) // Ethernet source
	feed(other, 2*time.Millisecond)                // looped back through something that rewrote the source
	if len(rec.trs) != 1 || len(rec.codes) != 2 || rec.codes[0] != "nd.dad_looped_back" || rec.codes[1] != "nd.dad_looped_back" {
		t.Fatalf("after two copies of the probe: transitions %q, anomalies %q; want no transition, two nd.dad_looped_back", rec.trs, rec.codes)
	}

	// A second node: its own source and its own nonce. The first prober
	// receives it while tentative and fails (RFC 4862 §5.4.3); the second
	// probed after it, so its DAD goes on. The ICMPv6 checksum is patched
	// for the changed word (RFC 1624 §3).
	second := bytes.Clone(other)
	old := binary.BigEndian.Uint16(second[at+2:])
	second[at+2], second[at+3] = 0x12, 0x34
	patchChecksum(second, old, 0x1234)
	feed(second, 100*time.Millisecond)
	want := []string{
		session + " →TENTATIVE dad_ns",
		session + " TENTATIVE→DUPLICATE dad_ns_conflict",
		"nd/address/if0/fe80::546f:f7ff:fee1:f/02:00:00:00:00:77 →TENTATIVE dad_ns",
	}
	if !slices.Equal(rec.trs, want) {
		t.Fatalf("transitions\n got %q\nwant %q", rec.trs, want)
	}
}

// patchChecksum updates the ICMPv6 checksum of an Ethernet/IPv6/ICMPv6
// frame for one 16-bit word changed from old to new: HC' = ~(~HC + ~m + m')
// (RFC 1624 §3).
func patchChecksum(frame []byte, old, new uint16) {
	const csum = 14 + 40 + 2 // Ethernet, IPv6 header, ICMPv6 type and code
	hc := binary.BigEndian.Uint16(frame[csum:])
	sum := uint32(^hc) + uint32(^old) + uint32(new)
	sum = (sum & 0xffff) + sum>>16
	sum = (sum & 0xffff) + sum>>16
	binary.BigEndian.PutUint16(frame[csum:], ^uint16(sum))
}
