package main

import (
	"encoding/json"
	"net/netip"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/pcaps"
)

// record is one NDJSON line of analyze --json.
type record struct {
	Type     string         `json:"type"`
	Proto    string         `json:"proto"`
	Kind     string         `json:"kind"`
	Session  string         `json:"session"`
	ID       string         `json:"id"`
	Frame    int            `json:"frame"`
	Time     time.Time      `json:"time"`
	From     string         `json:"from"`
	To       string         `json:"to"`
	Reason   string         `json:"reason"`
	Basis    string         `json:"basis"`
	Code     string         `json:"code"`
	Severity string         `json:"severity"`
	State    string         `json:"state"`
	Evicted  bool           `json:"evicted"`
	Attrs    map[string]any `json:"attrs"`
	Packets  int            `json:"packets"`
	Last     time.Time      `json:"last"`
}

// analyzeJSON runs analyze --json on a bundled capture and parses every
// record, checking that each line is JSON with a type.
func analyzeJSON(t *testing.T, name string, args ...string) []record {
	t.Helper()
	path := filepath.Join("..", "..", "pcaps", name)
	out, errs, code := cli(t, nil, append(append([]string{"analyze", "--json"}, args...), path)...)
	if code != 0 {
		t.Fatalf("analyze %s: exit %d: %s", name, code, errs)
	}
	var recs []record
	for i, l := range lines(out) {
		var r record
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("line %d: %v: %s", i+1, err, l)
		}
		if r.Type == "" {
			t.Fatalf("line %d has no type: %s", i+1, l)
		}
		recs = append(recs, r)
	}
	if len(recs) == 0 || recs[len(recs)-1].Type != "summary" {
		t.Fatalf("%s: the last record is not the summary", name)
	}
	return recs
}

func sessions(recs []record, kind string) map[string]record {
	m := map[string]record{}
	for _, r := range recs {
		if r.Type == "session" && r.Kind == kind {
			m[r.ID] = r
		}
	}
	return m
}

// states lists the states a session went through, consecutive repeats
// removed.
func states(recs []record, session string) []string {
	var s []string
	for _, r := range recs {
		if r.Type == "transition" && r.Session == session && (len(s) == 0 || s[len(s)-1] != r.To) {
			s = append(s, r.To)
		}
	}
	return s
}

// contains reports whether want appears in got as a contiguous run.
func contains(got, want []string) bool {
	for i := 0; i+len(want) <= len(got); i++ {
		if slices.Equal(got[i:i+len(want)], want) {
			return true
		}
	}
	return false
}

// v6scopeState maps the kernel's NUD state names onto v6scope's.
func v6scopeState(kernel string) string {
	if kernel == "FAILED" {
		return "UNREACHABLE"
	}
	return kernel
}

func macOf(t *testing.T, e *pcaps.Expectation, node string) string {
	t.Helper()
	for _, h := range e.Hosts {
		if h.Node == node {
			return h.MAC
		}
	}
	t.Fatalf("%s: no host %q", e.File, node)
	return ""
}

