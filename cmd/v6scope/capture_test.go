//go:build linux

package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/internal/netns"
)

// TestCaptureLive runs v6scope capture inside a namespace of a veth pair
// while the kernels bring IPv6 up and ping: the summary lines show ND and
// MLD, the pcapng file holds the interface's name and exactly the frames
// the final counts report, and -a stops it.
func TestCaptureLive(t *testing.T) {
	netns.Require(t, "live capture needs root, iproute2 and ping (iputils-ping)", "ip", "ping")
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t)
	file := filepath.Join(t.TempDir(), "live.pcapng")

	type result struct {
		stdout, stderr string
		code           int
	}
	res := make(chan result, 1)
	go func() {
		var r result
		err := p.A.Do(func() error {
			r.stdout, r.stderr, r.code = cli(t, nil, "capture", "-i", p.If, "-w", file, "-a", "duration:5")
			return nil
		})
		if err != nil {
			r.stderr, r.code = err.Error(), -1
		}
		res <- r
	}()
	time.Sleep(500 * time.Millisecond) // let the socket open
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
	var r result
	select {
	case r = <-res:
	case <-ctx.Done():
		t.Fatal("capture -a duration:5 did not stop")
	}
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	for _, want := range []string{"Neighbor Solicitation", "Neighbor Advertisement", "Multicast Listener Report", "Echo (ping) reply"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("output has no %q:\n%s", want, r.stdout)
		}
	}
	m := regexp.MustCompile(`(?m)^(\d+) packets captured$`).FindStringSubmatch(r.stderr)
	if m == nil || !strings.Contains(r.stderr, "0 packets dropped by kernel") || !strings.Contains(r.stderr, "Capturing on '"+p.If+"'") {
		t.Fatalf("stderr:\n%s", r.stderr)
	}
	captured, _ := strconv.Atoi(m[1])
	lines := strings.Count(r.stdout, "\n")
	rd, err := capture.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if ifs := rd.Interfaces(); len(ifs) != 1 || ifs[0].Name != p.If || ifs[0].LinkType != capture.LinkEthernet {
		t.Errorf("file interfaces %+v", ifs)
	}
	n := 0
	var f capture.Frame
	for {
		err := rd.Next(&f)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != captured || lines != captured {
		t.Errorf("%d packets captured reported, %d lines printed, %d frames in the file", captured, lines, n)
	}
}

func TestCaptureUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"capture"}, exitUsage, "give one with -i"},
		{[]string{"capture", "-i", "lo", "-a", "packets:3"}, exitUsage, "duration:SEC"},
		{[]string{"capture", "-i", "lo", "-f", "udp", "--all"}, exitUsage, "give one"},
		{[]string{"capture", "-i", "lo", "-Y", "icmpv6.nonesuch == 1"}, exitUsage, "display filter"},
		{[]string{"capture", "-i", "v6s-nonesuch0"}, exitInput, `no such interface "v6s-nonesuch0"; the interfaces here are: lo`},
	} {
		if os.Geteuid() != 0 && c.code == exitInput {
			c.msg = "CAP_NET_RAW" // the socket cannot even be opened
		}
		_, stderr, code := cli(t, nil, c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.msg)
		}
	}
}
