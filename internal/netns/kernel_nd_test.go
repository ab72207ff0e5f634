package netns

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/decode/filter"
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

// readCapture decodes every complete frame of file with v6scope's own
// reader and decoder, and calls fn with each. A capture still being
// written may end mid-record: that last record is not an error.
func readCapture(file string, fn func(p *decode.Packet)) (int, error) {
	r, err := capture.Open(file)
	if err != nil {
		return 0, err
	}
	defer r.Close()
	d := decode.New()
	var (
		f capture.Frame
		p decode.Packet
		n int
	)
	for {
		err := r.Next(&f)
		var te *capture.TruncatedError
		switch {
		case err == io.EOF, errors.As(err, &te):
			return n, nil
		case err != nil:
			return n, err
		}
		n++
		d.Decode(&f, &p)
		fn(&p)
	}
}

// compile compiles a display filter against v6scope's fields.
func compile(t *testing.T, expr string) *filter.Filter {
	t.Helper()
	f, err := filter.Compile(expr, decode.NewSchema())
	if err != nil {
		t.Fatalf("display filter %q: %v", expr, err)
	}
	return f
}

// icmpv6Frames lists, per ICMPv6 frame of file, "TYPE SRC" (ICMPv6 type,
// IPv6 source), as v6scope decodes them.
func icmpv6Frames(t *testing.T, file string) []string {
	t.Helper()
	var frames []string
	_, err := readCapture(file, func(p *decode.Packet) {
		typ, src := p.Tree.Find("icmpv6.type"), p.Tree.Find("ipv6.src")
		if typ != nil && src != nil {
			frames = append(frames, typ.Value()+" "+src.Value())
		}
	})
	if err != nil {
		t.Fatalf("reading %s: %v", file, err)
	}
	return frames
}

// countLive counts the frames matching f in a capture still being
// written; a cut-short last record is not an error here.
func countLive(file string, f *filter.Filter) int {
	n := 0
	readCapture(file, func(p *decode.Packet) {
		if f.Match(&p.Tree) {
			n++
		}
	})
	return n
}

// TestKernelNDLive brings up two namespaces joined by a veth, lets the
// kernel run DAD and join its solicited-node groups, pings across once,
// and checks that the capture holds what pcaps/regen/kernel-nd-mld.sh
// relies on: Neighbor Solicitation, Neighbor Advertisement, MLDv2 report.
func TestKernelNDLive(t *testing.T) {
	Require(t, "needs root, iproute2 and dumpcap (apt-get install tshark), and ping (iputils-ping)", "ip", "dumpcap", "ping")
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
	echoReply := compile(t, "icmpv6.type == 129")
	waitFor(flushCtx, func() bool { return countLive(capFile, echoReply) > 0 })
	flushCancel()
	if err := dumpcap.Stop(5 * time.Second); err != nil {
		t.Fatalf("dumpcap: %v: %s", err, dcErr.String())
	}
	step("dumpcap stopped")
	if fi, err := os.Stat(capFile); err != nil || fi.Size() == 0 {
		t.Fatalf("no capture written: %v: %s", err, dcErr.String())
	}

	step("capture read")
	frames := icmpv6Frames(t, capFile)
	for _, c := range []struct {
		what, filter string
	}{
		{"Neighbor Solicitation (135)", "icmpv6.type == 135 && ipv6.hlim == 255"},
		{"DAD Neighbor Solicitation (135 from :: to a solicited-node group)", "icmpv6.type == 135 && ipv6.src == :: && ipv6.dst == ff02::1:ff00:0/104"},
		{"Neighbor Advertisement (136)", "icmpv6.type == 136 && ipv6.hlim == 255"},
		{"MLDv2 report (143) with a Router Alert hop-by-hop option", "icmpv6.type == 143 && ipv6.hlim == 1 && ipv6.opt.router_alert == 0 && ipv6.dst == ff02::16"},
		{"echo request (128) to the peer's link-local address", "icmpv6.type == 128 && ipv6.dst == " + peer.String()},
		{"echo reply (129) from the peer's link-local address", "icmpv6.type == 129 && ipv6.src == " + peer.String()},
		{"frame whose ICMPv6 checksum v6scope finds good", "icmpv6.checksum.status == 1"},
	} {
		if countLive(capFile, compile(t, c.filter)) == 0 {
			t.Errorf("capture holds no %s (%s); ICMPv6 frames (type, source):\n%s", c.what, c.filter, strings.Join(frames, "\n"))
		}
	}
	if n := countLive(capFile, compile(t, "_ws.malformed || icmpv6.checksum.status == 0")); n > 0 {
		t.Errorf("v6scope finds %d frames of the kernel's own traffic malformed or with a bad checksum", n)
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
