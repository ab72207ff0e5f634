package nd_test

import (
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/v6scope/v6scope/analyze"
	andd "github.com/v6scope/v6scope/analyze/nd"
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

// nsFrame writes into b an Ethernet frame holding a multicast Neighbor
// Solicitation from station i for target 2001:db8::i (RFC 4861 §4.3), with
// a Source Link-Layer Address option: every frame a new neighbor entry.
func nsFrame(b []byte, i uint32) []byte {
	b = b[:0]
	var mac [6]byte
	mac[0] = 0x02
	binary.BigEndian.PutUint32(mac[2:], i)
	var target [16]byte
	target[0], target[1], target[2], target[3] = 0x20, 0x01, 0x0d, 0xb8
	binary.BigEndian.PutUint32(target[12:], i)
	var src [16]byte
	src[0], src[1] = 0xfe, 0x80
	copy(src[10:], mac[:]) // not EUI-64; unique is enough
	dst := [16]byte{0xff, 0x02, 11: 0x01, 12: 0xff, 13: target[13], 14: target[14], 15: target[15]}
	// Ethernet
	b = append(b, 0x33, 0x33, dst[12], dst[13], dst[14], dst[15])
	b = append(b, mac[:]...)
	b = append(b, 0x86, 0xdd)
	// IPv6: payload 32 (NS 24 + SLLA 8), next header 58, hop limit 255
	b = append(b, 0x60, 0, 0, 0, 0, 32, 58, 255)
	b = append(b, src[:]...)
	b = append(b, dst[:]...)
	// NS
	b = append(b, 135, 0, 0, 0, 0, 0, 0, 0)
	b = append(b, target[:]...)
	b = append(b, 1, 1)
	b = append(b, mac[:]...)
	return b
}

// TestMillionNeighborsStayWithinCaps feeds a million distinct neighbors
// (a synthetic flood, generated here) and checks that every table stays
// within its cap, that the evictions are counted and reported, and that
// the heap stays bounded.
func TestMillionNeighborsStayWithinCaps(t *testing.T) {
	n := 1_000_000
	if testing.Short() {
		n = 100_000
	}
	c := &counter{}
	e := analyze.New(c)
	tr := andd.New(e, andd.Config{})
	e.Add(tr)
	d := decode.New()
	decoded := make([]gopacket.LayerType, 0, 16)
	var f capture.Frame
	f.LinkType = capture.LinkEthernet
	start := time.Unix(1_800_000_000, 0)
	buf := make([]byte, 0, 128)
	var peak uint64
	var ms runtime.MemStats
	for i := range n {
		f.Number = i + 1
		f.Time = start.Add(time.Duration(i) * time.Microsecond)
		f.Data = nsFrame(buf, uint32(i))
		f.OrigLen = len(f.Data)
		_ = d.Fast(&f, &decoded)
		e.Observe(&f, decoded, d)
		if i%200_000 == 199_999 {
			runtime.GC()
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
		}
	}
	st := e.Finish()
	var nd *analyze.ProtoStats
	for i := range st.Protos {
		if st.Protos[i].Proto == "nd" {
			nd = &st.Protos[i]
		}
	}
	if nd == nil {
		t.Fatal("no nd summary")
	}
	for _, tb := range nd.Tables {
		if tb.Live > tb.Cap {
			t.Errorf("%s table holds %d, over its cap %d", tb.Kind, tb.Live, tb.Cap)
		}
	}
	neighbors := nd.Tables[0]
	if neighbors.Kind != "neighbor" || neighbors.Evicted != n-neighbors.Cap {
		t.Errorf("neighbor table: %+v; want %d evictions", neighbors, n-neighbors.Cap)
	}
	if nd.Evictions() < n-neighbors.Cap || c.evicted < neighbors.Evicted {
		t.Errorf("evictions reported: summary %d, session records %d", nd.Evictions(), c.evicted)
	}
	if c.transitions != n {
		t.Errorf("%d transitions, want one per new entry (%d)", c.transitions, n)
	}
	t.Logf("%d packets: heap in use at most %d MiB; %d evictions", n, peak>>20, nd.Evictions())
	if peak > 64<<20 {
		t.Errorf("heap in use reached %d MiB, over 64 MiB", peak>>20)
	}
}
