package main

import (
	"strings"
	"testing"
)

// TestAnalyzeMIPv6 checks analyze on mipv6-nemo against the story its
// expect.json tells (description and key frames): the MN's bindings with
// its HA and with the CN end DEREGISTERED, the MR's NEMO binding is BOUND
// with its mobile network prefix, return routability completes and every
// authenticator after it verifies, and the BU with seq 1 is rejected with
// status 135 before its retry is accepted.
func TestAnalyzeMIPv6(t *testing.T) {
	e := expectation(t, "mipv6-nemo.pcapng")
	recs := analyzeJSON(t, "mipv6-nemo.pcapng", "--proto", "mip6")
	const (
		mnHA = "mip6/binding/2001:db8:10:1::100/2001:db8:10:1::2"
		mnCN = "mip6/binding/2001:db8:10:1::100/2001:db8:30:1::10"
		mrHA = "mip6/binding/2001:db8:10:1::200/2001:db8:10:1::2"
		rr   = "mip6/rr/2001:db8:10:1::100/2001:db8:30:1::10"
	)
	for _, s := range []string{"2001:db8:10:1::100", "2001:db8:10:1::200", "2001:db8:10:1::2", "2001:db8:30:1::10", "2001:db8:10:100::/56"} {
		if !strings.Contains(e.Description, s) {
			t.Fatalf("expect.json's description no longer names %s: update this test", s)
		}
	}
	b := sessions(recs, "binding")
	for id, want := range map[string]string{mnHA: "DEREGISTERED", mnCN: "DEREGISTERED", mrHA: "BOUND"} {
		if got := b[id].State; got != want {
			t.Errorf("%s: %q, want %s", id, got, want)
		}
	}
	if got := attr(b[mrHA], "mobile_network_prefixes"); got != "[2001:db8:10:100::/56]" {
		t.Errorf("MR prefixes %s, want [2001:db8:10:100::/56]", got)
	}
	if got := attr(b[mnCN], "authenticators_verified"); got != "6" {
		t.Errorf("authenticators verified %s, want 6 (BU and BA of frames 11/12, 18/19, 26/27)", got)
	}
	if got := sessions(recs, "rr")[rr]; got.State != "COMPLETE" {
		t.Errorf("%s: %q, want COMPLETE", rr, got.State)
	}
	if st := states(recs, rr); !contains(st, []string{"HOTI_SENT", "COTI_SENT", "COMPLETE"}) {
		t.Errorf("%s went %v", rr, st)
	}
	// The rejected BU (seq 1), its BA (status 135), the retry.
	var rejected, retry int
	for _, k := range e.KeyFrames {
		switch {
		case k.Kind == "ba_home" && strings.Contains(k.What, "status 135"):
			rejected = k.Frame
		case k.Kind == "bu_home" && rejected != 0 && retry == 0:
			retry = k.Frame
		}
	}
	if rejected == 0 || retry == 0 {
		t.Fatal("expect.json has no status-135 BA and retry among its key frames")
	}
	want := []string{"REFRESHING", "REJECTED", "REGISTERING", "BOUND"}
	if st := states(recs, mnHA); !contains(st, want) {
		t.Errorf("%s went %v, want %v in it", mnHA, st, want)
	}
	for _, r := range recs {
		if r.Type == "transition" && r.Session == mnHA && r.To == "REJECTED" && r.Frame != rejected {
			t.Errorf("REJECTED at frame %d, want %d", r.Frame, rejected)
		}
		if r.Type == "transition" && r.Session == mnHA && r.From == "REJECTED" && r.Frame != retry {
			t.Errorf("retry at frame %d, want %d", r.Frame, retry)
		}
	}
	if !anomalyAt(recs, "mip6.bu_rejected", rejected) || !anomalyAt(recs, "mip6.sequence_backwards", rejected-1) {
		t.Error("no mip6.bu_rejected / mip6.sequence_backwards at the rejected BU")
	}
	for _, r := range recs {
		if r.Type == "anomaly" && r.Severity == "error" {
			t.Errorf("error anomaly %s at frame %d: %s", r.Code, r.Frame, r.Code)
		}
	}
}
