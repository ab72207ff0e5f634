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

// liveRun runs v6scope with args inside the first namespace of a fresh
// veth pair while the kernels bring IPv6 up and one pings the other.
func liveRun(t *testing.T, args func(ifname string) []string) (stdout, stderr string) {
	t.Helper()
	netns.Require(t, "live capture needs root, iproute2 and ping (iputils-ping)", "ip", "ping")
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t)
	type result struct {
		stdout, stderr string
		code           int
	}
	res := make(chan result, 1)
	go func() {
		var r result
		err := p.A.Do(func() error {
			r.stdout, r.stderr, r.code = cli(t, nil, args(p.If)...)
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
		t.Fatalf("%v did not stop", args(p.If))
	}
	if r.code != 0 {
		t.Fatalf("exit %d\n%s", r.code, r.stderr)
	}
	return r.stdout, r.stderr
}

// TestCaptureLive: the summary lines show ND and MLD, the pcapng file
// holds the interface's name and exactly the frames the final counts
// report, and -a stops the capture.
func TestCaptureLive(t *testing.T) {
	file := filepath.Join(t.TempDir(), "live.pcapng")
	var ifname string
	stdout, stderr := liveRun(t, func(ifc string) []string {
		ifname = ifc
		return []string{"capture", "-i", ifc, "-w", file, "-a", "duration:5"}
	})
	for _, want := range []string{"Neighbor Solicitation", "Neighbor Advertisement", "Multicast Listener Report", "Echo (ping) reply"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output has no %q:\n%s", want, stdout)
		}
	}
	m := regexp.MustCompile(`(?m)^(\d+) packets captured$`).FindStringSubmatch(stderr)
	if m == nil || !strings.Contains(stderr, "0 packets dropped by kernel") || !strings.Contains(stderr, "Capturing on '"+ifname+"'") {
		t.Fatalf("stderr:\n%s", stderr)
	}
	captured, _ := strconv.Atoi(m[1])
	lines := strings.Count(stdout, "\n")
	rd, err := capture.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	if ifs := rd.Interfaces(); len(ifs) != 1 || ifs[0].Name != ifname || ifs[0].LinkType != capture.LinkEthernet {
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

// TestAnalyzeLive: analyze -i streams the transitions of DAD and of the
// neighbor cache, then prints the report.
func TestAnalyzeLive(t *testing.T) {
	stdout, _ := liveRun(t, func(ifc string) []string {
		return []string{"analyze", "-i", ifc, "-a", "duration:5"}
	})
	for _, want := range []string{"nd address", "(new) -> TENTATIVE", "TENTATIVE -> PREFERRED", "nd neighbor", "REACHABLE"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("analyze -i output has no %q:\n%s", want, stdout)
		}
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
