package ikev2_test

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	aikev2 "github.com/v6scope/v6scope/analyze/ikev2"
	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
)

// counter is a Sink that only counts, as a load test needs.
type counter struct{ transitions, anomalies, sessions, evicted int }

func (c *counter) Transition(*analyze.Transition) { c.transitions++ }
func (c *counter) Anomaly(*analyze.Anomaly)       { c.anomalies++ }
func (c *counter) Session(s *analyze.Session) {
	c.sessions++
	if s.Evicted {
		c.evicted++
	}
}

// initFrame writes into b a raw IPv6 packet holding an IKE_SA_INIT request
// (RFC 7296 §1.2) from 2001:db8::i with SPIi i: every frame a new,
// half-open IKE SA, as in an IKE_SA_INIT flood.
func initFrame(b []byte, i uint64) []byte {
	b = b[:0]
	const ikeLen = 28 + 8 // header and one KE payload with 4 bytes of data
	b = append(b, 0x60, 0, 0, 0, 0, 8+ikeLen, 17, 64)
	src := [16]byte{0x20, 0x01, 0x0d, 0xb8}
	binary.BigEndian.PutUint64(src[8:], i)
	dst := [16]byte{0x20, 0x01, 0x0d, 0xb8, 15: 1}
	b = append(b, src[:]...)
	b = append(b, dst[:]...)
	b = append(b, 0x01, 0xf4, 0x01, 0xf4, 0, 8+ikeLen, 0, 0) // UDP 500 → 500
	var spi [8]byte
	binary.BigEndian.PutUint64(spi[:], i+1)
	b = append(b, spi[:]...)
	b = append(b, make([]byte, 8)...)
	b = append(b, 34, 0x20, 34, 0x08, 0, 0, 0, 0, 0, 0, 0, ikeLen) // KE, v2.0, IKE_SA_INIT, I, MID 0
	b = append(b, 0, 0, 0, 8, 0, 31, 0, 0)                         // KE payload, group 31
	return b
}

// TestMillionSPIsStayWithinCaps feeds a million IKE_SA_INIT requests with
// distinct SPIs (a half-open flood, generated here) and checks that the
// tables stay within their caps, that every SA beyond them is evicted and
// reported, and that the heap does not grow with the packet count.
func TestMillionSPIsStayWithinCaps(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	const maxSAs = 4096
	c := &counter{}
	e := analyze.New(c)
	tr := aikev2.New(e, aikev2.Config{MaxSAs: maxSAs})
	e.Add(tr)
	d := decode.New()
	decoded := make([]gopacket.LayerType, 0, 8)
	buf := make([]byte, 0, 128)
	var f capture.Frame
	at := time.Unix(1_800_000_000, 0)
	var heapMid uint64
	for i := 0; i < n; i++ {
		buf = initFrame(buf, uint64(i))
		f = capture.Frame{Number: i + 1, Time: at.Add(time.Duration(i) * time.Microsecond), LinkType: capture.LinkIPv6, Data: buf, CapLen: len(buf), OrigLen: len(buf)}
		_ = d.Fast(&f, &decoded)
		e.Observe(&f, decoded, d)
		if i == n/2 {
			runtime.GC()
			var ms runtime.MemStats
			runtime.ReadMemStats(&ms)
			heapMid = ms.HeapAlloc
		}
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	st := e.Finish()
	for _, tb := range tr.Tables() {
		if tb.Live > tb.Cap {
			t.Errorf("table %s: %d live over cap %d", tb.Kind, tb.Live, tb.Cap)
		}
	}
	var ps *analyze.ProtoStats
	for i := range st.Protos {
		if st.Protos[i].Proto == "ikev2" {
			ps = &st.Protos[i]
		}
	}
	if ps == nil {
		t.Fatal("no ikev2 stats")
	}
	if got, want := tr.Tables()[0].Evicted, n-maxSAs; got != want {
		t.Errorf("evicted %d IKE SAs, want %d", got, want)
	}
	if c.evicted != n-maxSAs || c.sessions != n {
		t.Errorf("session records: %d (%d evicted), want %d (%d evicted)", c.sessions, c.evicted, n, n-maxSAs)
	}
	if ps.Evictions() < n-maxSAs {
		t.Errorf("summary evictions %d", ps.Evictions())
	}
	// Half-open at the end: the SAs still held.
	if c.transitions != n {
		t.Errorf("%d transitions, want %d (one INIT_SENT each)", c.transitions, n)
	}
	if ms.HeapAlloc > heapMid+16<<20 {
		t.Errorf("heap grew from %d to %d bytes between the middle and the end", heapMid, ms.HeapAlloc)
	}
	t.Logf("%d packets: heap %.1f MiB at the middle, %.1f MiB at the end; %d evicted", n, float64(heapMid)/(1<<20), float64(ms.HeapAlloc)/(1<<20), tr.Tables()[0].Evicted)
}

// BenchmarkSessionChurn measures the cost of SA churn: every packet an
// IKE_SA_INIT request with a new SPI from a new address, in a table full
// after 4096, so that each one creates an SA, a peer pair, and evicts and
// reports an old one (docs/analyze.md, "Table caps").
func BenchmarkSessionChurn(b *testing.B) {
	e := analyze.New(&counter{})
	tr := aikev2.New(e, aikev2.Config{MaxSAs: 4096})
	e.Add(tr)
	d := decode.New()
	decoded := make([]gopacket.LayerType, 0, 8)
	buf := make([]byte, 0, 128)
	var f capture.Frame
	at := time.Unix(1_800_000_000, 0)
	// Fill the tables first: the steady state is what a flood costs.
	for i := 0; i < 2*4096; i++ {
		buf = initFrame(buf, uint64(i))
		f = capture.Frame{Number: i + 1, Time: at.Add(time.Duration(i) * time.Microsecond), LinkType: capture.LinkIPv6, Data: buf, CapLen: len(buf), OrigLen: len(buf)}
		_ = d.Fast(&f, &decoded)
		e.Observe(&f, decoded, d)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 2 * 4096; i < 2*4096+b.N; i++ {
		buf = initFrame(buf, uint64(i))
		f = capture.Frame{Number: i + 1, Time: at.Add(time.Duration(i) * time.Microsecond), LinkType: capture.LinkIPv6, Data: buf, CapLen: len(buf), OrigLen: len(buf)}
		_ = d.Fast(&f, &decoded)
		e.Observe(&f, decoded, d)
	}
}
