package model

import (
	"path/filepath"
	"testing"

	"github.com/v6scope/v6scope/output"
)

// TestEveryMessageOfMixedIsExplained checks that every packet of the mixed
// capture (ND, MLD, Teredo, MIPv6, IKEv2, 6in4) gets an explanation, except
// the frames with no IPv6 protocol message (ARP, plain UDP data).
func TestEveryMessageOfMixedIsExplained(t *testing.T) {
	src, err := OpenFile(filepath.Join("..", "..", "pcaps", "mixed.pcapng"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	p := NewPackets(src, output.TimeRelative)
	seen := map[string]int{}
	for n := 1; n <= src.Len(); n++ {
		pkt, err := p.Packet(n)
		if err != nil {
			t.Fatal(err)
		}
		k := MessageKey(pkt)
		if k == "" {
			continue
		}
		if _, ok := ExplanationFor(k); !ok {
			t.Errorf("frame %d: no explanation for %q (%s)", n, k, pkt.Tree.Protocols)
		}
		seen[k]++
	}
	for _, want := range []string{"icmpv6.135", "icmpv6.136", "icmpv6.134", "icmpv6.143", "teredo.bubble", "teredo.rs", "teredo.ra", "mip6.5", "mip6.6", "mip6.1", "ikev2.34.req", "ikev2.35.resp", "ikev2.37.req", "esp", "nat-keepalive"} {
		if seen[want] == 0 {
			t.Errorf("no frame of the mixed capture explained as %s (saw %v)", want, seen)
		}
	}
}

func TestExplanationsAreComplete(t *testing.T) {
	keys := map[string]bool{}
	for _, e := range Explanations {
		if keys[e.Key] {
			t.Errorf("%s twice", e.Key)
		}
		keys[e.Key] = true
		if e.Title == "" || e.What == "" || e.Why == "" || e.Receiver == "" || e.RFC == "" {
			t.Errorf("%s: an empty text", e.Key)
		}
	}
}

func TestLadder(t *testing.T) {
	got := DrawLadder([]LadderEvent{{Frame: 3, Src: "a", Dst: "b", Label: "NS"}, {Frame: 4, Src: "b", Dst: "a", Label: "NA"}})
	want := []string{
		"                         a                         b",
		"                         │                         │",
		"0.000000                 │─NS─────────────────────►│  #3",
		"0.000000                 │◄NA──────────────────────│  #4",
	}
	if len(got) != len(want) {
		t.Fatalf("ladder:\n%q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %q\nwant %q", i, got[i], want[i])
		}
	}
}