func expectation(t *testing.T, name string) *pcaps.Expectation {
	t.Helper()
	e, err := pcaps.Expect(name)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// The hosts of both ND captures run base_reachable_time_ms=2500 and
// delay_first_probe_time=1 (pcaps/README.md); a passive observer has to
// be told.
var ndTimers = []string{"--reachable-time", "2.5s", "--delay-first-probe", "1s"}

// checkNeighbors compares the final neighbor states with the kernels'.
// The kernel draws ReachableTime between 0.5 and 1.5 times its base
// (RFC 4861 §6.3.2) and was asked a moment after the capture ended, so an
// entry confirmed within 1.5 × 2.5 s of the end may be either REACHABLE or
// STALE; elsewhere the states must agree.
func checkNeighbors(t *testing.T, e *pcaps.Expectation, recs []record) {
	t.Helper()
	ns := sessions(recs, "neighbor")
	end := recs[len(recs)-1].Last
	checked := 0
	for _, n := range e.Neighbors {
		id := "nd/neighbor/if0/" + macOf(t, e, n.Node) + "/" + n.Target.String()
		got, ok := ns[id]
		if !ok {
			continue // an entry the capture never shows in use (a node's own address, RAs)
		}
		want := v6scopeState(n.FinalState)
		if got.State == want {
			checked++
			continue
		}
		var reach time.Time
		for _, r := range recs {
			if r.Type == "transition" && r.Session == id && r.To == "REACHABLE" {
				reach = r.Time
			}
		}
		ambiguous := !reach.IsZero() && end.Sub(reach) < 3750*time.Millisecond &&
			(got.State == "REACHABLE" || got.State == "STALE") && (want == "REACHABLE" || want == "STALE")
		if !ambiguous {
			t.Errorf("%s: %s's entry for %s is %s, the kernel said %s", e.File, n.Node, n.Target, got.State, n.FinalState)
		}
	}
	if checked < 3 {
		t.Errorf("%s: only %d neighbor states could be compared", e.File, checked)
	}
}

func checkNUD(t *testing.T, e *pcaps.Expectation, recs []record) {
	t.Helper()
	if len(e.NUD) == 0 {
		t.Fatalf("%s: no NUD trace to check", e.File)
	}
	for _, tr := range e.NUD {
		id := "nd/neighbor/if0/" + macOf(t, e, tr.Node) + "/" + tr.Target.String()
		var want []string
		for _, s := range tr.States {
			want = append(want, v6scopeState(s))
		}
		if got := states(recs, id); !contains(got, want) {
			t.Errorf("%s: %s's entry for %s went %v; the kernel went %v", e.File, tr.Node, tr.Target, got, want)
		}
	}
}

func anomalyAt(recs []record, code string, frame int) bool {
	for _, r := range recs {
		if r.Type == "anomaly" && r.Code == code && r.Frame == frame {
			return true
		}
	}
	return false
}

func TestAnalyzeKernelNDMLD(t *testing.T) {
	e := expectation(t, "kernel-nd-mld.pcapng")
	recs := analyzeJSON(t, "kernel-nd-mld.pcapng", ndTimers...)
	checkNUD(t, e, recs)
	checkNeighbors(t, e, recs)
	// Every address of every host passed DAD.
	addrs := sessions(recs, "address")
	for _, h := range e.Hosts {
		for _, a := range h.Addresses {
			id := "nd/address/if0/" + a.Prefix.Addr().String() + "/" + h.MAC
			if got, ok := addrs[id]; !ok || got.State != "PREFERRED" {
				t.Errorf("%s: address %s of %s is %q, want PREFERRED", e.File, a.Prefix.Addr(), h.Node, got.State)
			}
		}
	}
	// radvd's last RA has Router Lifetime 0.
	if r := sessions(recs, "router")["nd/router/if0/fe80::76:36ff:fe00:1"]; r.State != "EXPIRED" {
		t.Errorf("router state %q, want EXPIRED", r.State)
	}
	for _, r := range recs {
		if r.Type == "anomaly" && r.Severity == "error" {
			t.Errorf("unexpected anomaly in a clean capture: %+v", r)
		}
	}
}

func TestAnalyzeNDTrouble(t *testing.T) {
	e := expectation(t, "nd-trouble.pcapng")
	// rtr and atk keep the kernel's default base of 30 s.
	recs := analyzeJSON(t, "nd-trouble.pcapng", append(ndTimers,
		"--node-reachable-time", macOf(t, e, "rtr")+"=30s", "--node-reachable-time", macOf(t, e, "atk")+"=30s")...)
	checkNUD(t, e, recs)
	checkNeighbors(t, e, recs)
	addrs := sessions(recs, "address")
	dups := 0
	for _, h := range e.Hosts {
		for _, a := range h.Addresses {
			if a.State != "DUPLICATE" {
				continue
			}
			dups++
			id := "nd/address/if0/" + a.Prefix.Addr().String() + "/" + h.MAC
			if got := addrs[id]; got.State != "DUPLICATE" {
				t.Errorf("%s: %s's %s is %q, want DUPLICATE", e.File, h.Node, a.Prefix.Addr(), got.State)
			}
		}
	}
	if dups != 2 {
		t.Errorf("expect.json lists %d DUPLICATE addresses, want 2", dups)
	}
	// a keeps 2001:db8:6:1::d00d: it passed DAD first and defends it.
	if got := addrs["nd/address/if0/2001:db8:6:1::d00d/"+macOf(t, e, "a")]; got.State != "PREFERRED" {
		t.Errorf("a's d00d is %q, want PREFERRED", got.State)
	}
	for _, c := range []struct {
		code  string
		frame int
	}{
		{"nd.cache_poisoning", 92},       // fake_advertise6
		{"nd.cache_poisoning", 99},       // parasite6
		{"nd.dad_unknown_defender", 106}, // dos-new-ip6
		{"nd.new_router", 110},           // fake_router6
		{"nd.unknown_prefix", 110},
	} {
		if !anomalyAt(recs, c.code, c.frame) {
			t.Errorf("no %s anomaly at frame %d", c.code, c.frame)
		}
	}
	if anomalyAt(recs, "nd.dad_unknown_defender", 77) {
		t.Error("a's defence of its own address (frame 77) reported as a DAD attack")
	}
	// With the allowed routers given, the fake router is a rogue one.
	recs = analyzeJSON(t, "nd-trouble.pcapng", "--proto", "nd", "--routers", "fe80::76:36ff:fe00:1")
	if !anomalyAt(recs, "nd.rogue_router", 110) {
		t.Error("no nd.rogue_router at frame 110 with --routers")
	}
}

func TestAnalyzeMLDQuerier(t *testing.T) {
	e := expectation(t, "mld-querier.pcapng")
	recs := analyzeJSON(t, "mld-querier.pcapng", "--proto", "mld")
	qs := sessions(recs, "querier")
	for _, q := range e.MLD.Queriers {
		got := qs["mld/querier/if0/"+q.Address.String()]
		if got.State != q.State {
			t.Errorf("querier %s (%s) is %q, want %q", q.Node, q.Address, got.State, q.State)
		}
	}
	if got := qs["mld/querier/if0/"+e.MLD.Querier.String()]; got.Attrs["elected"] != true {
		t.Errorf("%s is not the elected querier: %v", e.MLD.Querier, got.Attrs)
	}
	groups := sessions(recs, "group")
	want := map[netip.Addr]string{}
	for _, g := range e.MLD.Groups {
		want[g.Group] = g.Mode
		id := "mld/group/if0/" + g.Group.String()
		got, ok := groups[id]
		if !ok {
			t.Errorf("group %s not found", g.Group)
			continue
		}
		if got.State != g.Mode {
			t.Errorf("group %s is %s, the bridge %s says %s", g.Group, got.State, g.Node, g.Mode)
		}
		var srcs []string
		for _, s := range got.Attrs["sources"].([]any) {
			srcs = append(srcs, s.(string))
		}
		var wantSrcs []string
		for _, s := range g.Sources {
			wantSrcs = append(wantSrcs, s.String())
		}
		slices.Sort(srcs)
		slices.Sort(wantSrcs)
		if g.Mode == "INCLUDE" && !slices.Equal(srcs, wantSrcs) {
			t.Errorf("group %s sources %v, want %v", g.Group, srcs, wantSrcs)
		}
	}
	// Groups the bridges no longer hold have no listeners left.
	for id, g := range groups {
		a := netip.MustParseAddr(strings.TrimPrefix(id, "mld/group/if0/"))
		if _, held := want[a]; !held && g.State != "NO_LISTENERS" {
			t.Errorf("group %s is %s; the bridges hold no listeners for it", a, g.State)
		}
	}
	// h3 speaks MLDv1: its group is in compatibility mode.
	if v := groups["mld/group/if0/ff02::1:ff00:43"].Attrs["version"]; v != float64(1) {
		t.Errorf("ff02::1:ff00:43 version %v, want 1", v)
	}
}

func TestAnalyzeReport(t *testing.T) {
	out, errs, code := cli(t, nil, "analyze", filepath.Join("..", "..", "pcaps", "nd-trouble.pcapng"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"== ND ==", "== MLD ==", "neighbor sessions", "nd.cache_poisoning", "What this capture could not show", "Nothing seen of: ikev2, mip6, teredo"} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	// Protocols the capture has nothing of get that one line, no section.
	for _, not := range []string{"== IKEV2 ==", "== MIP6 ==", "== TEREDO =="} {
		if strings.Contains(out, not) {
			t.Errorf("report has an empty %q section", not)
		}
	}
	if _, _, code := cli(t, nil, "analyze", "--proto", "nope", bundled); code != exitUsage {
		t.Errorf("--proto nope: exit %d, want %d", code, exitUsage)
	}
}
