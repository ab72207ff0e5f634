//go:build linux

package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/internal/netns"
)

// TestAnalyzeDADTransmitsLive: two kernels on a veth pair, each with
// net.ipv6.conf.IF.dad_transmits=3, bring their link-local addresses up,
// then b adds a global address, all captured by v6scope capture in a's
// namespace. Linux sends the three probes of one DAD about 1.024 s apart
// (its timer wheel runs the 1 s RetransTimer a little late), with one
// Nonce. analyze, assuming the default of one probe, must still show each
// address TENTATIVE once and PREFERRED once (RFC 4862 §5.4.2: the DAD ends
// RetransTimer after the last probe), count three probes per address —
// as many NSs as b's kernel says it sent — and learn 3 as the count.
func TestAnalyzeDADTransmitsLive(t *testing.T) {
	netns.Require(t, "the live DAD test needs root, iproute2, sysctl and ping (apt-get install iproute2 procps iputils-ping)", "ip", "sysctl", "ping")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t)
	for _, n := range []*netns.NS{p.A, p.B} {
		if err := n.Sysctl(ctx, "net.ipv6.conf."+p.If+".dad_transmits", "3"); err != nil {
			t.Fatal(err)
		}
	}
	file := filepath.Join(t.TempDir(), "dad3.pcapng")
	done := make(chan string, 1)
	go func() {
		var msg string
		err := p.A.Do(func() error {
			_, errs, code := cli(t, nil, "capture", "-i", p.If, "-w", file, "-a", "duration:14")
			if code != 0 {
				msg = "capture: exit " + strconv.Itoa(code) + ": " + errs
			}
			return nil
		})
		if err != nil {
			msg = err.Error()
		}
		done <- msg
	}()
	time.Sleep(500 * time.Millisecond) // let the capture socket open
	if err := p.EnableIPv6(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*netns.NS{p.A, p.B} {
		if err := n.WaitDAD(ctx, p.If); err != nil {
			t.Fatal(err)
		}
	}
	const global = "2001:db8:da3::b"
	if _, err := p.B.IP(ctx, "-6", "addr", "add", global+"/64", "dev", p.If); err != nil {
		t.Fatal(err)
	}
	if err := p.B.WaitDAD(ctx, p.If); err != nil {
		t.Fatal(err)
	}
	// b has sent nothing but its DAD probes yet: count them now.
	snmp, err := p.B.Exec(ctx, "cat", "/proc/net/snmp6")
	if err != nil {
		t.Fatal(err)
	}
	bSent := -1
	for _, l := range strings.Split(string(snmp), "\n") {
		if f := strings.Fields(l); len(f) == 2 && f[0] == "Icmp6OutNeighborSolicits" {
			bSent, _ = strconv.Atoi(f[1])
		}
	}
	// Packets after DAD's end, so that the capture's clock passes it: a
	// pings b (and resolves it first).
	llB, err := p.B.LinkLocal(ctx, p.If)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := p.A.Exec(ctx, "ping", "-6", "-n", "-c", "1", "-W", "2", llB.String()+"%"+p.If); err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	var msg string
	select {
	case msg = <-done:
	case <-ctx.Done():
		t.Fatal("the capture did not stop")
	}
	if msg != "" {
		t.Fatal(msg)
	}
	link, err := p.B.IP(ctx, "-o", "link", "show", "dev", p.If)
	if err != nil {
		t.Fatal(err)
	}
	macB := ""
	if f := strings.Fields(string(link)); len(f) > 0 {
		for i := range f[:len(f)-1] {
			if f[i] == "link/ether" {
				macB = f[i+1]
			}
		}
	}
	if macB == "" || bSent <= 0 {
		t.Fatalf("b's MAC %q (from %q), NSs sent %d", macB, link, bSent)
	}

	for _, args := range [][]string{nil, {"--dad-transmits", "3"}} {
		out, errs, code := cli(t, nil, append(append([]string{"analyze", "--json", "--proto", "nd"}, args...), file)...)
		if code != 0 {
			t.Fatalf("analyze %v: exit %d: %s", args, code, errs)
		}
		var recs []record
		for _, l := range lines(out) {
			var r record
			if err := json.Unmarshal([]byte(l), &r); err != nil {
				t.Fatalf("%v: %s", err, l)
			}
			recs = append(recs, r)
		}
		addrs := sessions(recs, "address")
		found := map[string]bool{}
		probes := map[string]int{} // per node
		for id, s := range addrs {
			node, _ := s.Attrs["node"].(string)
			addr, _ := s.Attrs["address"].(string)
			found[addr] = true
			probes[node] += intAttr(s.Attrs["dad_ns"])
			var trs []string
			for _, r := range recs {
				if r.Type == "transition" && r.Session == id {
					trs = append(trs, r.From+"→"+r.To+" "+r.Reason)
				}
			}
			if strings.Join(trs, ", ") != "→TENTATIVE dad_ns, TENTATIVE→PREFERRED dad_complete" {
				t.Errorf("analyze %v: %s went %q, want TENTATIVE then PREFERRED once", args, id, trs)
			}
			if n := intAttr(s.Attrs["dad_ns"]); n != 3 || intAttr(s.Attrs["dad_transmits"]) != 3 {
				t.Errorf("analyze %v: %s: %d probes, dad_transmits %v; the kernel sends 3", args, id, n, s.Attrs["dad_transmits"])
			}
		}
		for _, a := range []string{llB.String(), global} {
			if !found[a] {
				t.Errorf("analyze %v: no DAD session for b's %s (sessions %v)", args, a, found)
			}
		}
		if len(probes) != 2 {
			t.Errorf("analyze %v: DAD from %d nodes, want a and b", args, len(probes))
		}
		for _, r := range recs {
			if r.Type == "anomaly" && strings.HasPrefix(r.Code, "nd.dad") {
				t.Errorf("analyze %v: anomaly %s: %+v", args, r.Code, r)
			}
		}
		if probes[macB] != bSent {
			t.Errorf("analyze %v: b's probes %v, b's kernel sent %d NSs", args, probes, bSent)
		}
	}
}
