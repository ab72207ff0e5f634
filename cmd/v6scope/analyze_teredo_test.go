package main

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// attr returns a session attribute as text ("" when absent).
func attr(r record, k string) string {
	v, ok := r.Attrs[k]
	if !ok {
		return ""
	}
	if f, ok := v.(float64); ok {
		return fmt.Sprint(int64(f))
	}
	return fmt.Sprint(v)
}

// TestAnalyzeTeredo checks analyze on the miredo capture against its
// expect.json teredo facts: both clients QUALIFIED with the mapping, local
// socket and address the script recorded; a direct path each way between
// them; and each reaching the native host through the relay.
func TestAnalyzeTeredo(t *testing.T) {
	e := expectation(t, "teredo-miredo.pcapng")
	recs := analyzeJSON(t, "teredo-miredo.pcapng", "--proto", "teredo")
	clients := sessions(recs, "client")
	paths := sessions(recs, "path")
	if len(e.Teredo) != 2 {
		t.Fatalf("expect.json lists %d Teredo clients, want 2", len(e.Teredo))
	}
	byNode := map[string]record{}
	for _, want := range e.Teredo {
		var got *record
		for _, c := range clients {
			if attr(c, "mapped_addr") == want.MappedAddr.String() && attr(c, "mapped_port") == fmt.Sprint(want.MappedPort) {
				got = &c
				break
			}
		}
		if got == nil {
			t.Errorf("%s: no client with mapping %v:%d; clients %v", want.Node, want.MappedAddr, want.MappedPort, clients)
			continue
		}
		byNode[want.Node] = *got
		if got.State != want.FinalState {
			t.Errorf("%s: state %s, want %s", want.Node, got.State, want.FinalState)
		}
		if a := attr(*got, "address"); a != want.Address.String() {
			t.Errorf("%s: address %s, want %s", want.Node, a, want.Address)
		}
		if a, p := attr(*got, "local_addr"), attr(*got, "local_port"); a != want.LocalAddr.String() || p != fmt.Sprint(want.LocalPort) {
			t.Errorf("%s: local %s:%s, want %v:%d", want.Node, a, p, want.LocalAddr, want.LocalPort)
		}
		if s := attr(*got, "server"); s != want.Server.String() {
			t.Errorf("%s: server %s, want %s", want.Node, s, want.Server)
		}
		// The NAT type qualification finds: miredo sends only the
		// restricted form of the RS, so a cone NAT in front (expect's
		// "nat") is never tested and the client qualifies as restricted,
		// as its address's cone flag says.
		wantNAT := "restricted"
		if want.Cone {
			wantNAT = "cone"
		}
		if n := attr(*got, "nat"); n != wantNAT || attr(*got, "cone") != fmt.Sprint(want.Cone) {
			t.Errorf("%s: nat %s, cone %s; want %s, %v", want.Node, n, attr(*got, "cone"), wantNAT, want.Cone)
		}
	}
	a, b := byNode["a"], byNode["b"]
	if a.ID == "" || b.ID == "" {
		t.Fatal("clients a and b not both found")
	}
	direct := func(from, to record) {
		t.Helper()
		peer := attr(to, "mapped_addr") + ":" + attr(to, "mapped_port")
		for _, p := range paths {
			if attr(p, "client") == from.ID && attr(p, "peer") == peer {
				if p.State != "DIRECT" {
					t.Errorf("path %s is %s, want DIRECT", p.ID, p.State)
				}
				if st := states(recs, p.ID); !contains(st, []string{"BUBBLE_SENT", "DIRECT"}) {
					t.Errorf("path %s went %v, want BUBBLE_SENT then DIRECT", p.ID, st)
				}
				return
			}
		}
		t.Errorf("no path from %s to %s", from.ID, peer)
	}
	direct(a, b)
	direct(b, a)
	for _, c := range []record{a, b} {
		found := false
		for _, p := range paths {
			if attr(p, "client") == c.ID && p.State == "VIA_RELAY" && attr(p, "relay_addr") != "" {
				found = true
				if st := states(recs, p.ID); !contains(st, []string{"TESTING", "BUBBLE_SENT", "VIA_RELAY"}) {
					t.Errorf("path %s went %v, want TESTING, BUBBLE_SENT, VIA_RELAY", p.ID, st)
				}
			}
		}
		if !found {
			t.Errorf("%s: no path through a relay", c.ID)
		}
	}
	for _, r := range recs {
		if r.Type == "anomaly" {
			t.Errorf("unexpected anomaly %s at frame %d", r.Code, r.Frame)
		}
	}
}

// TestAnalyzeTeredoCorpus runs the Teredo tracker on the shared corpus:
// Zeek's Windows client qualifies behind a cone NAT (its cone RS answered
// from the server's secondary address) and reaches ipv6.google.com through
// a relay; the bubble with a payload is flagged.
func TestAnalyzeTeredoCorpus(t *testing.T) {
	dir := filepath.Join("..", "..", "..", "shared", "corpus", "teredo")
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("V6SCOPE_REQUIRE_PEERS") == "1" {
			t.Fatalf("corpus %s missing and V6SCOPE_REQUIRE_PEERS=1: %v", dir, err)
		}
		t.Skipf("no shared corpus: %v", err)
	}
	run := func(name string) []record {
		t.Helper()
		// analyzeJSON reads relative to pcaps/.
		return analyzeJSON(t, filepath.Join("..", "..", "shared", "corpus", "teredo", name), "--proto", "teredo")
	}
	recs := run("zeek_Teredo.pcap")
	c := sessions(recs, "client")["teredo/client/192.168.2.16:3797"]
	if c.State != "QUALIFIED" || attr(c, "nat") != "cone" || attr(c, "mapped_addr") != "70.55.215.234" || attr(c, "mapped_port") != "3797" {
		t.Errorf("zeek_Teredo client: %+v; want QUALIFIED, cone, 70.55.215.234:3797", c)
	}
	if p := sessions(recs, "path")["teredo/path/192.168.2.16:3797/2001:4860:0:2001::68"]; p.State != "VIA_RELAY" {
		t.Errorf("zeek_Teredo path to ipv6.google.com: %q, want VIA_RELAY", p.State)
	}
	recs = run("zeek_teredo_bubble_with_payload.pcap")
	if !anomalyAt(recs, "teredo.bubble_payload", 5) {
		t.Error("zeek_teredo_bubble_with_payload: no teredo.bubble_payload at frame 5")
	}
	for _, name := range []string{"ndpi_teredo.pcap", "wiki_test.pcapng", "zeek_gtp8_teredo.pcap", "zeek_teredo-udp-in-udp.pcap"} {
		run(name) // no crash, a summary
	}
}
