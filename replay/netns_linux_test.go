//go:build linux

package replay

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/v6scope/v6scope/capture"
	"github.com/v6scope/v6scope/decode"
	"github.com/v6scope/v6scope/internal/netns"
	"github.com/v6scope/v6scope/pcaps"
)

// inNS runs fn on a thread moved into the network namespace name; sockets
// fn opens stay in that namespace after it returns.
func inNS(name string, fn func() error) error {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(orig)
	target, err := unix.Open("/run/netns/"+name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(target)
	if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
		return err
	}
	defer func() {
		if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
			panic(fmt.Sprintf("cannot return to the test's network namespace: %v", err))
		}
	}()
	return fn()
}

// veth makes two namespaces joined by a veth pair (IPv6 off, so the
// kernel sends nothing on it), an Interface on A and a listener (the
// capture/live capture expect uses) on B.
func veth(t *testing.T) (*netns.Pair, *Interface, *listener) {
	t.Helper()
	netns.Require(t, "replay tests need root and iproute2 (apt-get install iproute2)", "ip")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	p := netns.NewPair(ctx, t)
	var (
		out *Interface
		l   *listener
	)
	if err := inNS(p.A.Name, func() (err error) { out, err = OpenInterface(p.If, InterfaceOptions{}); return }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { out.Close() })
	if err := inNS(p.B.Name, func() error {
		c, err := Listen(p.If)
		if err == nil {
			l = newListener(p.If, c)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return p, out, l
}

// collect reads n frames from l, waiting at most d.
func collect(t *testing.T, l *listener, n int, d time.Duration) []Received {
	t.Helper()
	var got []Received
	timeout := time.After(d)
	for len(got) < n {
		select {
		case r := <-l.C:
			got = append(got, r)
		case <-timeout:
			return got
		}
	}
	return got
}

func loadPcap(t *testing.T, name string, rw *Rewriter) *Frames {
	t.Helper()
	f, err := pcaps.FS.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := capture.NewReader(f, name)
	if err != nil {
		t.Fatal(err)
	}
	fs, err := Load(r, name, Selection{}, rw, true)
	if err != nil || fs.Err != nil {
		t.Fatal(err, fs.Err)
	}
	return fs
}

// TestReplayVeth replays a real capture into one end of a veth pair at
// 2,000 pps, three times over, and checks the other end: every frame
// byte-identical, in order, at the rate asked (within 20%: machines
// running tests are loaded; benchmarks measure precisely).
func TestReplayVeth(t *testing.T) {
	_, out, l := veth(t)
	fs := loadPcap(t, "kernel-nd-mld.pcapng", nil)
	const loops = 3
	rep, err := Play(context.Background(), fs, out, Options{Pacing: Pacing{Mode: PPS, Rate: 2000}, Loops: loops})
	if err != nil {
		t.Fatal(err)
	}
	want := loops * len(fs.List)
	if rep.Packets != int64(want) {
		t.Fatalf("sent %d, want %d", rep.Packets, want)
	}
	got := collect(t, l, want, 5*time.Second)
	if len(got) != want {
		t.Fatalf("received %d frames, want %d", len(got), want)
	}
	for i, r := range got {
		if f := fs.List[i%len(fs.List)]; !bytes.Equal(r.Data, f.Data) {
			t.Fatalf("received frame %d differs from frame %d of the capture", i+1, f.Number)
		}
	}
	span := got[len(got)-1].Time.Sub(got[0].Time)
	pps := float64(len(got)-1) / span.Seconds()
	t.Logf("received %d frames at %.1f pps (target 2000); sender: rate error %+.3f%%, gap error p50 %v p99 %v max %v",
		len(got), pps, rep.RateError, rep.GapP50, rep.GapP99, rep.GapMax)
	if pps < 1600 || pps > 2400 {
		t.Errorf("received at %.1f pps, want 2000 ± 20%%", pps)
	}
	if rep.RateError < -20 || rep.RateError > 20 {
		t.Errorf("sender's rate error %.2f%%", rep.RateError)
	}
}

// TestReplayVethRewritten replays the tunnel, Teredo and Mobile IPv6
// captures with addresses and MACs rewritten: the frames arrive exactly
// as rewritten, and the decoder finds every checksum right.
func TestReplayVethRewritten(t *testing.T) {
	_, out, l := veth(t)
	maps := mustMaps(t, "2001:db8::/32=3fff:5::/32", "2001:0:cb00:7101::/64=2001:0:cb00:7199::/64",
		"192.0.2.0/24=198.18.2.0/24", "203.0.113.0/24=198.18.113.0/24", "198.51.100.0/24=198.18.51.0/24")
	src, dst := []byte{2, 0xaa, 0, 0, 0, 1}, []byte{2, 0xbb, 0, 0, 0, 2}
	d := decode.New()
	for _, name := range []string{"tunnels-6in4.pcapng", "teredo-miredo.pcapng", "mipv6-nemo.pcapng"} {
		fs := loadPcap(t, name, NewRewriter(src, dst, maps))
		orig := loadPcap(t, name, nil)
		if _, err := Play(context.Background(), fs, out, Options{Pacing: Pacing{Mode: PPS, Rate: 5000}, Loops: 1}); err != nil {
			t.Fatal(err)
		}
		got := collect(t, l, len(fs.List), 5*time.Second)
		if len(got) != len(fs.List) {
			t.Fatalf("%s: received %d frames, want %d", name, len(got), len(fs.List))
		}
		changed := 0
		for i, r := range got {
			f := fs.List[i]
			if !bytes.Equal(r.Data, f.Data) {
				t.Fatalf("%s: received frame %d differs from rewritten frame %d", name, i+1, f.Number)
			}
			if !bytes.Equal(r.Data[6:12], src) || !bytes.Equal(r.Data[0:6], dst) {
				t.Errorf("%s frame %d: MACs not rewritten", name, f.Number)
			}
			if !bytes.Equal(r.Data[12:], orig.List[i].Data[12:]) {
				changed++
			}
			if before, after := badChecksums(d, capture.LinkEthernet, orig.List[i].Data), badChecksums(d, capture.LinkEthernet, r.Data); len(after) > len(before) {
				t.Errorf("%s frame %d: %v", name, f.Number, after)
			}
		}
		if changed < len(got)/2 {
			t.Errorf("%s: only %d of %d frames had an address rewritten", name, changed, len(got))
		}
	}
}

// TestReplayInterfaceErrors: a missing interface and one that is down are
// named, with what to do.
func TestReplayInterfaceErrors(t *testing.T) {
	p, _, _ := veth(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := inNS(p.A.Name, func() error { _, err := OpenInterface("nosuch0", InterfaceOptions{}); return err })
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte(`no such interface "nosuch0"`)) {
		t.Errorf("missing interface: %v", err)
	}
	if _, err := p.A.IP(ctx, "link", "set", p.If, "down"); err != nil {
		t.Fatal(err)
	}
	err = inNS(p.A.Name, func() error { _, err := OpenInterface(p.If, InterfaceOptions{}); return err })
	if err == nil || !bytes.Contains([]byte(err.Error()), []byte("ip link set v6s0 up")) {
		t.Errorf("interface down: %v", err)
	}
}

// TestReplayOversize: a frame over the MTU is skipped and counted, or
// stops the replay naming it.
func TestReplayOversize(t *testing.T) {
	p, out, l := veth(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := p.A.IP(ctx, "link", "set", p.If, "mtu", "1280"); err != nil {
		t.Fatal(err)
	}
	out.mtu = 1280
	small := make([]byte, 100)
	big := make([]byte, 1400)
	for _, b := range [][]byte{small, big} {
		copy(b, []byte{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x88, 0xb5}) // local experimental EtherType
	}
	fs := &Frames{List: []Frame{{Number: 1, LinkType: capture.LinkEthernet, Data: small}, {Number: 2, LinkType: capture.LinkEthernet, Data: big}, {Number: 3, LinkType: capture.LinkEthernet, Data: small}}}
	var warn string
	rep, err := Play(context.Background(), fs, out, Options{Pacing: Pacing{Mode: Topspeed}, Loops: 1, Warn: func(s string) { warn = s }})
	if err != nil || rep.Packets != 2 || rep.Oversize != 1 || !bytes.Contains([]byte(warn), []byte("frame 2: 1386 bytes is over the MTU 1280")) {
		t.Errorf("skip: %v, %+v, warning %q", err, rep, warn)
	}
	if got := collect(t, l, 2, 2*time.Second); len(got) != 2 {
		t.Errorf("received %d, want 2", len(got))
	}
	rep, err = Play(context.Background(), fs, out, Options{Pacing: Pacing{Mode: Topspeed}, Loops: 1, Oversize: OversizeStop})
	if err == nil || rep.Packets != 1 || !bytes.Contains([]byte(err.Error()), []byte("frame 2: frame larger than the interface MTU")) {
		t.Errorf("stop: %v, %+v", err, rep)
	}
}
