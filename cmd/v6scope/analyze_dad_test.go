package main

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/v6scope/v6scope/pcaps"
)

// TestAnalyzeDADLoopback reads pcaps/dad-loopback.pcapng, recorded from
// the Linux kernel (pcaps/regen/dad-loopback.sh), and holds analyze's
// DAD verdicts to what the kernels reported at the end of the run
// (dad-loopback.expect.json):
//
//   - On the looped link (v6s-loop) every probe of a comes straight back
//     with a's own Nonce: RFC 7527 §4.1, not a duplicate. a's kernel kept
//     both addresses, and v6scope must call each copy nd.dad_looped_back
//     and keep the addresses PREFERRED.
//   - On the bridge (v6s-br0) b and c probe one address with different
//     Nonces; the kernel marked it dadfailed on the one that probed first
//     (it heard the other's probe while tentative, RFC 4862 §5.4.3) and
//     kept it on the other, which later defends it with an NA.
func TestAnalyzeDADLoopback(t *testing.T) {
	const name = "dad-loopback.pcapng"
	e := expectation(t, name)
	recs := analyzeJSON(t, name, "--proto", "nd")
	addrs := sessions(recs, "address")

	// The two links are the capture's two interfaces, in IDB order.
	link := map[string]string{}
	for i, n := range e.Interfaces {
		link[n] = fmt.Sprintf("if%d", i)
	}
	if link["v6s-loop"] == "" || link["v6s-br0"] == "" {
		t.Fatalf("%s: interfaces %q, want v6s-loop and v6s-br0", name, e.Interfaces)
	}
	nodeLink := map[string]string{"a": link["v6s-loop"], "b": link["v6s-br0"], "c": link["v6s-br0"]}
	sessionID := func(h pcaps.Host, a netip.Addr) string {
		return "nd/address/" + nodeLink[h.Node] + "/" + a.String() + "/" + h.MAC
	}
	// Every NS in the capture is a DAD probe (none from a unicast
	// source), so a kernel's count of the NSs it sent is its probes.
	if n := e.Counts["icmpv6.type==135 && !(ipv6.src==::)"]; n != 0 {
		t.Fatalf("%s: %d NSs not from ::; the counter checks below assume none", name, n)
	}

	for _, h := range e.Hosts {
		if nodeLink[h.Node] == "" {
			t.Fatalf("%s: unexpected host %q", name, h.Node)
		}
		probes, looped := 0, 0
		for _, a := range h.Addresses {
			id := sessionID(h, a.Prefix.Addr())
			want := a.State
			if want == "" {
				want = "PREFERRED" // the kernel shows no tentative/dadfailed flag
			}
			got, ok := addrs[id]
			if !ok {
				t.Errorf("%s: no address session %s (%s's %s)", name, id, h.Node, a.Prefix.Addr())
				continue
			}
			if got.State != want {
				t.Errorf("%s: %s's %s is %s, its kernel says %s", name, h.Node, a.Prefix.Addr(), got.State, want)
			}
			probes += intAttr(got.Attrs["dad_ns"])
			looped += intAttr(got.Attrs["looped_back"])
		}
		if want := h.Counters["Icmp6OutNeighborSolicits"]; probes != want {
			t.Errorf("%s: v6scope counts %d DAD probes from %s, its kernel sent %d NSs", name, probes, h.Node, want)
		}
		if h.Node == "a" {
			// a received nothing but its own probes, looped back.
			if want := h.Counters["Icmp6InNeighborSolicits"]; looped != want || want == 0 {
				t.Errorf("%s: v6scope saw %d of a's probes looped back, a's kernel received %d NSs", name, looped, want)
			}
		} else if looped != 0 {
			t.Errorf("%s: %d of %s's probes called looped back on a plain bridge", name, looped, h.Node)
		}
	}

	// The looped copies: on v6s-loop each of a's probes is followed by
	// its mirror image, so the looped ones are every second DAD NS there.
	var aProbes, bcProbes []pcaps.KeyFrame
	for _, k := range e.KeyFrames {
		if k.Kind != "dad_ns" {
			continue
		}
		switch {
		case strings.Contains(k.What, "(a)"):
			aProbes = append(aProbes, k)
		case strings.Contains(k.What, "2001:db8:7527::bc"):
			bcProbes = append(bcProbes, k)
		}
	}
	var wantLooped, gotLooped []int
	for i := 1; i < len(aProbes); i += 2 {
		wantLooped = append(wantLooped, aProbes[i].Frame)
	}
	for _, r := range recs {
		if r.Type == "anomaly" && r.Code == "nd.dad_looped_back" {
			gotLooped = append(gotLooped, r.Frame)
		}
	}
	if len(wantLooped) == 0 || !slices.Equal(gotLooped, wantLooped) {
		t.Errorf("%s: nd.dad_looped_back at frames %v, want %v (the second copy of each of a's probes %v)", name, gotLooped, wantLooped, aProbes)
	}

	// The collision: the first prober of 2001:db8:7527::bc fails at the
	// second prober's probe; the second prober's copy never fails.
	if len(bcProbes) < 2 {
		t.Fatalf("%s: %d DAD probes for 2001:db8:7527::bc, want both nodes' and a retry", name, len(bcProbes))
	}
	first, second := bcProbes[0], bcProbes[1]
	var loser, winner pcaps.Host
	for _, h := range e.Hosts {
		for _, a := range h.Addresses {
			if a.Prefix.Addr() != netip.MustParseAddr("2001:db8:7527::bc") {
				continue
			}
			if a.State == "DUPLICATE" {
				loser = h
			} else {
				winner = h
			}
		}
	}
	if loser.Node == "" || winner.Node == "" {
		t.Fatalf("%s: want one dadfailed and one kept copy of 2001:db8:7527::bc; loser %q, winner %q", name, loser.Node, winner.Node)
	}
	if !strings.Contains(first.What, "("+loser.Node+")") || !strings.Contains(second.What, "("+winner.Node+")") {
		t.Fatalf("%s: probes %q then %q: the kernel failed %s, the first prober", name, first.What, second.What, loser.Node)
	}
	bc := netip.MustParseAddr("2001:db8:7527::bc")
	conflict := false
	for _, r := range recs {
		if r.Type != "transition" {
			continue
		}
		switch r.Session {
		case sessionID(loser, bc):
			if r.To == "DUPLICATE" && r.Reason == "dad_ns_conflict" && r.Frame == second.Frame {
				conflict = true
			}
		case sessionID(winner, bc):
			if r.To == "DUPLICATE" {
				t.Errorf("%s: %s's copy went DUPLICATE at frame %d (%s); its kernel kept the address", name, winner.Node, r.Frame, r.Reason)
			}
		}
	}
	if !conflict {
		t.Errorf("%s: %s's copy did not go DUPLICATE (dad_ns_conflict) at %s's probe, frame %d", name, loser.Node, winner.Node, second.Frame)
	}
	for _, r := range recs {
		if r.Type == "anomaly" && (r.Severity == "error" || r.Code == "nd.dad_unknown_defender") {
			t.Errorf("%s: unexpected anomaly %s at frame %d", name, r.Code, r.Frame)
		}
	}
}

// intAttr reads a JSON number attribute (absent: 0).
func intAttr(v any) int {
	f, _ := v.(float64)
	return int(f)
}
