//go:build linux

package model

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture/live"
	"github.com/v6scope/v6scope/internal/netns"
	"github.com/v6scope/v6scope/output"
)

// TestLiveSourceSeesKernelND captures on one end of a veth pair, inside
// its namespace, while the kernels bring IPv6 up (DAD, MLD reports) and
// one pings the other (Neighbor Solicitation and Advertisement), and checks
// that the ND rows arrive in the packet list through the feed.
func TestLiveSourceSeesKernelND(t *testing.T) {
	netns.Require(t, "live capture needs root, iproute2 and ping (iputils-ping)", "ip", "ping")
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t)
	var c *live.Capture
	if err := p.A.Do(func() (err error) { c, err = live.Open(live.Options{Interfaces: []string{p.If}}); return err }); err != nil {
		t.Fatalf("live.Open in %s: %v", p.A.Name, err)
	}
	defer c.Close()
	src, err := NewLiveSource("live: "+p.If, c.Interfaces(), "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	pk := NewPackets(src, output.TimeRelative)
	// The feed's updates, handed over as a UI's event loop would take them.
	updates := make(chan Update, 1024)
	fd := &Feed{Source: src, Capture: c}
	fed := make(chan struct{})
	go func() { fd.Run(func(u Update) { updates <- u }); close(fed) }()
	defer func() { c.Stop(); <-fed }()

	if err := p.EnableIPv6(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*netns.NS{p.A, p.B} {
		if err := n.WaitDAD(ctx, p.If); err != nil {
			t.Fatal(err)
		}
	}
	peer, err := p.B.LinkLocal(ctx, p.If)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := p.A.Exec(ctx, "ping", "-6", "-n", "-c", "1", "-W", "2", peer.String()+"%"+p.If); err != nil {
		t.Fatalf("ping: %v\n%s", err, out)
	}
	want := map[string]bool{"Neighbor Solicitation": false, "Neighbor Advertisement": false, "Multicast Listener Report": false}
	seen := 0
	var last Update
	for missing := len(want); missing > 0; {
		select {
		case u := <-updates:
			src.Publish(u.Frames) // the event loop's step
			last = u
		case <-ctx.Done():
			t.Fatalf("after %d rows, still missing some of %v", pk.Len(), want)
		}
		for ; seen < pk.Len(); seen++ {
			r := pk.Row(seen)
			if r.ReadErr != nil {
				t.Fatalf("row %d: %v", seen, r.ReadErr)
			}
			for k, ok := range want {
				if !ok && strings.Contains(r.Info, k) {
					want[k] = true
					missing--
				}
			}
		}
	}
	if last.Stats.Captured < uint64(pk.Len()) || last.StatsErr != nil {
		t.Errorf("counters %+v (%v) for %d rows", last.Stats, last.StatsErr, pk.Len())
	}
}
