package netns

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer a process can write while the test reads.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// waitFor polls cond every 50 ms until it holds or ctx ends.
func waitFor(ctx context.Context, cond func() bool) bool {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
	return true
}

// icmpv6Frames lists, per frame of file, "TYPE SRC" (ICMPv6 type, IPv6
// source), in one tshark pass.
func icmpv6Frames(ctx context.Context, t *testing.T, file string) []string {
	t.Helper()
	out, err := exec.CommandContext(ctx, "tshark", "-r", file, "-Y", "icmpv6", "-T", "fields", "-e", "icmpv6.type", "-e", "ipv6.src").Output()
	if err != nil {
		t.Fatalf("tshark -r %s: %v", file, err)
	}
	var frames []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if f := strings.Fields(line); len(f) == 2 {
			frames = append(frames, f[0]+" "+f[1])
		}
	}
	return frames
}

// countLive counts the frames matching filter in a capture still being
// written; a cut-short last record is not an error here.
func countLive(ctx context.Context, file, filter string) int {
	out, _ := exec.CommandContext(ctx, "tshark", "-r", file, "-Y", filter, "-T", "fields", "-e", "frame.number").Output()
	return len(strings.Fields(string(out)))
}

// TestKernelNDLive brings up two namespaces joined by a veth, lets the
// kernel run DAD and join its solicited-node groups, pings across once,
// and checks that the capture holds what pcaps/regen/kernel-nd-mld.sh
// relies on: Neighbor Solicitation, Neighbor Advertisement, MLDv2 report.
func TestKernelNDLive(t *testing.T) {
	Require(t, "needs root, iproute2 and dumpcap (apt-get install tshark), and ping (iputils-ping)", "ip", "dumpcap", "tshark", "ping")
	start := time.Now()
	step := func(what string) { t.Logf("%6.2fs %s", time.Since(start).Seconds(), what) }

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	p := NewPair(ctx, t)

	// The veth must exist only inside the namespaces.
	if err := exec.CommandContext(ctx, "ip", "link", "show", "dev", p.If).Run(); err == nil {
		t.Fatalf("interface %s appeared in the host's namespace", p.If)
	}

	dir := t.TempDir()
	capFile := filepath.Join(dir, "kernel-nd.pcapng")
	var dcErr lockedBuffer
	dumpcap, err := p.A.Start(ctx, nil, &dcErr, "dumpcap", "-q", "-i", p.If, "-w", capFile, "-a", "duration:25")
	if err != nil {
		t.Fatal(err)
	}
	startCtx, startCancel := context.WithTimeout(ctx, 10*time.Second)
	started := waitFor(startCtx, func() bool { return strings.Contains(dcErr.String(), "Capturing on") })
	startCancel()
	if !started {
		t.Fatalf("dumpcap did not start: %s", dcErr.String())
	}

	step("dumpcap capturing")
	if err := p.EnableIPv6(ctx); err != nil {
		t.Fatal(err)
	}
	dadCtx, dadCancel := context.WithTimeout(ctx, 10*time.Second)
	for _, n := range []*NS{p.A, p.B} {
		if err := n.WaitDAD(dadCtx, p.If); err != nil {
			dadCancel()
			t.Fatal(err)
		}
	}
	dadCancel()

	step("DAD done")
	peer, err := p.B.LinkLocal(ctx, p.If)
	if err != nil {
		t.Fatal(err)
	}
	if out, err := p.A.Exec(ctx, "ping", "-6", "-n", "-c", "1", "-W", "2", peer.String()+"%"+p.If); err != nil {
		t.Fatalf("ping %s%%%s: %v\n%s", peer, p.If, err, out)
	}

	step("ping answered")
	// dumpcap hands packets over a block at a time (libpcap's TPACKET_V3
	// ring) and drops what it holds on SIGTERM: wait until the echo reply
	// is in the file before stopping it.
	flushCtx, flushCancel := context.WithTimeout(ctx, 8*time.Second)
	waitFor(flushCtx, func() bool { return countLive(flushCtx, capFile, "icmpv6.type==129") > 0 })
	flushCancel()
	if err := dumpcap.Stop(5 * time.Second); err != nil {
		t.Fatalf("dumpcap: %v: %s", err, dcErr.String())
	}
	step("dumpcap stopped")
	if fi, err := os.Stat(capFile); err != nil || fi.Size() == 0 {
		t.Fatalf("no capture written: %v: %s", err, dcErr.String())
	}

	frames := icmpv6Frames(ctx, t, capFile)
	step("capture read")
	for _, c := range []struct {
		what  string
		match func(typ, src string) bool
	}{
		{"Neighbor Solicitation (135)", func(typ, _ string) bool { return typ == "135" }},
		{"DAD Neighbor Solicitation (135 from ::)", func(typ, src string) bool { return typ == "135" && src == "::" }},
		{"Neighbor Advertisement (136)", func(typ, _ string) bool { return typ == "136" }},
		{"MLDv2 report (143)", func(typ, _ string) bool { return typ == "143" }},
		{"echo reply (129)", func(typ, _ string) bool { return typ == "129" }},
	} {
		found := false
		for _, f := range frames {
			typ, src, _ := strings.Cut(f, " ")
			found = found || c.match(typ, src)
		}
		if !found {
			t.Errorf("capture holds no %s; ICMPv6 frames (type, source):\n%s", c.what, strings.Join(frames, "\n"))
		}
	}
}

func TestMissing(t *testing.T) {
	miss := Missing("v6s-no-such-tool")
	if len(miss) == 0 || miss[len(miss)-1] != "v6s-no-such-tool" {
		t.Errorf("Missing(v6s-no-such-tool) = %v", miss)
	}
	if m := Missing(); (os.Geteuid() == 0) != (len(m) == 0) {
		t.Errorf("Missing() = %v as uid %d", m, os.Geteuid())
	}
}
